"""The "API tokens" page: issue (shown once), list without the secret, revoke one's own only."""

import re

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.tokens import issue_token
from tests.conftest import make_user


@pytest.fixture
def editor(regions):
    return make_user("page_editor", "Ministry editors", regions=["KZ-35"])


def test_issue_shows_the_token_once_and_it_works(client, editor):
    client.force_login(editor)
    response = client.post("/account/tokens/", {"issue": "", "days": "30"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    plaintext = re.search(r'<code id="new-token">(rp_[0-9a-f]{64})</code>', response.content.decode()).group(1)
    assert APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {plaintext}").status_code == 200
    token = AuthToken.objects.get(user=editor)
    assert (token.expiry - token.created).days in (29, 30)
    listing = client.get("/account/tokens/").content.decode()
    assert plaintext not in listing and token.token_key in listing


@pytest.mark.parametrize("days", ["0", "366", "abc", ""])
def test_bad_days_are_refused_and_nothing_issued(client, editor, days):
    client.force_login(editor)
    response = client.post("/account/tokens/", {"issue": "", "days": days})
    assert response.status_code == 400 and 'id="id_days_error"' in response.content.decode()
    assert not AuthToken.objects.exists()


def test_revoke_own_token_only(client, editor):
    other = make_user("other_editor", "Ministry editors", regions=["KZ-10"])
    mine, my_plaintext = issue_token(editor)
    theirs, their_plaintext = issue_token(other)
    client.force_login(editor)
    client.post("/account/tokens/", {"revoke": "", "token": theirs.digest})
    assert AuthToken.objects.filter(pk=theirs.pk).exists()
    response = client.post("/account/tokens/", {"revoke": "", "token": mine.digest})
    assert response.status_code == 302 and not AuthToken.objects.filter(pk=mine.pk).exists()
    assert APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {my_plaintext}").status_code == 401
    assert APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {their_plaintext}").status_code == 200


def test_page_needs_a_login_and_a_role(client, regions):
    assert client.get("/account/tokens/").status_code == 302
    client.force_login(make_user("no_role"))
    assert client.post("/account/tokens/", {"issue": "", "days": "5"}).status_code == 403
    assert not AuthToken.objects.exists()
