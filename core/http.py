"""HTTP side of versioned records (core.versioning): the ``ETag`` a detail answers and the ``If-Match`` a
write may send.

- ``ETag: "<version>"`` on every GET of a versioned detail and on every write's response (:func:`set_etag`).
- ``If-Match: "<version>"`` (or a list of ETags, ``"6", "7"``) on PATCH, PUT and the action endpoints: the
  write goes on when one ETag of the list is the record's current ETag, compared strongly (RFC 9110
  §13.1.1, §8.8.3.2): a weak ETag (``W/"7"``) never matches, and an ETag matches only as this API writes
  it (``"01"`` is not ``"1"``). Else 412 with the current version and the fields changed since
  (core.api.exception_handler renders core.versioning.StaleVersion), and nothing is written. ``If-Match: *``
  states no version (any current representation matches). A header that is not a list of entity-tags
  (``7`` unquoted, ``"7``) matches nothing: 412 as well.
- Without If-Match a write keeps its field-level semantics (only the fields sent are written).

The role is checked before the header is read (the views call their permission checks first).
"""

import re
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from .versioning import StaleVersion

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
        "detail": "This cell was changed by editor.almaty at 2026-12-03 10:42 (now version 8; you sent version 7). "
        'Nothing was saved: read it again, check the changes and send yours with If-Match: "8".',
        "version": 8,
        "your_version": 7,
        "changed_by": "editor.almaty",
        "changed_at": "2026-12-03T10:42:05+05:00",
        "changes": [{"field": "occupancy", "label": "occupancy (persons)", "then": "68", "now": "45"}],
    },
)


# One element of an If-Match list (RFC 9110 §5.6.1, §8.8.3): optional whitespace, an entity-tag or nothing (an
# empty element, ignored), optional whitespace, then a comma or the end. etagc: %x21 / %x23-7E / obs-text.
_LIST_ELEMENT = re.compile(r'[ \t]*(?:(W/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(,|\Z)')
# A version as its ETag writes it (etag): 1 to MAX_DIGITS ASCII digits, no leading zero.
_VERSION = re.compile(rf"[1-9][0-9]{{0,{MAX_DIGITS - 1}}}", re.ASCII)


def parse_if_match(request: Request) -> list[int] | None:
    """The versions whose ETag the request's ``If-Match`` lists (RFC 9110 §13.1.1): None when there is no
    header or it is ``*`` (no version stated); else the versions of its strong ETags in this API's form
    (etag), in order. Weak ETags (``W/"7"``), other opaque tags (``"01"``, ``"abc"``) and a header that is
    not a list of entity-tags match no version: they give no entry, so an empty list matches nothing."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    if header.strip(" \t") == "*":
        return None
    versions: list[int] = []
    position = 0
    while True:
        element = _LIST_ELEMENT.match(header, position)
        if element is None or (element.end() == position and position < len(header)):
            return []  # not a list of entity-tags
        weak, tag, separator = element.groups()
        if tag is not None and not weak and _VERSION.fullmatch(tag):
            versions.append(int(tag))
        if not separator:
            return versions
        position = element.end()


def expected_version(request: Request, instance: Any) -> int | None:
    """The version the request's If-Match names for ``instance`` (a core.versioning.Versioned), checked
    against the version read now: None when the request states none (no header, ``*``); the current version
    when the list holds its ETag. Raises StaleVersion (412) when it does not (another version, only weak or
    foreign ETags, a malformed header; ``your_version`` is the highest version listed, None for none). Call
    it after the role check; the service checks again under its row lock."""
    versions = parse_if_match(request)
    if versions is None:
        return None
    current = getattr(instance, "version", None)
    if current in versions:
        return current
    raise StaleVersion(instance, max(versions) if versions else None)


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
