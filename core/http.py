"""HTTP helpers of the API: the If-Match precondition on versioned objects (conversion projects)."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import status as http
from rest_framework.request import Request
from rest_framework.response import Response


def precondition_failed(current_version: int) -> Response:
    """412 with the stored ``version``: an If-Match header named another version."""
    return Response(
        {
            "detail": _("Precondition failed: the project is at version %(version)s.") % {"version": current_version},
            "version": current_version,
        },
        status=http.HTTP_412_PRECONDITION_FAILED,
    )


def with_if_match_version(request: Request, current_version: int) -> tuple[Any, Response | None]:
    """``(body, None)`` with ``version`` taken from an ``If-Match: "<version>"`` header when the body has
    none, or ``(None, 412 response)`` when the header names another version than the stored one.
    A body that is not a JSON object is passed on unchanged, for the serializer to refuse."""
    data = request.data
    header = request.headers.get("If-Match")
    if not header:
        return data, None
    value = header.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()) or int(value) != current_version:
        return None, precondition_failed(current_version)
    if isinstance(data, dict) and "version" not in data:
        data = {**data, "version": int(value)}
    return data, None
