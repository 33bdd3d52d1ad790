"""OpenAPI schema generation: every operation documents the error responses it can give.

The API answers client errors as JSON (core.api.exception_handler): ``{"field": ["reason"]}`` for bad
input (400), ``{"detail": "reason"}`` for authentication (401), permission (403), not found (404), a body
too large (413), an unsupported content type (415) and throttling (429), and ``{"detail", "version"}`` for a
stale version (409, or 412 with If-Match). PortalAutoSchema adds these to the responses drf-spectacular
derives from the views, so that a client (and the schemathesis tests in tests/api/test_schemathesis.py)
can rely on the schema for every status the portal sends.
"""

from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from .http import STALE_EXAMPLE

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each invalid field (or non_field_errors, or detail for a body that cannot be parsed) "
    "with its reasons.",
    "minProperties": 1,
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {}},
            {"type": "object"},
        ]
    },
}
CONFLICT_SCHEMA = {
    "type": "object",
    "description": "The record is at another version than the one you named (core.versioning.StaleVersion): "
    "nothing was written. ``changes`` are the fields changed since your version (then: as you read it, now: "
    "as stored).",
    "properties": {
        "detail": {"type": "string"},
        "version": {"type": "integer", "nullable": True},
        "your_version": {"type": "integer", "nullable": True},
        "changed_by": {"type": "string", "nullable": True},
        "changed_at": {"type": "string", "format": "date-time", "nullable": True},
        "changes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "label": {"type": "string"},
                    "then": {"type": "string", "nullable": True},
                    "now": {"type": "string", "nullable": True},
                },
            },
        },
    },
    "required": ["detail", "version"],
}

# status -> (component name, schema, description)
ERRORS = {
    "400": ("ValidationError", VALIDATION_ERROR_SCHEMA, _("Bad input: each field with its reasons")),
    "401": ("Error", ERROR_SCHEMA, _("Not authenticated (missing, unknown or expired token)")),
    "403": ("Error", ERROR_SCHEMA, _("No portal role, or the action is not allowed for it")),
    "404": ("Error", ERROR_SCHEMA, _("Not found, outside your regions, or a page past the last")),
    "409": ("VersionConflict", CONFLICT_SCHEMA, _("Stale version in the body: reload and retry")),
    "412": ("VersionConflict", CONFLICT_SCHEMA, _("If-Match names another version than the stored one")),
    "413": ("Error", ERROR_SCHEMA, _("Request body too large")),
    "415": ("Error", ERROR_SCHEMA, _("Unsupported content type")),
    "429": ("Error", ERROR_SCHEMA, _("Too many requests: retry later")),
}
ALWAYS = ("400", "401", "403", "429")
WITH_BODY = ("413", "415")
VERSIONED = ("409", "412")


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the error responses of core.api (see the module docstring).

    Every operation: 400, 401, 403, 429. GET operations and operations on one object (a path parameter):
    404. Operations with a request body: 413, 415. Operations that take ``If-Match`` (their
    ``parameters`` name core.http.IF_MATCH) or a ``version`` (conversion progress and completion): 409, 412,
    with the examples the view gives for them (core.http.STALE_EXAMPLE).
    """

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = list(ALWAYS)
        if self.method == "GET" or "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.extend(WITH_BODY)
        if self.path.rstrip("/").endswith(("/progress", "/complete")) or self._takes_if_match():
            codes.extend(VERSIONED)
        for code in codes:
            if code not in responses:
                responses[code] = self._error_response(code)
        return dict(sorted(responses.items()))

    def _takes_if_match(self) -> bool:
        """Whether the operation documents the If-Match header (core.http.IF_MATCH)."""
        return any(getattr(parameter, "name", None) == "If-Match" for parameter in self.get_override_parameters())

    def _error_response(self, code: str) -> dict[str, Any]:
        name, schema, description = ERRORS[code]
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        media: dict[str, Any] = {"schema": component.ref}
        # Examples the view gives for this status (e.g. core.http.STALE_EXAMPLE for 412).
        examples = self._get_examples(None, "response", "application/json", code)
        if not examples and code == "412":  # an If-Match operation that gives no example of its own
            examples = {"StaleVersion": {"summary": STALE_EXAMPLE.name, "value": STALE_EXAMPLE.value}}
        if examples:
            media["examples"] = examples
        return {"description": str(description), "content": {"application/json": media}}
