"""Model fields shared by the apps (issue 16, items 13 and 14)."""

from typing import Any

from django.db import models

from .validators import normalize_identifier, validate_name


class NameField(models.CharField):
    """A CharField for identifiers and names (cell numbers, facility codes, block and facility names,
    inspecting bodies): ``full_clean`` stores core.validators.normalize_identifier's form (NFKC, trimmed,
    inner whitespace collapsed), so uniqueness is checked on it, and refuses control, format and
    direction characters (core.validators.validate_name). Every write path (page, API, import, admin)
    runs ``full_clean`` through its service."""

    default_validators = [validate_name]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalize_identifier(value) if isinstance(value, str) else value
