"""OpenAPI schema generation: every operation documents the error responses it can give.

The API answers client errors as JSON (core.api.exception_handler): ``{"field": ["reason"]}`` for bad
input (400), ``{"detail": "reason"}`` for authentication (401), permission (403), not found (404), a body
too large (413), an unsupported content type (415) and throttling (429), and ``{"detail", "version"}`` for a
stale version (409, or 412 with If-Match). PortalAutoSchema adds these to the responses drf-spectacular
derives from the views, so that a client (and the schemathesis tests in tests/api/test_schemathesis.py)
can rely on the schema for every status the portal sends.
"""

import re
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
# Tags and summaries (issue 18, item 8): every operation is grouped under its resource (the first part of
# its path after /api/v1/) and has a one-line summary, in English like the rest of the schema. An
# operation's own extend_schema(tags=..., summary=...) wins over these.
#: path part -> (tag, the resource in the plural, one of it)
RESOURCES = {
    "actions": ("Actions", "actions of recommendations", "an action of a recommendation"),
    "blocks": ("Residential blocks", "residential blocks", "a residential block"),
    "cells": ("Cells", "cells", "a cell"),
    "certification-requests": ("Certification requests", "certification requests", "a certification request"),
    "compliance": ("Compliance", "compliance checks", "a compliance check"),
    "conversions": ("Conversion projects", "conversion projects", "a conversion project"),
    "facilities": ("Facilities", "facilities", "a facility"),
    "findings": ("Findings", "findings", "a finding"),
    "imports": ("Register imports", "register imports", "a register import"),
    "inspections": ("Inspections", "inspections", "an inspection"),
    "movements": ("Movements", "movements of persons", "a movement of persons"),
    "placement": ("Placement planner", "placement plans", "a placement plan"),
    "regions": ("Regions", "regions", "a region"),
    "source-documents": ("Source documents", "source documents of recommendations", "a source document"),
    "standards": ("Standards", "standard profiles with their rules", "a standard profile with its rules"),
    "summary": ("Summary", "dashboard figures", "the dashboard figures"),
    # /api/public/v1/... (no login; a release's figures): every operation has its summary below
    "public": ("Public site", "public figures", "public figures"),
}
#: sub-resources with a tag of their own (path part after ``{id}``)
SUB_RESOURCES = {"certificates": "Cell certificates"}
#: summaries of the operations that are not list, read, create, update or history; key: "METHOD path"
#: with the path after /api/v1/ and every parameter written {}
SUMMARIES = {
    "POST cells/": "Register a cell (as a draft)",
    "POST inspections/": "Record an inspection",
    "POST findings/": "Record a finding of an inspection or a mechanism's recommendation",
    "GET findings/{}/actions/": "List the actions of a recommendation",
    "POST findings/{}/actions/": "Add an action to a recommendation",
    "GET findings/{}/judgements/": "List the judgements of a recommendation's implementation",
    "POST findings/{}/judgements/": "Record a judgement of a recommendation's implementation",
    "POST movements/": "Record movements of persons between cells",
    "POST certification-requests/": "Open a certification request",
    "POST cells/{}/deactivate/": "Take a cell temporarily out of use",
    "POST cells/{}/reactivate/": "Bring a deactivated cell back into use",
    "PATCH cells/{}/headcount/": "Record the headcount of a cell on a date",
    "POST certification-requests/{}/approve/": "Approve a certification request and issue the next certificate",
    "POST certification-requests/{}/reject/": "Reject a certification request",
    "POST certification-requests/{}/resubmit/": "Submit a rejected or withdrawn request again",
    "POST certification-requests/{}/withdraw/": "Withdraw a certification request",
    "POST compliance/check/": "Check planned or existing cell measurements against the standards",
    "POST conversions/{}/complete/": "Complete a conversion project through certification",
    "POST conversions/{}/complete/plan/": "Propose the movement plan of a completion, writing nothing",
    "POST conversions/{}/progress/": "Record a progress update of a conversion project",
    "GET conversions/{}/updates/": "List the progress updates of a conversion project",
    "GET facilities/{}/certificates/": "List the versions of a facility's cell certificate",
    "GET facilities/{}/certificates/{}/": "Read one version of a facility's cell certificate",
    "GET facilities/{}/certificates/{}/download/": "Download one version of a cell certificate as CSV or XLSX",
    "GET findings/{}/attachments/{}/": "Download an attachment of a finding",
    "POST findings/{}/status/": "Move a finding to another status with a response",
    "POST imports/": "Upload a register file and check it",
    "POST imports/{}/confirm/": "Write a checked register import",
    "GET summary/": "Dashboard figures, national or for one region",
    "POST placement/plan/": "Compute the near-home placement plan, writing nothing",
    # the public API (/api/public/v1/), its parts after "public/"
    "GET public/": "The public API's endpoints and the current release",
    "GET public/nation/": "The nation's published figures",
    "GET public/regions/": "List the published figures of every region",
    "GET public/regions/{}/": "Read the published figures of a region",
    "GET public/facilities/": "List the facilities published with detail",
    "GET public/facilities/{}/": "Read the published figures of a facility",
    "GET public/recommendations/": "Published recommendations by mechanism, region and judgement",
    "GET public/releases/": "List the published releases",
    "GET public/releases/{}/": "Read a published release and its national figures",
}
API_PREFIX = re.compile(r"^/api/(public/)?v\d+/")


def _path_parts(path: str) -> list[str]:
    """The parts of an API path after /api/vN/, each parameter written ``{}``; a path of the public API
    (/api/public/vN/) starts with the part ``public``."""
    match = API_PREFIX.match(path)
    rest = API_PREFIX.sub("", path).strip("/")
    parts = ["{}" if part.startswith("{") else part for part in rest.split("/")] if rest else []
    if match and match.group(1):
        parts.insert(0, "public")
    return parts or [""]


def operation_tags(path: str) -> list[str]:
    """The tag of the operation at ``path``: its resource's (RESOURCES), or a sub-resource's
    (SUB_RESOURCES); the path's first part as it is for a resource not listed."""
    parts = _path_parts(path)
    for part in parts[1:]:
        if part in SUB_RESOURCES:
            return [SUB_RESOURCES[part]]
    return [RESOURCES[parts[0]][0] if parts[0] in RESOURCES else parts[0]]


def operation_summary(method: str, path: str) -> str | None:
    """The summary of ``method`` at ``path``: SUMMARIES, else one made from the resource (RESOURCES) and
    the kind of operation: list (GET on the collection), read, create, update, update some fields,
    delete, history; None for an operation none of these describes."""
    parts = [part for part in _path_parts(path) if part]
    key = f"{method.upper()} {'/'.join(parts)}/"
    if key in SUMMARIES:
        return SUMMARIES[key]
    if parts[0] not in RESOURCES:
        return None
    _tag, plural, one = RESOURCES[parts[0]]
    rest = parts[1:]
    kinds = {
        ("GET", ()): f"List {plural}",
        ("POST", ()): f"Create {one}",
        ("GET", ("{}",)): f"Read {one}",
        ("PUT", ("{}",)): f"Update {one}",
        ("PATCH", ("{}",)): f"Update some fields of {one}",
        ("DELETE", ("{}",)): f"Delete {one}",
        ("GET", ("{}", "history")): f"History of {one}",
    }
    return kinds.get((method.upper(), tuple(rest)))


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

    def get_tags(self) -> list[str]:
        """The operation's resource (operation_tags), unless the view names its own tags."""
        return operation_tags(self.path)

    def get_summary(self) -> str | None:
        """A one-line summary (operation_summary), unless the view gives its own."""
        return operation_summary(self.method, self.path)

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = list(ALWAYS)
        if self.path.startswith("/api/public/"):  # no login there: never 401 or 403
            codes = [code for code in codes if code not in ("401", "403")]
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
