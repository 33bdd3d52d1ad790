"""Text that cannot be stored or rendered (issue 16, item 1): a lone UTF-16 surrogate or a NUL character,
in a JSON value or key, in a form post or a query string. Never a 500: 400 naming the field and the
reason (the API), a form error or a refused filter (the pages). The one place is core.parsers.SafeJSONParser,
the API's default parser."""

import json

import pytest
from django.urls import reverse

from core.parsers import SafeJSONParser, find_unencodable
from roadmap_portal.settings import REST_FRAMEWORK

SURROGATE = "\ud800"
NUL = "\x00"


def write_urls(world):
    """Every JSON write endpoint (and the design check), on region A's objects."""
    a = world.a
    return [
        ("post", "/api/v1/cells/"),
        ("patch", f"/api/v1/cells/{a.cell.pk}/"),
        ("put", f"/api/v1/cells/{a.cell.pk}/"),
        ("patch", f"/api/v1/cells/{a.cell.pk}/headcount/"),
        ("post", "/api/v1/compliance/check/"),
        ("post", f"/api/v1/conversions/{a.project.pk}/progress/"),
        ("post", f"/api/v1/conversions/{a.project.pk}/complete/"),
        ("post", "/api/v1/inspections/"),
        ("patch", f"/api/v1/inspections/{a.inspection.pk}/"),
        ("post", "/api/v1/findings/"),
        ("patch", f"/api/v1/findings/{a.finding.pk}/"),
        ("post", f"/api/v1/findings/{a.finding.pk}/status/"),
    ]


BODIES = [
    # (raw JSON text, the field the answer must name)
    ('{"number": "\\ud800"}', "number"),
    ('{"\\ud800": 1}', "\\ud800"),
    ('{"status": "\\udfff", "response": "x"}', "status"),
    ('{"profiles": ["KZ-ROADMAP", "\\ud800x"]}', "profiles.1"),
    ('{"number": "A\\u0000"}', "number"),
    ('{"a\\u0000b": 1}', "a\\u0000b"),
    ('{"description": {"deep": ["\\ud83d"]}}', "description.deep.0"),
    ('["\\ud800"]', "0"),
    ('"\\ud800"', "non_field_errors"),
]


def test_the_safe_parser_is_the_default_and_no_view_replaces_it():
    """Every API view parses JSON with SafeJSONParser (the imports take multipart, no JSON)."""
    from django.urls import get_resolver

    assert REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] == ["core.parsers.SafeJSONParser"]
    from rest_framework.parsers import JSONParser

    for pattern in _api_views(get_resolver()):
        for parser in getattr(pattern, "parser_classes", []):
            if issubclass(parser, JSONParser):
                assert issubclass(parser, SafeJSONParser), pattern


def _api_views(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _api_views(pattern)
        else:
            view = getattr(pattern.callback, "cls", None)
            if view is not None:
                yield view


@pytest.mark.parametrize("body,field", BODIES)
@pytest.mark.parametrize("role", ["admin", "editor_a", "prosecutor", "api_client", "api_headcount_a"])
def test_unencodable_json_is_400_naming_the_field_on_every_write(world, role, body, field):
    client = world.clients[role]
    for method, url in write_urls(world):
        response = getattr(client, method)(url, data=body.encode(), content_type="application/json")
        # A role that may not write here is refused first (403); everyone else learns which field is wrong.
        assert response.status_code in (400, 403), (method, url, response.status_code)
        if response.status_code == 400:
            assert field in response.json(), (method, url, response.json())
            reason = response.json()[field][0]
            assert "surrogate" in reason or "Null characters" in reason, reason


def test_the_answer_renders_in_the_browsable_api_too(world):
    response = world.clients["admin"].post(
        "/api/v1/cells/", data=b'{"\\ud800": "\\ud800"}', content_type="application/json", HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 400
    assert b"\\ud800" in response.content


def test_find_unencodable_walks_deep_nesting_without_recursion():
    data = current = {}
    for _ in range(5000):
        current["k"] = {}
        current = current["k"]
    current["k"] = "x" + SURROGATE
    field, reason = find_unencodable(data)
    assert field == ".".join(["k"] * 5001) and "U+D800" in reason
    assert find_unencodable({"ok": ["text", 1, 2.5, None, {"ключ": "мән"}]}) is None


@pytest.mark.parametrize("value", [NUL, "KZ-35" + NUL, "\ufffd", "\u202e35-ZK"])
@pytest.mark.parametrize(
    "path,param",
    [
        ("/api/v1/cells/", "number"),
        ("/api/v1/cells/", "region"),
        ("/api/v1/cells/", "block"),
        ("/api/v1/facilities/", "code"),
        ("/api/v1/facilities/", "region"),
        ("/api/v1/facilities/", "profile"),
        ("/api/v1/facilities/", "ordering"),
        ("/api/v1/findings/", "status"),
        ("/api/v1/inspections/", "facility"),
        ("/api/v1/summary/", "region"),
        ("/api/v1/imports/", "ordering"),
    ],
)
def test_list_filters_with_such_text_are_never_a_server_error(world, path, param, value):
    response = world.clients["admin"].get(path, {param: value})
    assert response.status_code in (200, 400), (path, param, response.status_code)
    json.dumps(response.json())


@pytest.mark.parametrize("value", [NUL, "a" + NUL + "b"])
def test_pages_with_nul_in_query_strings_and_form_posts_are_never_a_server_error(world, client, value):
    client.force_login(world.users["admin"])
    a = world.a
    for name, args in [
        ("facility-list", ()),
        ("inspection-list", ()),
        ("finding-list", ()),
        ("import-list", ()),
        ("dashboard", ()),
        ("residence", ()),
        ("facility-detail", (a.facility.pk,)),
        ("block-detail", (a.cell_block.pk,)),
    ]:
        for param in ["q", "region", "code", "status", "profile", "facility", "kind", "date", "page", "ordering"]:
            response = client.get(reverse(name, args=args), {param: value})
            assert response.status_code in (200, 400, 404), (name, param, response.status_code)
    posts = [
        (reverse("cell-create", args=[a.cell_block.pk]), {"number": value, "accommodation_type": value}),
        (reverse("cell-edit", args=[a.cell.pk]), {"number": value, "status": value}),
        (reverse("inspection-create"), {"facility": value, "body": value, "date_start": value}),
        (reverse("finding-create", args=[a.inspection.pk]), {"description": value, "cell": value, "rule": value}),
        (reverse("conversion-progress", args=[a.project.pk]), {"note": value, "status": value, "date": value}),
        (reverse("import-upload"), {"kind": value, "encoding": value, "sheet": value}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (200, 400), (url, response.status_code)
