"""Shared fixtures. Tests run on PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set;
otherwise on SQLite with eager Celery, and the tests that need a real service are skipped with a reason."""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from rest_framework.test import APIClient

from cells.services import load_standards
from facilities.services import load_regions


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in ru or kk leaves its language active in the thread: each test starts in the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql", "psql"))
HAS_BROKER = bool(os.environ.get("CELERY_BROKER_URL"))
HAS_REDIS = bool(os.environ.get("REDIS_URL"))

requires_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
requires_broker = pytest.mark.skipif(not HAS_BROKER, reason="needs a Celery broker: set CELERY_BROKER_URL=redis://...")
requires_redis = pytest.mark.skipif(not HAS_REDIS, reason="needs Redis: set REDIS_URL=redis://...")


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Tasks run in-process unless a test asks for the real worker (marker ``real_worker``), so that no
    test leaves messages in the broker for another one."""
    from roadmap_portal.celery import app

    if request.node.get_closest_marker("real_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fast_password_hashing(settings, tmp_path):
    """Tests create many users (the production hasher is deliberately slow) and upload files (kept in a
    temporary folder, not in the repository's var/)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def standards(db):
    """The standard profiles and rules of data/standards.json."""
    load_standards()


@pytest.fixture
def regions(db):
    """The 20 regions of data/regions.csv."""
    load_regions()


def make_user(username, group=None, regions=(), headcount_regions=(), **extra):
    """A user in the portal group ``group`` ("Prosecutors", "Ministry editors", ...) with these region codes."""
    from django.contrib.auth.models import Group

    from facilities.models import Region, StaffProfile

    user = get_user_model().objects.create_user(username, password=f"{username}-pass-123", **extra)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if regions or headcount_regions:
        profile = StaffProfile.objects.create(user=user)
        profile.regions.set(Region.objects.filter(code__in=regions))
        profile.headcount_regions.set(Region.objects.filter(code__in=headcount_regions))
    return user


@pytest.fixture
def user(db):
    """A national prosecutor: reads everything."""
    user = make_user("reader", "Prosecutors")
    user.set_password("reader-pass-123")
    user.save()
    return user


def token_client(user):
    """An API client authenticated by ``user``'s token."""
    from core.tokens import issue_token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")
    return client


@pytest.fixture
def api(user):
    """An API client authenticated by token (a national prosecutor)."""
    return token_client(user)


@pytest.fixture
def browser(client, user):
    """Django's test client, logged in."""
    client.force_login(user)
    return client


@pytest.fixture
def world(standards, regions):
    """A two-region world (A = KZ-35, B = KZ-10: tests.factories.region_world) with one user per role and
    an API client (token) for each, for the workflow, permission and API tests."""
    from types import SimpleNamespace

    from tests.factories import region_world

    a, b = region_world("KZ-35", "A"), region_world("KZ-10", "B")
    users = {
        "admin": make_user("admin_u", "Administrators"),
        "prosecutor": make_user("pros_nat", "Prosecutors"),
        "prosecutor_a": make_user("pros_a", "Prosecutors", regions=["KZ-35"]),
        "editor_a": make_user("editor_a", "Ministry editors", regions=["KZ-35"]),
        "reviewer_a": make_user("reviewer_a", "Certification reviewers", regions=["KZ-35"]),
        "reviewer_b": make_user("reviewer_b", "Certification reviewers", regions=["KZ-10"]),
        "api_client": make_user("client", "API clients"),
        "api_headcount_a": make_user("client_hc", "API clients", headcount_regions=["KZ-35"]),
        "nobody": make_user("nobody"),
    }
    return SimpleNamespace(a=a, b=b, users=users, clients={k: token_client(u) for k, u in users.items()})
