"""Small security helpers shared by settings: the client address used for login throttling."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_ip(request: HttpRequest) -> str:
    """The client's IP address for django-axes (a string such as ``"10.0.0.5"``).

    ``REMOTE_ADDR`` unless ``settings.TRUSTED_PROXY_COUNT`` (n >= 1) reverse proxies sit in front of the
    portal: then the n-th address from the right of ``X-Forwarded-For`` (the one the outermost trusted proxy
    saw), so that a client cannot choose its own address by sending the header itself.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page django-axes answers a locked-out login with (portal or admin): HTTP 429 and a translated
    message saying for how many minutes logging in is blocked (``settings.AXES_COOLOFF_TIME``)."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
