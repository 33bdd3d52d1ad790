"""The public site's pages (/public/; no login): public.site_views. Facility codes may hold a slash
(``ДЕМО-10/15``), hence ``path:``."""

from django.urls import path

from . import site_views
from .http import safe

urlpatterns = [
    path("", safe(site_views.national), name="public-national"),
    path("regions/<str:code>/", safe(site_views.region), name="public-region"),
    path("facilities/<path:code>/", safe(site_views.facility), name="public-facility"),
    path("recommendations/", safe(site_views.recommendations), name="public-recommendations"),
    path("releases/", safe(site_views.releases), name="public-releases"),
    path("releases/<int:number>/", safe(site_views.release_detail), name="public-release"),
    path("evidence/<int:pk>/", safe(site_views.evidence), name="public-evidence"),
]
