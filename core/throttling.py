"""API throttling per user and per token (Django REST framework throttles).

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (scopes ``user`` and ``token``, set from the
environment in settings; ``None`` disables a scope). They are read on every request rather than when the
module is imported, so that a changed setting (a test's override) takes effect. A refused request answers
HTTP 429 with a ``Retry-After`` header (seconds).

The counters live in the default cache (Redis in production). When that cache is unreachable the
throttles count in this process's memory instead (a per-worker limit) and log a warning: an outage of
Redis must not turn every API request into a server error.
"""

import logging
from typing import TYPE_CHECKING, cast

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)
_FALLBACK = LocMemCache("throttle-fallback", {})


# The mixin's base for the type checker only (at run time: object, so the MRO is unchanged).
if TYPE_CHECKING:
    from rest_framework.views import APIView

    _Throttle = SimpleRateThrottle
else:
    _Throttle = object


class _LiveRates(_Throttle):
    scope: str  # set by each throttle below

    def get_rate(self) -> str | None:
        """The rate of ``self.scope`` ("100/minute") or None (no limit)."""
        return cast("str | None", api_settings.DEFAULT_THROTTLE_RATES.get(self.scope))

    def allow_request(self, request: Request, view: "APIView") -> bool:
        """As DRF's, on the default cache; on this process's memory when the cache raises."""
        self.cache = caches["default"]
        try:
            return super().allow_request(request, view)
        except Exception as error:  # redis.ConnectionError, TimeoutError...: any cache failure
            logger.warning("API throttle cache unreachable (%s); counting in process memory", error)
            self.cache = _FALLBACK
            return super().allow_request(request, view)


class PortalUserRateThrottle(_LiveRates, UserRateThrottle):
    """At most the ``user`` rate of requests per authenticated user (session and all their tokens together)."""

    scope = "user"


class TokenRateThrottle(_LiveRates, SimpleRateThrottle):
    """At most the ``token`` rate of requests per API token (keyed by the token's digest, never the secret).

    Requests not authenticated by a token (a browser session) are not counted here.
    """

    scope = "token"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        digest = getattr(request.auth, "digest", None)
        if not digest:
            return None
        return self.cache_format % {"scope": self.scope, "ident": digest[:32]}


class AnonymousRateThrottle(_LiveRates, AnonRateThrottle):
    """At most the ``public`` rate of requests per client address (REMOTE_ADDR, or X-Forwarded-For as DRF
    reads it) to the endpoints that need no login (the public API). Authenticated requests count too."""

    scope = "public"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
