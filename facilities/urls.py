"""Pages of the facilities app, included at the root by roadmap_portal.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("conversions/<int:pk>/progress/", views.progress_form, name="conversion-progress"),
    path("conversions/<int:pk>/edit/", views.project_form, name="conversion-edit"),
]
