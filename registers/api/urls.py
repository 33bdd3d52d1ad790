"""Routes of the register imports API, included under /api/v1/ (namespace ``api``) by roadmap_portal.urls."""

from rest_framework import routers

from .views import ImportViewSet

router = routers.SimpleRouter()
router.register("imports", ImportViewSet, basename="import")

# Routes besides the router's (roadmap_portal.urls adds the router's viewsets to the API root).
extra_urlpatterns = []

urlpatterns = [*router.urls, *extra_urlpatterns]
