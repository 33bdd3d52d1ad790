from django.urls import path

from . import views

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/new/", views.inspection_form, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/edit/", views.inspection_form, name="inspection-edit"),
    path("inspections/<int:inspection_pk>/findings/new/", views.finding_form, name="finding-create"),
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/new/", views.recommendation_form, name="recommendation-create"),
    path("findings/<int:pk>/recommendation/", views.recommendation_form, name="recommendation-edit"),
    path("findings/<int:pk>/actions/new/", views.action_form, name="action-create"),
    path("findings/<int:pk>/actions/<int:action_pk>/edit/", views.action_form, name="action-edit"),
    path("findings/<int:pk>/actions/<int:action_pk>/progress/", views.progress_form, name="action-progress"),
    path("findings/<int:pk>/judgements/new/", views.judgement_form, name="judgement-create"),
    path(
        "findings/<int:pk>/attachments/<int:attachment_pk>/visibility/",
        views.attachment_visibility,
        name="finding-attachment-visibility",
    ),
    path("findings/<int:pk>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/edit/", views.finding_form, name="finding-edit"),
    path(
        "findings/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="finding-attachment",
    ),
]
