"""The files of the published releases, /public/releases/<number>/... (no login; public.package_views)."""

from django.urls import path, re_path

from . import package_views
from .http import safe

urlpatterns = [
    path("<int:number>/datapackage.json", safe(package_views.datapackage), name="release-datapackage"),
    re_path(r"^(?P<number>[0-9]+)/release-(?P=number)\.zip$", safe(package_views.release_zip), name="release-zip"),
    path("<int:number>/<str:name>", safe(package_views.release_file), name="release-file"),
]
