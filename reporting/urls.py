"""Pages of reporting, included at the root by roadmap_portal.urls: the dashboards, the placement planner and the facility pages."""

from django.urls import path

from . import dashboards, placement_views, views

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    path("regions/<str:code>/", dashboards.region_detail, name="region-detail"),
    path("residence/", dashboards.residence, name="residence"),
    path("placement/", placement_views.placement_page, name="placement"),
    path("facilities/", views.facility_list, name="facility-list"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility-detail"),
]
