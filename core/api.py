"""API errors: JSON ``{"field": ["reason"]}`` for every client error, JSON 404 for unknown API paths."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ConflictError
from .versioning import StaleVersion


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: Django ``ValidationError`` raised by services -> 400 with the fields;
    core.versioning.StaleVersion -> 409 with the current version and the fields changed since (412 when the
    request had If-Match); another ConflictError (core.exceptions.AlreadyDone: a write made once already, a
    concurrent duplicate that wrote nothing) -> 409 with what happened and the current version; a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE -> 413."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = {
                field.replace("__all__", "non_field_errors"): [m for e in errors for m in e.messages]
                for field, errors in exc.error_dict.items()
            }
        else:
            data = {"non_field_errors": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ConflictError):
        # A precondition the client stated (If-Match) failed: 412; a stale version in the body: 409; any
        # other conflict (a concurrent duplicate that wrote nothing) is not about the header: 409.
        request = context.get("request")
        # A write already made (AlreadyDone) is a conflict whatever the client stated: 409.
        code = (
            status.HTTP_412_PRECONDITION_FAILED
            if isinstance(exc, StaleVersion) and request is not None and "If-Match" in request.headers
            else status.HTTP_409_CONFLICT
        )
        body = exc.as_dict() if isinstance(exc, StaleVersion) else {"detail": str(exc), "version": exc.current_version}
        return Response(body, status=code)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": _("Request body too large.")}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return drf_exception_handler(exc, context)


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """JSON 404 for unknown ``/api/`` paths (the pages keep Django's HTML 404)."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
