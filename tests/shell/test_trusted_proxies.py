"""Under the production settings ``X-Forwarded-Proto: https`` is believed only from the proxies named in
``PORTAL_TRUSTED_PROXIES`` (core.middleware.TrustedProxyMiddleware): from any other peer a plain-HTTP
request is still redirected to HTTPS and gets no HSTS header, as if the header had not been sent."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CASES = [  # (REMOTE_ADDR, X-Forwarded-Proto or None)
    ("192.0.2.1", "https"),
    ("10.1.2.3", "https"),
    ("203.0.113.9", "https"),
    ("::ffff:10.1.2.3", "https"),
    ("10.1.2.3", None),
]


def _production(trusted):
    """For each of CASES: status, Location and whether HSTS was sent, of a plain-HTTP GET /login/ under the
    production settings with PORTAL_TRUSTED_PROXIES=``trusted`` (None: unset), in a subprocess."""
    code = (
        "import django, json, sys; django.setup(); from django.test import Client; out = []\n"
        f"for addr, proto in {CASES!r}:\n"
        "    extra = {'HTTP_X_FORWARDED_PROTO': proto} if proto else {}\n"
        "    r = Client().get('/login/', REMOTE_ADDR=addr, HTTP_HOST='portal.example.kz', **extra)\n"
        "    out.append([r.status_code, r.get('Location', ''), 'Strict-Transport-Security' in r])\n"
        "print(json.dumps(out))"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if k != "PORTAL_TRUSTED_PROXIES"},
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings_production",
        "ALLOWED_HOSTS": "portal.example.kz",
        "SECRET_KEY": secrets.token_urlsafe(60),
        **({"PORTAL_TRUSTED_PROXIES": trusted} if trusted is not None else {}),
    }
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return dict(zip(CASES, json.loads(result.stdout.strip().splitlines()[-1]), strict=True))


REDIRECTED = [301, "https://portal.example.kz/login/", False]
SERVED_AS_HTTPS = [200, "", True]


def test_no_proxy_configured_means_the_header_is_ignored():
    results = _production(None)
    assert all(result == REDIRECTED for result in results.values()), results


def test_only_the_named_proxies_are_believed():
    results = _production("10.0.0.0/8, 192.0.2.1")
    assert results[("192.0.2.1", "https")] == SERVED_AS_HTTPS
    assert results[("10.1.2.3", "https")] == SERVED_AS_HTTPS
    assert results[("::ffff:10.1.2.3", "https")] == SERVED_AS_HTTPS  # IPv4-mapped
    assert results[("203.0.113.9", "https")] == REDIRECTED  # a client outside the list
    assert results[("10.1.2.3", None)] == REDIRECTED  # a trusted proxy that saw plain HTTP


def test_a_bad_entry_stops_the_start():
    from django.core.exceptions import ImproperlyConfigured

    from core.middleware import trusted_networks

    with pytest.raises(ImproperlyConfigured, match="'10.0.0.300'"):
        trusted_networks(["10.0.0.0/8", "10.0.0.300"])
