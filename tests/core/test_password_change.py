"""A password change revokes the user's API tokens on every path (the portal's page, the admin,
``manage.py changepassword``, set_password + save), says how many on the page, and keeps the session of
the user who changed it; a re-hash of the same password at login revokes nothing."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.tokens import issue_token
from tests.conftest import make_user

NEW = "Fresh-horse-battery-42"


def _api_status(plaintext):
    return APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {plaintext}").status_code


@pytest.fixture
def editor(regions):
    return make_user("pw_editor", "Ministry editors", regions=["KZ-35"])


@pytest.fixture
def bystander(regions):
    return make_user("pw_other", "Prosecutors")


def test_own_password_page_revokes_tokens_says_how_many_and_keeps_the_session(client, editor, bystander):
    plaintexts = [issue_token(editor)[1], issue_token(editor)[1]]
    theirs = issue_token(bystander)[1]
    assert _api_status(plaintexts[0]) == 200
    elsewhere = Client()
    elsewhere.force_login(editor)
    client.force_login(editor)
    page = client.get("/account/password/")
    assert page.status_code == 200 and 'name="old_password"' in page.content.decode()
    response = client.post(
        "/account/password/",
        {"old_password": "pw_editor-pass-123", "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert response.redirect_chain[-1] == ("/account/password/done/", 302)
    text = response.content.decode()
    assert "Your password was changed. Your 2 API tokens were revoked" in text
    assert [_api_status(p) for p in plaintexts] == [401, 401]
    assert _api_status(theirs) == 200  # another user's tokens are untouched
    assert not AuthToken.objects.filter(user=editor).exists()
    assert client.get("/account/tokens/").status_code == 200  # still logged in on this session
    assert elsewhere.get("/account/tokens/").status_code == 302  # the user's other session has ended
    editor.refresh_from_db()
    assert editor.check_password(NEW)


def test_wrong_old_password_changes_nothing(client, editor):
    plaintext = issue_token(editor)[1]
    client.force_login(editor)
    response = client.post("/account/password/", {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200 and 'id="id_old_password_error"' in response.content.decode()
    assert _api_status(plaintext) == 200


def test_header_links_to_the_password_page(client, editor):
    client.force_login(editor)
    assert 'href="/account/password/"' in client.get("/account/tokens/").content.decode()


def test_admin_password_change_revokes_and_says_so(client, editor, regions):
    admin = make_user("pw_admin", "Administrators", is_staff=True, is_superuser=True)
    plaintext = issue_token(editor)[1]
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{editor.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true", "set-password": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 API token of pw_editor was revoked with the password change." in response.content.decode()
    assert _api_status(plaintext) == 401


def test_changepassword_command_revokes(editor):
    plaintext = issue_token(editor)[1]
    with mock.patch("getpass.getpass", return_value=NEW):
        call_command("changepassword", "pw_editor", stdout=mock.Mock())
    assert _api_status(plaintext) == 401


@pytest.mark.parametrize("change", ["set_password", "set_unusable_password", "hash_assigned"])
def test_every_save_that_changes_the_hash_revokes(editor, change):
    plaintext = issue_token(editor)[1]
    if change == "set_password":
        editor.set_password(NEW)
    elif change == "set_unusable_password":
        editor.set_unusable_password()
    else:
        editor.password = make_password(NEW)
    editor.save()
    assert _api_status(plaintext) == 401


def test_saves_that_keep_the_password_revoke_nothing(client, editor):
    plaintext = issue_token(editor)[1]
    editor.email = "editor@example.org"
    editor.save()
    response = client.post("/login/", {"username": "pw_editor", "password": "pw_editor-pass-123"})
    assert response.status_code == 302  # logged in (saves last_login)
    assert _api_status(plaintext) == 200


def test_rehash_of_the_same_password_at_login_revokes_nothing(settings, editor):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
    editor.password = make_password("old-secret-pass", hasher="pbkdf2_sha1")
    editor.save()
    plaintext = issue_token(editor)[1]
    editor.refresh_from_db()
    assert editor.check_password("old-secret-pass")  # upgrades the stored hash to MD5
    editor.refresh_from_db()
    assert editor.password.startswith("md5$")
    assert _api_status(plaintext) == 200
