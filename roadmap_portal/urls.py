"""URL configuration: each app's pages (``<app>/urls.py``), the REST API under /api/v1/ (each app's
``<app>/api/urls.py``), the OpenAPI schema and docs, and the shell's History tab."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers

import cells.api.urls
import facilities.api.urls
import inspections.api.urls
import registers.api.urls
import reporting.api.urls

from . import views

API_URLS = [facilities.api.urls, reporting.api.urls, cells.api.urls, inspections.api.urls, registers.api.urls]

# One router over every app's viewsets: the API root (/api/v1/) lists them all, and every route keeps its
# format suffix (``/api/v1/facilities.json``), as when one router registered them.
api_router = routers.DefaultRouter()
for app_urls in API_URLS:
    api_router.registry.extend(app_urls.router.registry)
api_urlpatterns = [*api_router.urls, *(p for app_urls in API_URLS for p in app_urls.extra_urlpatterns)]

urlpatterns = [
    path("", include("reporting.urls")),
    path("login/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("facilities.urls")),
    path("", include("cells.urls")),
    path("", include("inspections.urls")),
    path("", include("registers.urls")),
    path("", include("core.urls")),
    path("", include("public.urls")),
    path("history/<str:kind>/<int:pk>/", views.history, name="history"),
    path("admin/", admin.site.urls),
    # The API has its own namespace ("api:facility-list"), so its route names never shadow the pages'.
    path("api/v1/", include((api_urlpatterns, "api"), namespace="api")),
    path("api/public/v1/", include(("public.api.urls", "public-api"), namespace="public-api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's initialisation as a script file: no inline script for the CSP to block.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]


def handler404(request, exception):
    """JSON for unknown API paths, Django's page for the rest (used when DEBUG is off)."""
    from django.views.defaults import page_not_found

    from core.api import api_not_found

    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return page_not_found(request, exception)
