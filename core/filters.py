"""Ordering for API lists: stable (primary key last) and strict (unknown fields refused)."""
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
