"""Pages of the cells app, included at the root by roadmap_portal.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("blocks/<int:pk>/", views.block_detail, name="block-detail"),
    path("blocks/<int:block_pk>/cells/new/", views.cell_form, name="cell-create"),
    path("cells/<int:pk>/edit/", views.cell_form, name="cell-edit"),
    path("cells/<int:pk>/deactivate/", views.deactivation_form, name="cell-deactivate"),
    path("cells/<int:pk>/reactivate/", views.reactivation_form, name="cell-reactivate"),
    path("conversions/<int:pk>/complete/", views.completion_form, name="conversion-complete"),
    path("standards/", views.standards, name="standards"),
]
