"""Schemathesis against the portal's own OpenAPI schema (/api/schema/), every operation, every role.

The schema is loaded from the running WSGI application (drf-spectacular), and schemathesis generates
requests from it, valid ones and deliberately invalid ones (wrong types, out-of-range numbers, missing
fields, strings where objects are expected). Each response must be:

- not a server error (``not_a_server_error``: no 5xx whatever the input),
- a status the schema documents for the operation (``status_code_conformance``),
- a body matching the documented schema of that status (``response_schema_conformance``).

Each role runs as its own test: a national prosecutor, a ministry editor of one region (KZ-35) and an API
client, each with their token; anonymous requests must all be refused with 401. The data is the two-region
world of tests/conftest.py, and ids in paths are mapped onto its rows most of the time so that
detail, history and write operations reach real objects (region A's and region B's: in and outside the
editor's regions). Every example runs in a transaction that is rolled back, so writes never pile up.

Hostile inputs (issue 16, items 1 and 2) are added to the generated ones: every valid example is also sent
with text the API could echo back and fail to render (a lone UTF-16 surrogate, a NUL, direction controls)
in the body's values and keys and in the query, and with oversized or nonsensical headers (an If-Match of
5,000 digits, a Content-Length that is not a number); each must still be answered as documented, without
a server error.

The number of examples per operation is bounded (EXAMPLES) to keep CI time small.
"""

import json
import logging
import os
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.response import Response
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from cells import certification
from cells.models import StandardProfile
from facilities.models import Region
from registers.models import ImportRecord
from roadmap_portal.wsgi import application
from tests.conftest import token_client
from tests.factories import ImportRecordFactory

# Examples per operation and mode (positive, negative) for the three roles, and for anonymous requests
# (which are all refused before any input is read). SCHEMATHESIS_EXAMPLES raises it for a longer local run.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
ANONYMOUS_EXAMPLES = 1
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def auth_header(user) -> dict:
    """The Authorization header of ``user``'s API token (the same one the other API tests use)."""
    return {"Authorization": token_client(user)._credentials["HTTP_AUTHORIZATION"]}


@pytest.fixture
def fuzz_world(world):
    """The workflow world plus an import record of region A's editor and a pending certification request of
    region A, and the ids per path prefix."""
    record = ImportRecordFactory(
        kind="cells",
        file_name="survey.csv",
        user=world.users["editor_a"],
        status=ImportRecord.Status.REJECTED,
        rows=1,
        rejected=1,
        errors=[{"row": 2, "column": "number", "reason": "empty"}],
    )
    request = certification.open_request(
        user=world.users["editor_a"],
        facility=world.a.facility,
        reason="fewer places in E1",
        lines=[{"cell": world.a.crowded, "action": "change", "certified_capacity": 30}],
    )
    ids = {
        "certification-requests": [request.pk],
        "facilities": [world.a.facility.pk, world.b.facility.pk],
        "blocks": [world.a.block.pk, world.a.cell_block.pk, world.b.block.pk],
        "cells": [world.a.cell.pk, world.a.room.pk, world.a.crowded.pk, world.b.cell.pk],
        "conversions": [world.a.project.pk, world.b.project.pk],
        "inspections": [world.a.inspection.pk, world.b.inspection.pk],
        "findings": [world.a.finding.pk, world.b.finding.pk],
        "imports": [record.pk],
        "standards": list(StandardProfile.objects.values_list("pk", flat=True)[:3]),
        "regions": list(Region.objects.filter(code__in=["KZ-35", "KZ-10"]).values_list("pk", flat=True)),
    }
    return SimpleNamespace(world=world, ids=ids)


@pytest.fixture
def api_schema(fuzz_world):
    """The schema as the portal serves it at /api/schema/ (authenticated), bound to the WSGI app.

    Requests go straight to the WSGI handler, whose request signals would close the test's database
    connection (and with it the test's transaction): they are disconnected as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/", application, headers=auth_header(fuzz_world.world.users["admin"])
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def use_real_ids(case, ids: dict) -> None:
    """Point ``{id}`` at a real row three times in four (which one depends on the generated value), so
    that the examples reach objects in and outside the caller's regions as well as missing ones."""
    value = (case.path_parameters or {}).get("id")
    if not isinstance(value, int) or value % 4 == 3:
        return
    resource = case.operation.path.split("/")[3]
    rows = ids.get(resource)
    if rows:
        case.path_parameters["id"] = rows[value % len(rows)]


# Text an error message could echo back: a lone surrogate (not encodable as UTF-8), NUL (not storable in
# PostgreSQL), direction controls and a zero-width space (invisible); only the JSON body can carry a lone
# surrogate (a URL or a multipart body cannot encode it).
ECHOED_TEXTS = ["\ud800", "x\udfff", "a\x00b", "\u202eevil\u202c", "\u2066x\u2069\u200b"]
OVERSIZED_HEADERS = [
    {"If-Match": '"' + "9" * 5000 + '"'},
    {"If-Match": "9" * 5000},
    {"If-Match": 'W/"' + "1" * 4301 + '"'},
    {"Content-Length": "nonsense"},
    {"Content-Length": "9" * 5000},
    {"If-Match": '"1"', "Content-Length": "-1"},
]


def hostile(case, text: str, extra_headers: dict) -> None:
    """Put ``text`` into every top-level string value of the body and as an extra key (a lone surrogate
    only in JSON bodies), into every query parameter (without surrogates), and add ``extra_headers``."""
    encodable = text.encode("utf-8", "replace").decode("utf-8").replace("?", "") or "\x00"
    json_body = case.media_type in (None, "application/json")
    value = text if json_body else encodable
    body = case.body
    if isinstance(body, dict):
        body = {**{k: (value if isinstance(v, str) else v) for k, v in body.items()}, value: value}
    elif isinstance(body, list):
        body = [*body, value]
    if json_body and isinstance(body, (dict, list)):
        # Serialised here with JSON escapes (\ud800): the client cannot encode a lone surrogate as UTF-8.
        body = json.dumps(body, ensure_ascii=True).encode()
    if isinstance(case.body, (dict, list)):
        case.body = body
    if case.query:
        case.query = dict.fromkeys(case.query, encodable)
    case.headers = {**(case.headers or {}), **extra_headers}


def fuzz(
    schema,
    role: str,
    fuzz_world,
    only: set[str] | None = None,
    answered: set | None = None,
    hostile_inputs: bool = False,
) -> list[str]:
    """Run EXAMPLES positive and EXAMPLES negative examples of every operation of ``schema`` (or of those
    labelled ``only``, e.g. ``{"GET /api/v1/regions/{id}/"}``) as ``role``; return one line per operation
    and mode that failed (the first failing example, with its reason). The labels of the operations that
    answered 2xx at least once are added to ``answered``. ``hostile_inputs``: every example also carries
    one of ECHOED_TEXTS and one of OVERSIZED_HEADERS (hostile())."""
    headers = {} if role == "anonymous" else auth_header(fuzz_world.world.users[role])
    answered = set() if answered is None else answered
    oversized = OVERSIZED_HEADERS
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40, "the schema lost operations"
    operations = [op for op in operations if only is None or op.label in only]
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    examples = EXAMPLES
    if role == "anonymous":  # refused before the input is read: one valid example of each operation
        modes, examples = [GenerationMode.POSITIVE], ANONYMOUS_EXAMPLES
        # the public API (/api/public/v1/) needs no login: tests/public/ checks it
        operations = [op for op in operations if not op.path.startswith("/api/public/")]
    for operation in operations:
        for mode in modes:

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(
                case=operation.as_strategy(generation_mode=mode),
                text=st.sampled_from(ECHOED_TEXTS),
                extra_headers=st.sampled_from(oversized),
            )
            def check(case, text, extra_headers):
                use_real_ids(case, fuzz_world.ids)
                if hostile_inputs:
                    hostile(case, text, extra_headers)
                with transaction.atomic():
                    response = case.call(headers={**(case.headers or {}), **headers})
                    transaction.set_rollback(True)
                if 200 <= response.status_code < 300:
                    answered.add(case.operation.label)
                case.validate_response(response, checks=CHECKS, headers=headers)
                if role == "anonymous":  # refused before anything is read; a path the URLs cannot match: 404
                    matchable = str((case.path_parameters or {}).get("id", 1)).isdigit()
                    assert response.status_code == 401 or (response.status_code == 404 and not matchable), (
                        f"{response.status_code} for an anonymous request"
                    )

            try:
                check()
            except Unsatisfiable:
                pass  # nothing to make invalid in this operation (negative mode)
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode.value}): {error}")
    return failures


@pytest.mark.parametrize("role", ["prosecutor", "editor_a", "api_client", "anonymous"])
def test_every_operation_as_every_role(api_schema, fuzz_world, role):
    """No server error, every status documented, every body as documented, for each role
    (anonymous: every operation refused with 401)."""
    quiet = logging.getLogger("django.request")
    level, quiet.level = quiet.level, logging.ERROR  # 4xx warnings by the thousand; errors still logged
    answered = set()
    try:
        failures = fuzz(api_schema, role, fuzz_world, answered=answered)
    finally:
        quiet.level = level
    assert not failures, "\n\n".join(failures)
    # The requests really were authenticated and reached data: every list, and details of real rows.
    reads = {
        f"GET /api/v1/{name}/"
        for name in (
            "regions",
            "facilities",
            "blocks",
            "cells",
            "conversions",
            "standards",
            "inspections",
            "findings",
            "summary",
        )
    }
    reads |= {f"GET /api/v1/{name}/{{id}}/" for name in ("facilities", "cells", "conversions", "inspections")}
    assert answered >= reads if role != "anonymous" else not answered, sorted(reads - answered)


@pytest.mark.parametrize("role", ["prosecutor", "editor_a", "api_client", "api_headcount_a", "admin"])
def test_echoed_text_and_oversized_headers_as_every_role(api_schema, fuzz_world, role):
    """The generated examples with hostile text and headers (hostile()): no server error, every status and
    body as documented, for each role."""
    quiet = logging.getLogger("django.request")
    level, quiet.level = quiet.level, logging.ERROR
    try:
        failures = fuzz(api_schema, role, fuzz_world, hostile_inputs=True)
    finally:
        quiet.level = level
    assert not failures, "\n\n".join(failures)


def test_the_hostile_inputs_reach_the_api(api_schema, fuzz_world):
    """hostile() really puts the text into the body and the headers into the request: a lone surrogate in
    a cell registration is answered 400 naming the key, not ignored."""
    operation = next(
        result.ok() for result in api_schema.get_all_operations() if result.ok().label == "POST /api/v1/cells/"
    )
    case = operation.Case(body={"number": "N-1"}, media_type="application/json")
    hostile(case, "\ud800", {"If-Match": "9" * 5000})
    assert json.loads(case.body) == {"number": "\ud800", "\ud800": "\ud800"}
    assert case.headers["If-Match"] == "9" * 5000
    with transaction.atomic():
        response = case.call(headers={**case.headers, **auth_header(fuzz_world.world.users["admin"])})
        transaction.set_rollback(True)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "\\ud800": ["The field name: The text contains a lone UTF-16 surrogate (U+D800), which cannot be encoded."]
    }


def test_the_fuzzing_catches_a_server_error_and_a_body_off_the_schema(api_schema, fuzz_world, monkeypatch):
    """The checks above can fail: a view that crashes, and one whose body differs from its schema."""
    from facilities.api.views import RegionViewSet

    monkeypatch.setattr(RegionViewSet, "retrieve", lambda self, request, *args, **kwargs: 1 / 0)
    logging.getLogger("django.request").disabled = True
    try:
        crashed = fuzz(api_schema, "prosecutor", fuzz_world, only={"GET /api/v1/regions/{id}/"})
    finally:
        logging.getLogger("django.request").disabled = False
    assert len(crashed) == 2 and "Server error" in crashed[0], crashed
    monkeypatch.setattr(RegionViewSet, "retrieve", lambda self, request, *args, **kwargs: Response({"code": 35}))
    off_schema = fuzz(api_schema, "prosecutor", fuzz_world, only={"GET /api/v1/regions/{id}/"})
    assert off_schema and "Response violates schema" in off_schema[0], off_schema
