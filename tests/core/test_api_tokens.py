"""API tokens (django-rest-knox): stored as digests, shown once, expiring, revocable; malformed ones cost no query."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.tokens import issue_token
from tests.conftest import make_user

URL = "/api/v1/regions/"


def _get(token, url=URL):
    return APIClient().get(url, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def reader(regions):
    return make_user("api_reader", "API clients")


def _all_stored_text():
    """Every column of every token row, as text."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        return repr(cursor.fetchall())


def test_database_holds_no_plaintext_token(reader):
    token, plaintext = issue_token(reader)
    assert re.fullmatch(r"rp_[0-9a-f]{64}", plaintext)
    assert _get(plaintext).status_code == 200
    stored = _all_stored_text()
    assert plaintext not in stored and plaintext[3:] not in stored
    assert len(token.digest) == 128 and token.digest in stored  # SHA-512 of the token


def test_default_expiry_is_configurable(reader, settings):
    token, _ = issue_token(reader)
    assert abs(token.expiry - (timezone.now() + datetime.timedelta(days=90))) < datetime.timedelta(minutes=1)
    settings.API_TOKEN_DAYS = 7
    token, _ = issue_token(reader)
    assert abs(token.expiry - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    with pytest.raises(ValueError):
        issue_token(reader, days=0)


def test_expired_token_is_401(reader):
    token, plaintext = issue_token(reader, days=1)
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    response = _get(plaintext)
    assert response.status_code == 401 and response.json() == {"detail": "Invalid token."}


def test_revoked_token_is_401_and_others_stay(reader):
    _, first = issue_token(reader)
    second_token, second = issue_token(reader)
    other = make_user("other_client", "API clients")
    _, others = issue_token(other)
    out = io.StringIO()
    call_command("revoke_api_tokens", "api_reader", stdout=out)
    assert out.getvalue().strip() == "2 token(s) of api_reader revoked."
    assert _get(first).status_code == 401 and _get(second).status_code == 401
    assert _get(others).status_code == 200


@pytest.mark.parametrize(
    "key",
    [
        "abc",
        "rp_" + "0" * 63,
        "rp_" + "G" * 64,
        "0" * 40,
        "rp_" + "0" * 64 + "0",
        "' OR 1=1 --",
        "rp_" + "A" * 64,
        "é" * 67,
    ],
)
def test_malformed_token_is_401_without_a_query(reader, key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 401
    assert [q["sql"] for q in queries.captured_queries] == []


def test_unknown_well_formed_token_is_401(reader):
    assert _get("rp_" + "0" * 64).status_code == 401


def test_issue_command_prints_the_token_once(reader):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "api_reader", "--days", "3", stdout=out, stderr=err)
    plaintext = out.getvalue().strip()
    assert re.fullmatch(r"rp_[0-9a-f]{64}", plaintext)
    assert _get(plaintext).status_code == 200
    token = AuthToken.objects.get(user=reader)
    assert token.expiry.date() == (timezone.now() + datetime.timedelta(days=3)).date()
    assert plaintext not in _all_stored_text() and "shown only now" in err.getvalue()


@pytest.mark.parametrize(
    "args,message", [(["nobody_here"], "No active user"), (["api_reader", "--days", "0"], "at least 1")]
)
def test_issue_command_refuses_bad_input(reader, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("issue_api_token", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not AuthToken.objects.exists()


def test_admin_lists_tokens_without_their_secret(client, reader):
    token, plaintext = issue_token(reader)
    admin = make_user("boss", "Administrators", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/knox/authtoken/").content.decode()
    assert "api_reader" in listing and token.token_key in listing
    assert plaintext not in listing
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
