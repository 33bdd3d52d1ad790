"""The public API, /api/public/v1/ (no login; served from the latest published release), namespace
"public-api". Facility codes may hold a slash (``ДЕМО-10/15``), hence ``path:``."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import views

# The public API's own OpenAPI document, readable without a login (the portal's /api/schema/ needs one).
schema_view = SpectacularAPIView.as_view(
    permission_classes=[AllowAny],
    authentication_classes=[],
    patterns=[path("api/public/v1/", include(("public.api.urls", "public-api"), namespace="public-api"))],
    custom_settings={"TITLE": "Roadmap Portal: public API"},
)

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("nation/", views.NationView.as_view(), name="nation"),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("regions/<str:code>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("facilities/", views.FacilityListView.as_view(), name="facility-list"),
    path("facilities/<path:code>/", views.FacilityDetailView.as_view(), name="facility-detail"),
    path("recommendations/", views.RecommendationsView.as_view(), name="recommendations"),
    path("releases/", views.ReleaseListView.as_view(), name="release-list"),
    path("releases/<int:number>/", views.ReleaseDetailView.as_view(), name="release-detail"),
    path("schema/", schema_view, name="schema"),
]
