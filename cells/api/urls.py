"""Routes of the cells API, included under /api/v1/ (namespace ``api``) by roadmap_portal.urls."""

from django.urls import path
from rest_framework import routers

from .movements import ConversionPlanView, MovementViewSet
from .views import CellViewSet, ConversionCompleteView, DesignCheckView, StandardProfileViewSet

router = routers.SimpleRouter()
router.register("cells", CellViewSet, basename="cell")
router.register("standards", StandardProfileViewSet)
router.register("movements", MovementViewSet, basename="movement")

# Routes besides the router's (roadmap_portal.urls adds the router's viewsets to the API root).
extra_urlpatterns = [
    path("compliance/check/", DesignCheckView.as_view(), name="compliance-check"),
    path("conversions/<int:pk>/complete/", ConversionCompleteView.as_view(), name="conversion-complete"),
    path("conversions/<int:pk>/complete/plan/", ConversionPlanView.as_view(), name="conversion-complete-plan"),
]

urlpatterns = [*router.urls, *extra_urlpatterns]
