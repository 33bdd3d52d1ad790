"""Pages of the cells app, included at the root by roadmap_portal.urls."""

from django.urls import path

from . import certification_views as certification
from . import views

urlpatterns = [
    path("blocks/<int:pk>/", views.block_detail, name="block-detail"),
    path("blocks/<int:block_pk>/cells/new/", views.cell_form, name="cell-create"),
    path("cells/<int:pk>/edit/", views.cell_form, name="cell-edit"),
    path("cells/<int:pk>/deactivate/", views.deactivation_form, name="cell-deactivate"),
    path("cells/<int:pk>/reactivate/", views.reactivation_form, name="cell-reactivate"),
    path("conversions/<int:pk>/complete/", views.completion_form, name="conversion-complete"),
    path("facilities/<int:pk>/movements/new/", views.movement_form, name="movement-create"),
    path("standards/", views.standards, name="standards"),
    path("certification/", certification.request_list, name="certification-request-list"),
    path("certification/<int:pk>/", certification.request_detail, name="certification-request-detail"),
    path(
        "facilities/<int:facility_pk>/certification/new/",
        certification.request_form,
        name="certification-request-create",
    ),
    path("facilities/<int:facility_pk>/certificates/", certification.certificate_list, name="certificate-list"),
    path(
        "facilities/<int:facility_pk>/certificates/<int:number>/",
        certification.certificate_detail,
        name="certificate-detail",
    ),
]
