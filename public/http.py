"""HTTP caching and language of the public site and the public API (docs/public-site.md, §Caching).

Every answer served from a release carries ``ETag: "<release etag>-<language>-<CODE_VERSION>"`` and
``Cache-Control: public, max-age=<settings.PUBLIC_CACHE_SECONDS>``, and answers ``304 Not Modified`` to
an ``If-None-Match`` naming it. The language is ``?lang=kk|ru|en`` when given (an unknown one means the
default language, never an error), else the one LocaleMiddleware chose from the language cookie or
Accept-Language: then the answer varies on both (``Vary: Accept-Language, Cookie``).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

#: Part of every ETag: raise it when a change of the code changes what a release's pages or answers say.
CODE_VERSION = "1"
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def language(request: HttpRequest) -> tuple[str, bool]:
    """``(language code, chosen by ?lang)``: ``?lang`` when given (an unknown code: settings.LANGUAGE_CODE),
    else LocaleMiddleware's choice (one of settings.LANGUAGES)."""
    asked = request.GET.get("lang")
    if asked is not None:
        return (asked if asked in LANGUAGES else settings.LANGUAGE_CODE), True
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return (active if active in LANGUAGES else settings.LANGUAGE_CODE), False


def etag(release_etag: str, language_code: str, extra: str = "") -> str:
    """The quoted entity tag of an answer from a release in a language (``extra``: what else it depends on)."""
    return f'"{release_etag}-{language_code}-{CODE_VERSION}{extra}"'


def not_modified(request: HttpRequest, tag: str) -> bool:
    """Whether the request's If-None-Match names ``tag`` (or ``*``)."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or tag in tags or tag in (t.removeprefix("W/") for t in tags)


def cacheable(response: HttpResponse, tag: str, from_query: bool) -> HttpResponse:
    """``response`` with the public caching headers: ETag, Cache-Control public with max-age, and Vary
    on Accept-Language and Cookie when the language did not come from ``?lang``."""
    response["ETag"] = tag
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
    patch_vary_headers(response, ("Accept-Language",) if from_query else ("Accept-Language", "Cookie"))
    return response


def not_modified_response(tag: str, from_query: bool) -> HttpResponse:
    """The 304 answer to a request that names ``tag``, with the same caching headers."""
    return cacheable(HttpResponseNotModified(), tag, from_query)


def uncached(response: HttpResponse) -> HttpResponse:
    """``response`` that a cache must check again each time (the empty state before any release)."""
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def safe(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` answering GET and HEAD only: another method gets 405 (not the CSRF page: nothing here
    takes a form)."""
    return require_safe(csrf_exempt(view))
