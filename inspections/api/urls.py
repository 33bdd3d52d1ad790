"""Routes of the inspections API, included under /api/v1/ (namespace ``api``) by roadmap_portal.urls."""

from rest_framework import routers

from .views import ActionViewSet, FindingViewSet, InspectionViewSet, SourceDocumentViewSet

router = routers.SimpleRouter()
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("findings", FindingViewSet, basename="finding")
router.register("source-documents", SourceDocumentViewSet, basename="source-document")
router.register("actions", ActionViewSet, basename="action")

# Routes besides the router's (roadmap_portal.urls adds the router's viewsets to the API root).
extra_urlpatterns = []

urlpatterns = [*router.urls, *extra_urlpatterns]
