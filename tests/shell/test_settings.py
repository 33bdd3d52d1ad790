"""Production settings: check --deploy is clean, and they refuse to start without a secret key."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(**env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings_production",
        "ALLOWED_HOSTS": "portal.example.kz",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    result = _check(SECRET_KEY=secrets.token_urlsafe(60))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        timeout=120,
        capture_output=True,
        text=True,
        env={**environment, "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings_production"},
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def _production_headers(path):
    """Status and headers of a GET of ``path`` over HTTPS under the production settings (a subprocess)."""
    import json

    code = (
        "import django, json; django.setup(); from django.test import Client; "
        f"r = Client().get({path!r}, secure=True, HTTP_HOST='portal.example.kz'); "
        "print(json.dumps({'status': r.status_code, **dict(r.items())}))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings_production",
        "ALLOWED_HOSTS": "portal.example.kz",
        "SECRET_KEY": secrets.token_urlsafe(60),
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
    return json.loads(result.stdout.strip().splitlines()[-1])


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_production_pages_carry_hsts_csp_and_frame_protection():
    headers = _production_headers("/login/")
    assert headers["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = _directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]


def test_production_cookies_are_secure_and_http_is_redirected():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(60),
    }
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.split() == ["True", "True", "True", "31536000"], out.stderr


def test_pages_carry_the_content_security_policy(browser):
    response = browser.get("/")
    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]


def test_no_page_template_has_inline_script_style_or_handler():
    import re

    inline = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|javascript:", re.I)
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_swagger_ui_needs_no_inline_script(browser):
    import re

    page = browser.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "<style" not in page and "swagger.css" in page
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    script = browser.get(script_url)
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert _directives(browser.get("/api/docs/")["Content-Security-Policy"])["script-src"] == ["'self'"]


def _production_check(secret):
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    if secret is not None:
        environment["SECRET_KEY"] = secret
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        timeout=120,
        capture_output=True,
        text=True,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings_production",
            "ALLOWED_HOSTS": "portal.example.kz",
        },
    )


@pytest.mark.parametrize("secret", ["", "short-but-set", "dev-only-insecure-key-not-for-production" + "x" * 20])
def test_production_refuses_an_empty_short_or_development_key(secret):
    result = _production_check(secret)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_no_secret_is_committed():
    """Tracked files hold no private key, API token, cloud key or assigned literal secret; .env is ignored."""
    import re

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    pattern = re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\brp_[0-9a-f]{64}\b|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}"
        r"|(?i:(secret_key|password|passwd|api_key)\s*[=:]\s*['\"][^'\"$<{]{12,}['\"])"
    )
    found = []
    for name in tracked:
        path = ROOT / name
        if name.startswith(("locale/", "tests/", "static/vendor/")) or not path.is_file() or path.stat().st_size > 2e6:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}: {m.group(0)[:40]}" for m in pattern.finditer(text)]
    assert found == []
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0, ".env must be git-ignored"


def test_a_fresh_start_without_collected_static_files_prints_no_warning(tmp_path):
    """``make demo`` serves static files from the source folders: building the WSGI handler (as runserver
    and gunicorn do) with no STATIC_ROOT on disk prints nothing (WhiteNoise's "No directory at" warning
    is silenced for STATIC_ROOT while WHITENOISE_USE_FINDERS is on)."""
    code = "import django; django.setup(); from django.core.wsgi import get_wsgi_application; get_wsgi_application()"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings"}
    environment["STATIC_ROOT"] = str(tmp_path / "staticfiles")  # never collected
    environment.pop("PYTHONWARNINGS", None)
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
