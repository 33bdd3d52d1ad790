"""The files of a published release (public.package), no login: immutable, so cached for a year.

Every answer carries ``ETag: "<release.etag>"`` and ``Cache-Control: public, max-age=31536000, immutable``;
a request with that tag in ``If-None-Match`` gets 304. Only published releases have files: a draft's or
an unknown number, or an unknown file name, is 404.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from . import package
from .models import Release

IMMUTABLE = "public, max-age=31536000, immutable"


def _published(number: int) -> Release:
    return get_object_or_404(Release.objects.published().select_related("corrects"), number=number)


def _matches(request: HttpRequest, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (quoted, weak or not) or is ``*``."""
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or f'"{etag}"' in tags


def _serve(request: HttpRequest, release: Release, name: str, download: bool = False) -> HttpResponse:
    etag = release.etag
    if _matches(request, etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(package.files(release)[name], content_type=package.media_type(name))
        if download:
            response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = IMMUTABLE
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@login_not_required
@require_safe
def datapackage(request: HttpRequest, number: int) -> HttpResponse:
    """/public/releases/<number>/datapackage.json."""
    return _serve(request, _published(number), package.PACKAGE)


@login_not_required
@require_safe
def release_file(request: HttpRequest, number: int, name: str) -> HttpResponse:
    """/public/releases/<number>/<name>: one of public.package.FILES."""
    if name not in package.FILES:
        raise Http404("no such file in a release")
    return _serve(request, _published(number), name, download=name.endswith(".csv"))


@login_not_required
@require_safe
def release_zip(request: HttpRequest, number: str) -> HttpResponse:
    """/public/releases/<number>/release-<number>.zip: every file."""
    release = _published(int(number))  # re_path captures text
    return _serve(request, release, package.zip_name(release), download=True)
