"""Demo users get the documented demo passwords only where demo seeding is allowed; never under production."""

from django.contrib.auth import get_user_model

from demo.management.commands.seed_demo import Command, demo_password


def test_production_seed_sets_random_passwords(regions, settings):
    settings.PORTAL_ALLOW_DEMO_SEED = False  # as settings_production (seed_demo --allow-production)
    passwords = Command()._users()["passwords"]
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(passwords) == {"admin", "prosecutor", "editor", "reviewer", "api-client", "monitor"}
    for username, password in passwords.items():
        assert password != demo_password(username) and len(password) >= 20
        assert users[username].check_password(password)
        assert not users[username].check_password(demo_password(username))
    assert Command()._users()["passwords"] == {}  # a second run leaves the passwords alone


def test_demo_seed_uses_the_documented_passwords(regions, settings):
    settings.PORTAL_ALLOW_DEMO_SEED = True
    Command()._users()
    assert get_user_model().objects.get(username="editor").check_password("editor-demo-2026")


def test_a_new_seed_revokes_the_previous_demo_client_token(regions, settings):
    from rest_framework.test import APIClient

    settings.PORTAL_ALLOW_DEMO_SEED = True
    first = Command()._users()["api-client"]
    second = Command()._users()["api-client"]
    assert first != second

    def status(token):
        return APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}").status_code

    assert (status(first), status(second)) == (401, 200)
