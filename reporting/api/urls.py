"""Routes of the reporting API, included under /api/v1/ (namespace ``api``) by roadmap_portal.urls."""

from django.urls import path
from rest_framework import routers

from .placement import PlacementPlanView
from .views import FacilityViewSet, SummaryView

router = routers.SimpleRouter()
router.register("facilities", FacilityViewSet, basename="facility")

# Routes besides the router's (roadmap_portal.urls adds the router's viewsets to the API root).
extra_urlpatterns = [
    path("summary/", SummaryView.as_view(), name="summary"),
    path("placement/plan/", PlacementPlanView.as_view(), name="placement-plan"),
]

urlpatterns = [*router.urls, *extra_urlpatterns]
