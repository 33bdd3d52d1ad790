"""A body that is not JSON, or not a JSON object, answers 400 with a message in the request's language that
says where the fault is (core.parsers.SafeJSONParser, core.serializers.StrictInputMixin), never Python's
English text (issue 19's bad-input trial)."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/compliance/check/"  # read-only: nothing to set up


@pytest.fixture
def api(regions):
    client = APIClient()
    client.force_authenticate(make_user("parse-prosecutor", "Prosecutors"))
    return client


def post(api, body: bytes, language="en"):
    return api.generic("POST", URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize(
    ("body", "language", "detail"),
    [
        (b"{", "en", "JSON parse error - the body is not valid JSON (line 1, column 2)."),
        (b'{\n  "a": 1,\n}', "en", "JSON parse error - the body is not valid JSON (line 3, column 1)."),
        (b"{", "ru", "Ошибка разбора JSON: тело запроса не является корректным JSON (строка 1, столбец 2)."),
        (b"{", "kk", "JSON талдау қатесі: сұраныс денесі жарамды JSON емес (1-жол, 2-баған)."),
        (
            b"\xef\xbb\xbf{}",
            "en",
            "JSON parse error - the body starts with a byte order mark (BOM): send UTF-8 without it.",
        ),
        (b'{"a": NaN}', "en", "JSON parse error - NaN, Infinity and -Infinity are not JSON numbers."),
        (b"\xff\xfe{}", "en", "JSON parse error - the body is not UTF-8 text."),
    ],
)
def test_a_body_that_is_not_json_says_where_in_the_request_language(api, body, language, detail):
    response = post(api, body, language)
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(("language", "message"), [("en", "Expected a JSON object."), ("ru", "Ожидается объект JSON.")])
def test_a_null_body_is_not_a_json_object(api, language, message):
    response = post(api, b"null", language)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message]}
