"""Helpers of the HTML list pages: a FilterSet bound to the query string, and the page of a list."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def filtered(request: HttpRequest, filter_class: Any, queryset: QuerySet) -> tuple[Any, QuerySet]:
    """``(filterset, rows)``: the filterset bound to the query string (unbound without one) and its rows;
    no rows when a filter is invalid (the page shows the errors)."""
    filterset = filter_class(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, queryset.none()
    return filterset, filterset.qs if filterset.is_bound else queryset


def page(request: HttpRequest, queryset: QuerySet, per_page: int) -> Page:
    """The page of ``queryset`` named by ``?page=`` (the last one when out of range)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
