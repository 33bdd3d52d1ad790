"""The public API, /api/public/v1/ (no login, no token; docs/public-site.md, §API).

Every answer comes from the latest published release (or, for ``releases/<number>/``, that release)
and says which (``release``: number, date of the figures, demo flag). It carries ETag and
Cache-Control: public (public.http) and answers 304 to If-None-Match. Before any release is published
every endpoint but the root answers 404 ``{"detail": "No release has been published yet."}``. Anonymous
requests are throttled per address (scope ``public``, settings ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttling import AnonymousRateThrottle

from .. import http as public_http
from .. import selectors
from ..selectors import PublishedRelease
from . import serializers

ANSWER_CACHE_SIZE = 512
_answers: "OrderedDict[tuple, Any]" = OrderedDict()
_lock = threading.Lock()


def no_release() -> NotFound:
    return NotFound(_("No release has been published yet."))


class PublicAPIView(APIView):
    """A read-only public endpoint: no authentication, anyone, throttled per address."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonymousRateThrottle]
    # JSON only: the browsable API's forms would set a CSRF cookie on an anonymous visitor.
    renderer_classes = [JSONRenderer]
    filter_backends: list = []

    def _url(self, name: str, **kwargs: Any) -> str:
        return self.request.build_absolute_uri(reverse(f"public-api:{name}", kwargs=kwargs or None))

    def release_ref(self, release: PublishedRelease) -> dict[str, Any]:
        return {
            "number": release.number,
            "as_of": release.as_of,
            "published_at": release.published_at,
            "demo": bool(release.data.get("demo", release.is_demo)) if release.content else release.is_demo,
            "url": self._url("release-detail", number=release.number),
        }

    def answer(
        self, request: Request, release: PublishedRelease, key: tuple, build: Callable[[], Any], extra: str = ""
    ) -> Response:
        """``build()``'s data for ``release`` (computed once per release, key and host), with the caching
        headers; 304 when If-None-Match names the ETag (``extra``: what else the answer depends on)."""
        language, from_query = public_http.language(request)
        tag = public_http.etag(release.etag, language, "-api" + extra)
        if public_http.not_modified(request, tag):
            return public_http.not_modified_response(tag, from_query)  # type: ignore[return-value]
        cache_key = (release.id, release.sha256, request.build_absolute_uri("/"), key)
        with _lock:
            data = _answers.get(cache_key)
        if data is None:
            data = build()
            with _lock:
                _answers[cache_key] = data
                while len(_answers) > ANSWER_CACHE_SIZE:
                    _answers.popitem(last=False)
        response = Response(data)
        self._cache_tag = (tag, from_query)
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        tag = getattr(self, "_cache_tag", None)
        if tag is not None and response.status_code == 200:
            public_http.cacheable(response, *tag)
        elif response.status_code != 304:
            public_http.uncached(response)
        return response

    def current(self) -> PublishedRelease:
        release = selectors.current()
        if release is None or release.content is None:
            raise no_release()
        return release


def _area(row: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**row, **extra}


class RootView(PublicAPIView):
    @extend_schema(
        operation_id="public_root",
        responses=serializers.PublicRoot,
        summary="The public API's endpoints and the current release",
    )
    def get(self, request: Request) -> Response:
        """The public endpoints by absolute URL, and the current release (null before any)."""
        release = selectors.current()
        data = {
            "release": self.release_ref(release) if release else None,
            "nation": self._url("nation"),
            "regions": self._url("region-list"),
            "facilities": self._url("facility-list"),
            "recommendations": self._url("recommendations"),
            "releases": self._url("release-list"),
        }
        if release is None:
            return Response(serializers.PublicRoot(data).data)
        return self.answer(request, release, ("root",), lambda: serializers.PublicRoot(data).data)


class NationView(PublicAPIView):
    @extend_schema(operation_id="public_nation", responses=serializers.PublicNationAnswer)
    def get(self, request: Request) -> Response:
        """The nation's figures of the current release, its disclosure rules and its verified profiles."""
        release = self.current()

        def build() -> Any:
            data = release.data
            return serializers.PublicNationAnswer(
                {
                    "release": self.release_ref(release),
                    "disclosure": data["disclosure"],
                    "profiles": [p for p in data.get("profiles", []) if p.get("verified")],
                    "nation": data["nation"],
                }
            ).data

        return self.answer(request, release, ("nation",), build)


class RegionListView(PublicAPIView):
    @extend_schema(operation_id="public_regions_list", responses=serializers.PublicRegionList)
    def get(self, request: Request) -> Response:
        """Every region's figures (each includes its institutions published without detail)."""
        release = self.current()

        def build() -> Any:
            rows = [_area(r, url=self._url("region-detail", code=r["code"])) for r in release.data.get("regions", [])]
            return serializers.PublicRegionList(
                {"release": self.release_ref(release), "count": len(rows), "results": rows}
            ).data

        return self.answer(request, release, ("regions",), build)


class RegionDetailView(PublicAPIView):
    @extend_schema(operation_id="public_regions_retrieve", responses=serializers.PublicRegionAnswer)
    def get(self, request: Request, code: str) -> Response:
        """One region's figures, and how many of its institutions are published without detail."""
        release = self.current()
        content = release.content
        assert content is not None
        if code not in content.regions:
            raise NotFound(_("No region %(code)s in this release.") % {"code": code})

        def build() -> Any:
            row = content.regions[code]
            hidden = row.get("institutions", 0) - len(content.facilities_by_region.get(code, []))
            return serializers.PublicRegionAnswer(
                {
                    "release": self.release_ref(release),
                    "region": _area(row, url=self._url("region-detail", code=code)),
                    "facilities_without_detail": hidden,
                }
            ).data

        return self.answer(request, release, ("region", code), build)


class FacilityListView(PublicAPIView):
    @extend_schema(
        operation_id="public_facilities_list",
        responses=serializers.PublicFacilityList,
        parameters=[
            OpenApiParameter(
                "region", OpenApiTypes.STR, description="ISO 3166-2 code of a region, e.g. KZ-35", required=False
            )
        ],
    )
    def get(self, request: Request) -> Response:
        """Every facility published with detail (complete, not paged), or those of ``?region=``; an
        unknown region answers 400 naming it."""
        release = self.current()
        content = release.content
        assert content is not None
        region = request.query_params.get("region")
        if region is not None and region not in content.regions:
            raise ValidationError(
                {"region": [_("Unknown region %(code)s: give an ISO 3166-2 code such as KZ-35.") % {"code": region}]}
            )

        def build() -> Any:
            rows = content.facilities_by_region.get(region, []) if region else release.data.get("facilities", [])
            results = [_area(r, url=self._url("facility-detail", code=r["code"])) for r in rows]
            return serializers.PublicFacilityList(
                {"release": self.release_ref(release), "count": len(results), "results": results}
            ).data

        return self.answer(request, release, ("facilities", region), build)


class FacilityDetailView(PublicAPIView):
    @extend_schema(operation_id="public_facilities_retrieve", responses=serializers.PublicFacilityAnswer)
    def get(self, request: Request, code: str) -> Response:
        """One facility published with detail (any other: 404)."""
        release = self.current()
        content = release.content
        assert content is not None
        if code not in content.facilities:
            raise NotFound(_("No facility %(code)s is published with detail in this release.") % {"code": code})

        def build() -> Any:
            row = _area(content.facilities[code], url=self._url("facility-detail", code=code))
            return serializers.PublicFacilityAnswer({"release": self.release_ref(release), "facility": row}).data

        return self.answer(request, release, ("facility", code), build)


class RecommendationsView(PublicAPIView):
    @extend_schema(operation_id="public_recommendations", responses=serializers.PublicRecommendationsAnswer)
    def get(self, request: Request) -> Response:
        """Recommendations per mechanism and per mechanism and region (by judgement, share implemented,
        open, overdue) and the items with links to their public evidence."""
        release = self.current()

        def build() -> Any:
            data = release.data.get("recommendations", {})
            items = [
                {
                    **item,
                    "evidence": [
                        {
                            **e,
                            "url": self.request.build_absolute_uri(reverse("public-evidence", kwargs={"pk": e["id"]})),
                        }
                        for e in item.get("evidence", [])
                    ],
                }
                for item in data.get("items", [])
            ]
            return serializers.PublicRecommendationsAnswer(
                {
                    "release": self.release_ref(release),
                    "by_mechanism": data.get("by_mechanism", []),
                    "by_mechanism_and_region": data.get("by_mechanism_and_region", []),
                    "items": items,
                }
            ).data

        return self.answer(request, release, ("recommendations",), build)


class ReleaseListView(PublicAPIView):
    @extend_schema(operation_id="public_releases_list", responses=serializers.PublicReleaseList)
    def get(self, request: Request) -> Response:
        """Every published release, newest first."""
        release = self.current()

        def build() -> Any:
            rows = [self.summary(r, current=r.id == release.id) for r in selectors.all_published()]
            return serializers.PublicReleaseList(
                {"release": self.release_ref(release), "count": len(rows), "results": rows}
            ).data

        return self.answer(request, release, ("releases",), build)

    def summary(self, release: PublishedRelease, current: bool) -> dict[str, Any]:
        try:
            package = self.request.build_absolute_uri(reverse("release-datapackage", kwargs={"number": release.number}))
        except NoReverseMatch:
            package = None
        return {
            "number": release.number,
            "as_of": release.as_of,
            "published_at": release.published_at,
            "note": release.note,
            "corrects": release.corrects,
            "demo": release.is_demo,
            "licence": release.licence,
            "current": current,
            "url": self._url("release-detail", number=release.number),
            "datapackage": package,
        }


class ReleaseDetailView(ReleaseListView):
    @extend_schema(
        operation_id="public_releases_retrieve",
        responses=serializers.PublicReleaseAnswer,
        parameters=[
            OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description="the release's number")
        ],
    )
    def get(self, request: Request, number: int) -> Response:  # type: ignore[override]
        """A published release: its metadata and its nation figures (a release never changes)."""
        latest = self.current()
        release = latest if latest.number == number else selectors.published(number)
        if release is None:
            raise NotFound(_("No published release %(number)s.") % {"number": number})

        def build() -> Any:
            return serializers.PublicReleaseAnswer(
                {
                    **self.summary(release, current=release.id == latest.id),
                    "release": self.release_ref(release),
                    "nation": release.data["nation"],
                }
            ).data

        # "current" depends on the latest release too: so does the ETag.
        return self.answer(request, release, ("release", number, latest.id), build, extra=f"-{latest.etag[:8]}")


def clear_cache() -> None:
    """Forget every computed answer (tests)."""
    with _lock:
        _answers.clear()
