"""Pages of register imports, included at the root by roadmap_portal.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.import_list, name="import-list"),
    path("imports/new/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.csv", views.import_errors, name="import-errors"),
    path("imports/<int:pk>/changes.csv", views.import_changes, name="import-changes"),
    path("imports/template/<str:kind>.csv", views.import_template, name="import-template"),
]
