"""Strict filtering for lists: unknown parameters, fields and values are refused, never ignored.

- StrictFilterBackend: django-filter's backend, plus HTTP 400 for a query parameter the list does not know
  (``{"regoin": ["Unknown parameter. Allowed: ..."]}``), so that a typo never returns the whole table.
- StableOrderingFilter: ``?ordering=`` over the view's fields, the primary key always last.
- StrictBooleanFilter, IdFilter, LenientMultipleChoiceFilter: filter types with clear errors.
- DateFilter: a date typed day first or chosen in a calendar, with the format hint (core.forms.DateField).
"""

from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from .forms import DateField

if TYPE_CHECKING:
    from rest_framework.views import APIView

# Parameters every list accepts besides its filters.
COMMON_PARAMETERS = {"page", "page_size", "ordering", "format"}
MAX_ID = 2**63 - 1


class StrictFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that answers 400 for query parameters that are neither filters nor paging."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: "APIView") -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        allowed = set(COMMON_PARAMETERS)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = _("Unknown parameter. Allowed: %(allowed)s.") % {"allowed": ", ".join(sorted(allowed))}
            raise ValidationError({name: [message] for name in unknown})
        return super().filter_queryset(request, queryset, view)


class StableOrderingFilter(OrderingFilter):
    """``?ordering=a,-b`` over the view's ``ordering_fields``, always ending with the primary key.

    An unknown field (or ``--a``) gives HTTP 400 ``{"ordering": ["Unknown field 'x'. Allowed: ..."]}``.
    Without ``?ordering=`` the view's ``ordering`` applies; ``pk`` is appended as the last tie-breaker so
    that rows with equal sort keys appear exactly once across pages.
    """

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: "APIView") -> list[str] | None:
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            for field in fields:
                if (field[1:] if field.startswith("-") else field) not in allowed:
                    raise ValidationError(
                        {
                            self.ordering_param: [
                                _(
                                    "Unknown field '%(field)s'. Allowed: %(allowed)s, each optionally preceded by '-' for "
                                    "descending order."
                                )
                                % {"field": field, "allowed": ", ".join(sorted(allowed))}
                            ]
                        }
                    )
            ordering = fields
        else:
            ordering = list(self.get_default_ordering(view) or [])
        if not any(f.lstrip("-") in ("pk", "id") for f in ordering):
            ordering.append("pk")
        return ordering


class StrictBooleanField(forms.Field):
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``, any case); anything else is a validation error."""

    TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
    widget = forms.Select(choices=[("", "---------"), ("true", gettext_lazy("yes")), ("false", gettext_lazy("no"))])

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Must be true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A boolean filter that refuses values other than true/false instead of ignoring them."""

    field_class = StrictBooleanField


class IdField(forms.IntegerField):
    """A database id: a whole number from 1 to 2^63-1 written in ASCII digits (``12.5`` is refused)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and value.strip() and not (value.strip().isascii() and value.strip().isdigit()):
            raise forms.ValidationError(_("Enter a whole number (an id)."), code="invalid")
        return super().to_python(value)


class IdFilter(django_filters.NumberFilter):
    """Filter on an id (see IdField)."""

    field_class = IdField


class LenientMultipleChoiceField(django_filters.fields.MultipleChoiceField):
    """A multiple choice where empty values (``?kind=``) are ignored, like an empty single-value filter."""

    def clean(self, value: Any) -> Any:
        if value is not None:
            value = [item for item in value if item not in ("", None)]
        return super().clean(value)


class LenientMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = LenientMultipleChoiceField


class DateFilter(django_filters.DateFilter):
    """A date filter: a day-first text input with a calendar (core.widgets.DateInput, sent as DD.MM.YYYY;
    ISO YYYY-MM-DD is read too) and the format hint in its help text (core.forms.DateField)."""

    field_class = DateField
