"""Shared fixtures. Tests run on PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set;
otherwise on SQLite with eager Celery, and the tests that need a real service are skipped with a reason."""
import os

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from cells.services import load_standards
from facilities.services import load_regions

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql", "psql"))
HAS_BROKER = bool(os.environ.get("CELERY_BROKER_URL"))
HAS_REDIS = bool(os.environ.get("REDIS_URL"))

requires_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
requires_broker = pytest.mark.skipif(not HAS_BROKER,
                                     reason="needs a Celery broker: set CELERY_BROKER_URL=redis://...")
requires_redis = pytest.mark.skipif(not HAS_REDIS, reason="needs Redis: set REDIS_URL=redis://...")


@pytest.fixture
def standards(db):
    """The standard profiles and rules of data/standards.json."""
    load_standards()


@pytest.fixture
def regions(db):
    """The 20 regions of data/regions.csv."""
    load_regions()


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("reader", password="reader-pass-123")


@pytest.fixture
def api(user):
    """An API client authenticated by token."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def browser(client, user):
    """Django's test client, logged in."""
    client.force_login(user)
    return client
