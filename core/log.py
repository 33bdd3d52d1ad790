"""Logging filters of the shared layer (settings.LOGGING)."""

import logging

from django.core.exceptions import PermissionDenied


class ForbiddenOneLine(logging.Filter):
    """On the ``django.request`` logger: a refused request (PermissionDenied, answered 403) stays one
    WARNING line ("Forbidden (Permission denied): /path") instead of carrying the exception's full
    traceback; a refusal is the expected answer to a user without the right, not a fault to debug.
    Every other record passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and isinstance(exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
