from django.urls import path

from cells.api.views import DesignCheckView

from .api import SummaryView

urlpatterns = [
    path("summary/", SummaryView.as_view(), name="api-summary"),
    path("compliance/check/", DesignCheckView.as_view(), name="api-compliance-check"),
]
