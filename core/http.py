"""HTTP side of versioned records (core.versioning): the ``ETag`` a detail answers and the ``If-Match`` a
write may send.

- ``ETag: "<version>"`` on every GET of a versioned detail and on every write's response (:func:`set_etag`).
- ``If-Match: "<version>"`` (also ``W/"<version>"`` or the bare number) on PATCH, PUT and the action
  endpoints: a stale version answers 412 with the current version and the fields changed since
  (core.api.exception_handler renders core.versioning.StaleVersion), and nothing is written. ``If-Match: *``
  states no version (RFC 9110 §13.1.1: any current representation matches). A header that is not one
  ETag of at most 9 ASCII digits matches no version: 412 as well (RFC 9110 §13.1.1).
- Without If-Match a write keeps its field-level semantics (only the fields sent are written).

The role is checked before the header is read (the views call their permission checks first).
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from .versioning import StaleVersion, check_version

MAX_DIGITS = 9  # versions are PositiveIntegerFields; 9 digits is far beyond any real version

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The version you read, as its ETag ("7"): the write is refused with 412 and the fields changed '
    "since when the record is at another version. Without it, only the fields you send are written.",
    examples=[OpenApiExample("Version 7", value='"7"')],
)

STALE_EXAMPLE = OpenApiExample(
    "Stale version",
    status_codes=["412"],
    response_only=True,
    value={
        "detail": "This cell was changed by editor.almaty at 2026-12-03 10:42 (now version 8; you read version 7). "
        "Nothing was saved: check the changes and submit again.",
        "version": 8,
        "your_version": 7,
        "changed_by": "editor.almaty",
        "changed_at": "2026-12-03T10:42:05+05:00",
        "changes": [{"field": "occupancy", "label": "occupancy (persons)", "then": "68", "now": "45"}],
    },
)


def parse_if_match(request: Request) -> int | None | bool:
    """The version named by the request's ``If-Match`` header: None when there is none or it is ``*``;
    False when it is not one ETag of at most MAX_DIGITS ASCII digits (it then matches no version)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip()
    if value == "*":
        return None
    value = value.removeprefix("W/")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not (value.isascii() and value.isdigit() and 0 < len(value) <= MAX_DIGITS):
        return False
    return int(value)


def expected_version(request: Request, instance: Any) -> int | None:
    """The version the request's If-Match names for ``instance`` (a core.versioning.Versioned), checked
    against the version read now: None when the request states none. Raises StaleVersion (412) when it
    names another version, or is not an ETag of this API. Call it after the role check; the service checks
    again under its row lock."""
    version = parse_if_match(request)
    if version is None:
        return None
    if version is False:
        raise StaleVersion(instance, None)
    check_version(instance, version)
    return version


def etag(version: int) -> str:
    """The strong ETag of a version: ``"<version>"``."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> Response:
    """Put ``ETag: "<version>"`` on ``response``; returns it."""
    response["ETag"] = etag(version)
    return response


def with_if_match_version(request: Request, instance: Any) -> Any:
    """For the endpoints whose body carries ``version`` (progress, completion): the body, with ``version``
    taken from If-Match when the request has one (the header wins over the body). Raises StaleVersion (412)
    as :func:`expected_version`. A body that is not a JSON object is passed on unchanged, for the
    serializer to refuse."""
    data = request.data
    version = expected_version(request, instance)
    if version is not None and isinstance(data, dict):
        data = {**data, "version": version}
    return data
