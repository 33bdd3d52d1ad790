"""Strict filters for lists: stable ordering (primary key last), unknown fields and values refused."""
import django_filters
from django import forms
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """``?ordering=a,-b`` over the view's ``ordering_fields``, always ending with the primary key.

    An unknown field gives HTTP 400 ``{"ordering": ["Unknown field 'x'. Allowed: ..."]}``.
    Without ``?ordering=`` the view's ``ordering`` applies; ``pk`` is appended as the last tie-breaker so
    that rows with equal sort keys appear exactly once across pages.
    """

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [f for f in fields if f.lstrip("-") not in allowed]
            if unknown:
                raise ValidationError(
                    {self.ordering_param: [f"Unknown field '{unknown[0]}'. Allowed: {', '.join(sorted(allowed))}."]}
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
    widget = forms.Select(choices=[("", "---------"), ("true", "yes"), ("false", "no")])

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("Must be true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A boolean filter that refuses values other than true/false instead of ignoring them."""

    field_class = StrictBooleanField
