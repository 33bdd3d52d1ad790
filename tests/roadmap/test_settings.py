"""Production settings: check --deploy is clean, and they refuse to start without a secret key."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(**env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings_production",
                   "ALLOWED_HOSTS": "portal.example.kz", **env}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean():
    result = _check(SECRET_KEY=secrets.token_urlsafe(60))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, timeout=120, capture_output=True,
                            text=True, env={**environment, "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings_production"})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
