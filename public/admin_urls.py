"""The administrators' release pages, /releases/ (public.admin_views; login required)."""

from django.urls import path

from . import admin_views

urlpatterns = [
    path("", admin_views.release_list, name="release-admin-list"),
    path("prepare/", admin_views.release_prepare, name="release-admin-prepare"),
    path("<int:pk>/", admin_views.release_detail, name="release-admin-detail"),
    path("<int:pk>/<str:action>/", admin_views.release_action, name="release-admin-action"),
]
