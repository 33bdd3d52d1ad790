"""Routes of the facilities API, included under /api/v1/ (namespace ``api``) by roadmap_portal.urls."""

from rest_framework import routers

from .views import ConversionProjectViewSet, RegionViewSet, ResidentialBlockViewSet

router = routers.SimpleRouter()
router.register("regions", RegionViewSet)
router.register("blocks", ResidentialBlockViewSet, basename="residentialblock")
router.register("conversions", ConversionProjectViewSet, basename="conversionproject")

# Routes besides the router's (roadmap_portal.urls adds the router's viewsets to the API root).
extra_urlpatterns = []

urlpatterns = [*router.urls, *extra_urlpatterns]
