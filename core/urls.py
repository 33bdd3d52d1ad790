"""Pages of core, included at the root by roadmap_portal.urls: the user's API tokens and password."""

from django.urls import path

from . import views

urlpatterns = [
    path("account/tokens/", views.api_tokens, name="api-tokens"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/password/done/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
]
