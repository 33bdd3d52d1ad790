"""Non-router API routes, included under the ``api`` namespace in roadmap_portal.urls."""

from django.urls import path

from cells.api.views import ConversionCompleteView, DesignCheckView

from .api import SummaryView

urlpatterns = [
    path("summary/", SummaryView.as_view(), name="summary"),
    path("compliance/check/", DesignCheckView.as_view(), name="compliance-check"),
    path("conversions/<int:pk>/complete/", ConversionCompleteView.as_view(), name="conversion-complete"),
]
