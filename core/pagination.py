"""Page-number pagination for the API: ``count``, ``next``, ``previous``, ``results``."""
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """Page-number pagination with ``?page_size=`` between 1 and ``max_page_size`` (500).

    A page size that is not a positive integer is refused with HTTP 400 (``{"page_size": [reason]}``);
    a page size above the maximum is capped, so the whole table is never returned at once.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({"page_size": [f"Must be an integer between 1 and {self.max_page_size}."]})
        if value < 1:
            raise ValidationError({"page_size": [f"Must be an integer between 1 and {self.max_page_size}."]})
        return min(value, self.max_page_size)
