"""Routes of the cells API, included under /api/v1/ (namespace ``api``) by roadmap_portal.urls."""

from django.urls import path
from rest_framework import routers

from .certification import (
    CertificationRequestViewSet,
    FacilityCertificateDetail,
    FacilityCertificateDownload,
    FacilityCertificateList,
)
from .movements import ConversionPlanView, MovementViewSet
from .views import CellViewSet, ConversionCompleteView, DesignCheckView, StandardProfileViewSet

router = routers.SimpleRouter()
router.register("cells", CellViewSet, basename="cell")
router.register("standards", StandardProfileViewSet)
router.register("certification-requests", CertificationRequestViewSet, basename="certification-request")
router.register("movements", MovementViewSet, basename="movement")

# Routes besides the router's (roadmap_portal.urls adds the router's viewsets to the API root).
extra_urlpatterns = [
    path("compliance/check/", DesignCheckView.as_view(), name="compliance-check"),
    path("conversions/<int:pk>/complete/", ConversionCompleteView.as_view(), name="conversion-complete"),
    path("facilities/<int:pk>/certificates/", FacilityCertificateList.as_view(), name="facility-certificates"),
    path(
        "facilities/<int:pk>/certificates/<int:number>/",
        FacilityCertificateDetail.as_view(),
        name="facility-certificate",
    ),
    path(
        "facilities/<int:pk>/certificates/<int:number>/download/",
        FacilityCertificateDownload.as_view(),
        name="facility-certificate-download",
    ),
    path("conversions/<int:pk>/complete/plan/", ConversionPlanView.as_view(), name="conversion-complete-plan"),
]

urlpatterns = [*router.urls, *extra_urlpatterns]
