"""URL configuration: HTML pages, the REST API under /api/v1/, the OpenAPI schema and docs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api_urls, dashboards, token_views, views
from .api import router

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    path("regions/<str:code>/", dashboards.region_detail, name="region-detail"),
    path("residence/", dashboards.residence, name="residence"),
    path("login/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("facilities/", views.facility_list, name="facility-list"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility-detail"),
    path("blocks/<int:pk>/", views.block_detail, name="block-detail"),
    path("blocks/<int:block_pk>/cells/new/", views.cell_form, name="cell-create"),
    path("cells/<int:pk>/edit/", views.cell_form, name="cell-edit"),
    path("conversions/<int:pk>/progress/", views.progress_form, name="conversion-progress"),
    path("conversions/<int:pk>/complete/", views.completion_form, name="conversion-complete"),
    path("history/<str:kind>/<int:pk>/", views.history, name="history"),
    path("account/tokens/", token_views.api_tokens, name="api-tokens"),
    path("", include("registers.urls")),
    path("", include("inspections.urls")),
    path("", include("cells.urls")),
    path("admin/", admin.site.urls),
    # The API has its own namespace ("api:facility-list"), so its route names never shadow the pages'.
    path("api/v1/", include((router.urls + api_urls.urlpatterns, "api"), namespace="api")),
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
