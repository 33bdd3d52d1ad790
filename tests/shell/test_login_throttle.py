"""Login throttling (django-axes): N failures for one username from one address lock that pair out."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from tests.conftest import make_user

LIMIT = 5


@pytest.fixture
def people(db, settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    return make_user("victim", "Prosecutors"), make_user("bystander", "Prosecutors")


def _login(client, url, username, password, ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_failures_lock_out_the_right_password_too(client, people, url):
    victim, bystander = people
    if url.startswith("/admin/"):
        for user in people:
            user.is_staff = True
            user.save()
    for attempt in range(LIMIT - 1):
        response = _login(client, url, "victim", "wrong")
        assert response.status_code == 200 and "_auth_user_id" not in client.session, attempt
    assert _login(client, url, "victim", "wrong").status_code == 429  # the LIMIT-th failure locks
    response = _login(client, url, "victim", "victim-pass-123")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Too many failed login attempts for this username from your address" in page
    assert "blocked for\n    30 minutes" in page or "blocked for 30 minutes" in " ".join(page.split())
    # another user from the same address, and the same user from another address, are not affected
    assert _login(client, url, "bystander", "bystander-pass-123").status_code == 302
    client.logout()
    assert _login(client, url, "victim", "victim-pass-123", ip="10.0.0.2").status_code == 302
    attempt = AccessAttempt.objects.get(username="victim", ip_address="10.0.0.1")
    assert attempt.failures_since_start == LIMIT + 1  # the refused right password counts as well


def test_lockout_is_translated(client, people):
    for _ in range(LIMIT):
        _login(client, "/login/", "victim", "wrong")
    client.cookies["django_language"] = "ru"
    response = client.post(
        "/login/",
        {"username": "victim", "password": "victim-pass-123"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 429 and response["Content-Language"] == "ru"


def test_lockout_visible_in_admin_and_reset_by_command(client, people):
    for _ in range(LIMIT):
        _login(client, "/login/", "victim", "wrong")
    admin = make_user("boss", "Administrators", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/").content.decode()
    assert "victim" in listing and "10.0.0.1" in listing
    client.logout()
    call_command("axes_reset_username", "victim")
    assert not AccessAttempt.objects.filter(username="victim").exists()
    assert _login(client, "/login/", "victim", "victim-pass-123").status_code == 302


def test_forwarded_for_counts_only_behind_a_trusted_proxy(client, people, settings):
    # without a trusted proxy a client cannot dodge the lock by sending X-Forwarded-For itself
    for n in range(LIMIT):
        client.post(
            "/login/",
            {"username": "victim", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert _login(client, "/login/", "victim", "victim-pass-123").status_code == 429
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        "/login/",
        {"username": "victim", "password": "victim-pass-123"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(ip_address="10.0.0.1").exists()
