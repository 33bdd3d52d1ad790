"""The public site's pages (/public/, no login; docs/public-site.md): the national page, a region, a
facility, the recommendations, the releases and a past release, and the public evidence.

Every page is served from a published release (public.selectors): one query of the release's metadata,
its content from this process's memory, and the page itself rendered once per release, language and
path and then kept in memory too (a release never changes). Pages carry ETag and Cache-Control: public
(public.http) and never create a session or set a CSRF cookie: they render without the request (no
context processor, no ``csrf_token``), and the language switcher is made of links.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import get_language_info

from inspections.models import FindingAttachment

from . import http as public_http
from . import labels, package, presentation, selectors
from .selectors import PublishedRelease

#: How many rendered pages a process keeps (all pages of the current release in three languages).
PAGE_CACHE_SIZE = 1024
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}

_pages: "OrderedDict[tuple, bytes]" = OrderedDict()
_lock = threading.Lock()


def _file_url(url_name: str, /, **kwargs: Any) -> str | None:
    """The URL of a release file (public.package_urls: ``release-datapackage``, ``release-file``), or
    None where that route does not exist."""
    try:
        return reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _common(request: HttpRequest, release: PublishedRelease | None, language: str) -> dict[str, Any]:
    """What every public page's template (public/base.html) needs."""
    q = presentation.query(language)
    switcher = []
    for code in public_http.LANGUAGES:
        info = get_language_info(code)
        switcher.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": f"{request.path}?lang={code}",
                "current": code == language,
            }
        )
    rules = release.data.get("disclosure", {}) if release and release.content else {}
    return {
        "language": language,
        "q": q,
        "languages": switcher,
        "release": release,
        "note": release.note_in(language) if release else "",
        "demo": bool(release.data.get("demo")) if release and release.content else False,
        "rounding_base": rules.get("rounding_base"),
        "threshold": rules.get("threshold"),
        "reasons": [{"code": code, "symbol": s, "text": t} for code, (s, t) in labels.REASONS.items()],
        "datapackage_url": _file_url("release-datapackage", number=release.number) if release else None,
        "zip_url": _file_url("release-zip", number=release.number) if release else None,
        "api_url": reverse("public-api:root"),
    }


def _render(template: str, context: dict[str, Any], language: str) -> bytes:
    with translation.override(language):
        return render_to_string(template, context).encode()


def _serve(
    request: HttpRequest, release: PublishedRelease, key: tuple, build: Callable[[str], dict[str, Any]], template: str
) -> HttpResponse:
    """The page ``template`` of ``release`` for ``request``'s language: 304 when If-None-Match names its
    ETag; else the page rendered with ``build(language)`` (once per release, language and ``key``)."""
    language, from_query = public_http.language(request)
    tag = public_http.etag(release.etag, language)
    if public_http.not_modified(request, tag):
        return public_http.not_modified_response(tag, from_query)
    cache_key = (release.id, release.sha256, language, template, key)
    with _lock:
        body = _pages.get(cache_key)
    if body is None:
        with translation.override(language):
            context = {**_common(request, release, language), **build(language)}
        body = _render(template, context, language)
        with _lock:
            _pages[cache_key] = body
            while len(_pages) > PAGE_CACHE_SIZE:
                _pages.popitem(last=False)
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Content-Language"] = language
    return public_http.cacheable(response, tag, from_query)


def _empty(request: HttpRequest) -> HttpResponse:
    """The page before any release is published (200, not cached)."""
    language, _from_query = public_http.language(request)
    body = _render("public/empty.html", _common(request, None, language), language)
    return public_http.uncached(HttpResponse(body, content_type="text/html; charset=utf-8"))


def not_found(request: HttpRequest, release: PublishedRelease | None = None) -> HttpResponse:
    """The public site's 404 page (its own template: no internal navigation, no CSRF cookie)."""
    language, _from_query = public_http.language(request)
    body = _render("public/404.html", _common(request, release, language), language)
    return public_http.uncached(HttpResponseNotFound(body, content_type="text/html; charset=utf-8"))


def _national_context(release: PublishedRelease, language: str) -> dict[str, Any]:
    data = release.data
    return {
        "area": presentation.area_figures(release, data["nation"], language),
        "regions": presentation.area_rows(data.get("regions", []), language, "public-region"),
        "table_figures": labels.TABLE_FIGURES,
        "definitions": {
            "compliance": labels.COMPLIANCE_DEFINITION,
            "projects": labels.PROJECTS_DEFINITION,
            "recommendations": labels.RECOMMENDATIONS_DEFINITION,
        },
    }


def national(request: HttpRequest) -> HttpResponse:
    """/public/: the nation's figures of the current release and the table of regions."""
    release = selectors.current()
    if release is None:
        return _empty(request)
    return _serve(
        request, release, ("national",), lambda language: _national_context(release, language), "public/national.html"
    )


def release_detail(request: HttpRequest, number: int) -> HttpResponse:
    """/public/releases/<number>/: the national page of a published release (a release never changes)."""
    release = selectors.published(number)
    if release is None:
        return not_found(request)
    return _serve(
        request,
        release,
        ("national", number),
        lambda language: {**_national_context(release, language), "past": True},
        "public/national.html",
    )


def region(request: HttpRequest, code: str) -> HttpResponse:
    """/public/regions/<code>/: a region's figures and its facilities published with detail; the totals
    include those published without detail (said on the page when there are any)."""
    release = selectors.current()
    if release is None or release.content is None or code not in release.content.regions:
        return not_found(request, release)
    content = release.content

    def build(language: str) -> dict[str, Any]:
        row = content.regions[code]
        facilities = content.facilities_by_region.get(code, [])
        return {
            "region": row,
            "region_name": presentation.name(row, language),
            "area": presentation.area_figures(release, row, language),
            "facilities": presentation.area_rows(facilities, language, "public-facility"),
            "without_detail": row.get("institutions", 0) - len(facilities),
            "table_figures": labels.TABLE_FIGURES,
            "definitions": {
                "compliance": labels.COMPLIANCE_DEFINITION,
                "projects": labels.PROJECTS_DEFINITION,
                "recommendations": labels.RECOMMENDATIONS_DEFINITION,
            },
        }

    return _serve(request, release, ("region", code), build, "public/region.html")


def facility(request: HttpRequest, code: str) -> HttpResponse:
    """/public/facilities/<code>/: a facility published with detail (any other: 404)."""
    release = selectors.current()
    if release is None or release.content is None or code not in release.content.facilities:
        return not_found(request, release)
    content = release.content

    def build(language: str) -> dict[str, Any]:
        row = content.facilities[code]
        region_row = content.regions.get(row["region"])
        return {
            "facility": row,
            "facility_name": presentation.name(row, language),
            "kind": labels.FACILITY_KINDS.get(row.get("kind", ""), ""),
            "status": labels.FACILITY_STATUSES.get(row.get("status", ""), ""),
            "security_level": labels.SECURITY_LEVELS.get(row.get("security_level") or "", ""),
            "region_name": presentation.name(region_row, language) if region_row else row["region"],
            "region_url": reverse("public-region", kwargs={"code": row["region"]}) + presentation.query(language),
            "area": presentation.area_figures(release, row, language),
            "definitions": {
                "compliance": labels.COMPLIANCE_DEFINITION,
                "projects": labels.PROJECTS_DEFINITION,
                "recommendations": labels.RECOMMENDATIONS_DEFINITION,
            },
        }

    return _serve(request, release, ("facility", code), build, "public/facility.html")


def recommendations(request: HttpRequest) -> HttpResponse:
    """/public/recommendations/: per mechanism and per region, by judgement, share implemented, open
    and overdue; the items with their public evidence."""
    release = selectors.current()
    if release is None:
        return _empty(request)

    def build(language: str) -> dict[str, Any]:
        return {
            **presentation.recommendation_tables(release, language),
            "definition": labels.RECOMMENDATIONS_DEFINITION,
        }

    return _serve(request, release, ("recommendations",), build, "public/recommendations.html")


def releases(request: HttpRequest) -> HttpResponse:
    """/public/releases/: every published release (number, date, note, what it corrects, its files)."""
    release = selectors.current()
    if release is None:
        return _empty(request)

    def build(language: str) -> dict[str, Any]:
        rows = []
        for past in selectors.all_published():
            rows.append(
                {
                    "number": past.number,
                    "as_of": past.as_of,
                    "published_at": past.published_at,
                    "note": past.note_in(language),
                    "corrects": past.corrects,
                    "is_demo": past.is_demo,
                    "licence": past.licence,
                    "url": reverse("public-release", kwargs={"number": past.number}) + presentation.query(language),
                    "datapackage_url": _file_url("release-datapackage", number=past.number),
                    "files": [
                        {"name": name, "url": url}
                        for name in package.FILES
                        if (url := _file_url("release-file", number=past.number, name=name))
                    ]
                    + [
                        {"name": f"release-{past.number}.zip", "url": url}
                        for url in [_file_url("release-zip", number=past.number)]
                        if url
                    ],
                }
            )
        return {"releases": rows}

    return _serve(request, release, ("releases",), build, "public/releases.html")


def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """/public/evidence/<id>/: a public attachment listed in the evidence of an item of the current
    release (else 404), under a generic name (``evidence-<id>.<ext>``), never its file name."""
    release = selectors.current()
    if release is None or release.content is None or pk not in release.content.evidence_ids:
        return not_found(request, release)
    language, from_query = public_http.language(request)
    tag = public_http.etag(release.etag, "file", f"-{pk}")
    if public_http.not_modified(request, tag):
        return public_http.not_modified_response(tag, True)
    attachment = FindingAttachment.objects.filter(pk=pk, public=True).only("content", "content_type", "size").first()
    if attachment is None:
        return not_found(request, release)
    extension = EXTENSIONS.get(attachment.content_type, "bin")
    disposition = "inline" if attachment.content_type.startswith("image/") else "attachment"
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f'{disposition}; filename="evidence-{pk}.{extension}"'
    response["Content-Length"] = str(attachment.size)
    return public_http.cacheable(response, tag, True)


def clear_cache() -> None:
    """Forget every rendered page and parsed release (tests)."""
    with _lock:
        _pages.clear()
    selectors.clear_cache()
