"""API throttling per user and per token: 429 with Retry-After past the configured rate; anonymous refused."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.tokens import issue_token
from tests.conftest import make_user

URL = "/api/v1/regions/"


@pytest.fixture
def rates(settings):
    """Small rates for this test only (the settings read them from API_THROTTLE_USER / API_THROTTLE_TOKEN)."""

    def set_rates(user=None, token=None):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": user, "token": token}}

    return set_rates


@pytest.fixture
def clients(regions):
    users = [make_user("client_one", "API clients"), make_user("client_two", "API clients")]
    for user in users:
        cache.delete(f"throttle_user_{user.pk}")
    result = []
    for user in users:
        token, plaintext = issue_token(user)
        cache.delete(f"throttle_token_{token.digest[:32]}")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
        result.append((user, token, client))
    return result


def test_user_rate_gives_429_with_retry_after(rates, clients):
    rates(user="3/minute")
    (user, _, client), (_, _, other) = clients
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(URL)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()
    assert other.get(URL).status_code == 200  # another user is not affected


def test_user_rate_counts_all_the_users_tokens_and_session(rates, clients):
    rates(user="3/minute")
    user, _, client = clients[0]
    _, second = issue_token(user)
    session = APIClient()
    session.force_login(user)
    statuses = [
        client.get(URL).status_code,
        session.get(URL).status_code,
        APIClient().get(URL, HTTP_AUTHORIZATION=f"Token {second}").status_code,
        session.get(URL).status_code,
    ]
    assert statuses == [200, 200, 200, 429]


def test_token_rate_is_per_token(rates, clients):
    rates(token="2/minute")
    user, token, client = clients[0]
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    token2, second = issue_token(user)
    cache.delete(f"throttle_token_{token2.digest[:32]}")
    assert APIClient().get(URL, HTTP_AUTHORIZATION=f"Token {second}").status_code == 200
    session = APIClient()  # a browser session is not throttled by the token scope
    session.force_login(user)
    assert [session.get(URL).status_code for _ in range(3)] == [200, 200, 200]


def test_rates_off_means_unlimited(rates, clients):
    rates(user=None, token=None)
    client = clients[0][2]
    assert {client.get(URL).status_code for _ in range(10)} == {200}


def test_anonymous_is_refused(rates, regions):
    rates(user="1000/minute", token="1000/minute")
    assert APIClient().get(URL).status_code == 401


def test_rates_come_from_the_environment():
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings",
        "API_THROTTLE_USER": "7/second",
        "API_THROTTLE_TOKEN": "off",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "{'user': '7/second', 'token': None, 'public': '1200/minute'}", out.stderr
