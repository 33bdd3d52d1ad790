"""The demo generator is left out of production: settings_production removes ``demo`` from INSTALLED_APPS
(``seed_demo`` is then unknown) unless PORTAL_DEMO_APP=true asks for it on a demo server."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PORTAL_DEMO_APP"}
    environment.update(
        DJANGO_SETTINGS_MODULE="roadmap_portal.settings_production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="portal.example.kz",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_leave_demo_out():
    result = _production(
        "from django.conf import settings; from django.core.management import get_commands; "
        "print('demo' in settings.INSTALLED_APPS, 'seed_demo' in get_commands())"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_production_installs_demo_when_asked():
    result = _production(
        "from django.conf import settings; print('demo' in settings.INSTALLED_APPS)", PORTAL_DEMO_APP="true"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_development_settings_install_demo(settings):
    assert "demo" in settings.INSTALLED_APPS
