"""Pages of core, included at the root by roadmap_portal.urls: the user's API tokens."""

from django.urls import path

from . import views

urlpatterns = [
    path("account/tokens/", views.api_tokens, name="api-tokens"),
]
