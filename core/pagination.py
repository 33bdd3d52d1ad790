"""Page-number pagination for the API: ``count``, ``next``, ``previous``, ``results``."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

if TYPE_CHECKING:
    from rest_framework.views import APIView


class PortalPagination(PageNumberPagination):
    """Page-number pagination with ``?page_size=`` between 1 and ``max_page_size`` (500).

    A page or page size that is not a positive integer is refused with HTTP 400 (``{"page": [reason]}``);
    a page past the last gives 404; a page size above the maximum is capped, so the whole table is never
    returned at once.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: "APIView | None" = None
    ) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param)
        if raw not in (None, "", "last") and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_query_param: [_("Must be a whole number from 1.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError(
                {"page_size": [_("Must be an integer between 1 and %(max)s.") % {"max": self.max_page_size}]}
            )
        return min(int(raw), self.max_page_size)
