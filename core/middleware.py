"""Request middleware of the shared layer: which proxy may say a request came over HTTPS, and no browser
cache for what an authenticated user was shown."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: list[str]) -> list[Network]:
    """``settings.PORTAL_TRUSTED_PROXIES`` entries (``"10.0.0.5"``, ``"10.0.0.0/8"``, ``"::1"``) as networks.

    Raises ImproperlyConfigured naming the first entry that is not an address or network."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"PORTAL_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from error
    return networks


def is_trusted(address: str, networks: list[Network]) -> bool:
    """Whether ``address`` (REMOTE_ADDR; an IPv4-mapped IPv6 address counts as its IPv4) is in ``networks``."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


class TrustedProxyMiddleware:
    """Honour ``SECURE_PROXY_SSL_HEADER`` (production: ``X-Forwarded-Proto: https``) only on requests whose
    ``REMOTE_ADDR`` is one of ``settings.PORTAL_TRUSTED_PROXIES`` (addresses or networks; empty: none).

    From any other peer the header is removed before anything reads it, so ``request.is_secure()``,
    SecurityMiddleware's HTTPS redirect, HSTS, secure cookies and CSRF's origin checks see the connection
    as it is. Must come before SecurityMiddleware. A bad entry stops the start (ImproperlyConfigured).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = trusted_networks(list(getattr(settings, "PORTAL_TRUSTED_PROXIES", [])))
        header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        self.header = header[0] if header else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            self.header
            and self.header in request.META
            and not is_trusted(request.META.get("REMOTE_ADDR", ""), self.networks)
        ):
            del request.META[self.header]
        return self.get_response(request)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to an authenticated request (a session, or
    an API token: DRF sets the request's user when it authenticates; any request with an ``Authorization``
    header counts, also where no API view authenticated it), pages, downloads and API alike, so
    that nothing a user was shown stays in a shared workstation's browser cache after logout. Responses
    to anonymous requests (the login page, static files served before authentication) keep their own
    caching. Goes after AuthenticationMiddleware."""

    VALUE = "private, no-store"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if "HTTP_AUTHORIZATION" in request.META or (user is not None and user.is_authenticated):
            response["Cache-Control"] = self.VALUE
        return response
