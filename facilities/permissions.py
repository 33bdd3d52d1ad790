"""API permissions: every endpoint needs a portal role; every write needs a role that may write there,
checked before the request body is read (issue 16, item 8).

DRF checks ``permission_classes`` in ``APIView.initial``, before the handler runs and so before anything
parses the body, the If-Match header or the object: a role that may not write gets 403, never 400 with the
field schema or 412 with a version. The services check again, with the object and its region
(``check_may_*`` of facilities.decisions); these classes ask the same named decisions without an object
("may this user do this anywhere at all").
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from . import decisions

Decision = Callable[[Any], bool]
Rule = tuple[Decision, Any]  # (decision, the refusal's message)


class HasPortalRole(BasePermission):
    """Allow users with a portal role (administrator, prosecutor, ministry editor, API client).

    Which rows they see is the queryset's job (``visible_to``); whether a write is allowed is asked first by
    the write permissions below and again by the service (PermissionDenied -> 403, a foreign key outside
    their regions -> 400).
    """

    message = decisions.NO_ROLE

    def has_permission(self, request, view):
        return decisions.may_use_portal(request.user)


class RoleMayWrite(BasePermission):
    """Base of the write permissions: safe methods (GET, HEAD, OPTIONS) and methods the view does not have
    (405) pass; any other method passes when the rule's decision says ``decision(user)`` is true. The rule
    is ``action_rules[view.action]`` when the view's action is listed there, else ``write_rule``; a rule
    is ``(decision, message)``, the message being the one of the matching ``check_may_*`` (so that the
    page, the API and the service refuse alike). A rule of None lets every portal role in (an action that
    writes nothing, such as the design check)."""

    write_rule: ClassVar[Rule | None] = None
    action_rules: ClassVar[dict[str, Rule | None]] = {}

    def rule_for(self, view) -> Rule | None:
        """The ``(decision, message)`` asked for a write to ``view`` (None: no check beyond HasPortalRole)."""
        action = getattr(view, "action", None)
        if action in self.action_rules:
            return self.action_rules[action]
        return self.write_rule

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or getattr(view, request.method.lower(), None) is None:
            return True  # a read, or a method the view does not have (405 follows)
        rule = self.rule_for(view)
        if rule is None:
            return True
        decision, message = rule
        self.message = message
        return bool(decision(request.user))


def _may_move_findings(user: Any) -> bool:
    """Prosecutors (verify, reopen, reject) and ministry editors (answer) move findings somewhere."""
    return decisions.may_record_inspection(user) or decisions.may_edit_cells(user)


def _may_update_headcounts(user: Any) -> bool:
    return decisions.may_update_headcount(user)


class MayEditCells(RoleMayWrite):
    """Writes to cells (register, change: ministry editors and administrators; decisions.may_edit_cells)
    and their headcounts (also API clients with a headcount write scope; decisions.may_update_headcount)."""

    write_rule = (decisions.may_edit_cells, gettext_lazy("Only ministry editors and administrators may edit cells."))
    action_rules = {
        "headcount": (_may_update_headcounts, gettext_lazy("This account may not update headcounts in this region."))
    }


class MayEditProjects(RoleMayWrite):
    """Progress and completion of conversion projects: the editors of cells (decisions.may_edit_project
    without a project is may_edit_cells)."""

    write_rule = (
        decisions.may_edit_cells,
        gettext_lazy("Only a ministry editor of this region or an administrator may edit this project."),
    )


class MayRecordInspections(RoleMayWrite):
    """Inspections and findings: prosecutors and administrators record and change them
    (decisions.may_record_inspection); a finding's status is moved by prosecutors and ministry editors
    (inspections.decisions decides which move, on the finding)."""

    write_rule = (
        decisions.may_record_inspection,
        gettext_lazy("Only prosecutors and administrators record inspections."),
    )
    action_rules = {
        "change_status": (_may_move_findings, gettext_lazy("You may not change the status of this finding."))
    }


def _may_record_recommendations(user: Any) -> bool:
    """Prosecutors (their inspections' findings and the prosecutor's recommendations), monitors (their
    mechanism's) and administrators record recommendations somewhere."""
    return decisions.may_record_inspection(user) or decisions.may_record_recommendation(user)


ACTIONS_MESSAGE = gettext_lazy(
    "Only the responsible body (a ministry editor of the region) or an administrator keeps the actions of this "
    "recommendation."
)


class MayRecordRecommendations(RoleMayWrite):
    """The registry of recommendations (findings of every mechanism) and its source documents: prosecutors,
    monitors and administrators record them (decisions.may_record_recommendation; which mechanism and
    where is checked on the object: inspections.decisions); a status is moved by prosecutors and ministry
    editors; actions are kept by the responsible body (ministry editors, administrators); judgements are
    recorded by the mechanism's recorders (prosecutors, monitors, administrators)."""

    write_rule = (
        _may_record_recommendations,
        gettext_lazy("Only prosecutors, monitors and administrators record recommendations."),
    )
    action_rules = {
        "change_status": (_may_move_findings, gettext_lazy("You may not change the status of this finding.")),
        "finding_actions": (decisions.may_edit_cells, ACTIONS_MESSAGE),
        "judgements": (
            decisions.may_record_recommendation,
            gettext_lazy(
                "Only the mechanism that made this recommendation judges its implementation, in its own scope."
            ),
        ),
    }


class MayEditActions(RoleMayWrite):
    """Actions of recommendations: the responsible body, ministry editors (of the region, checked on the
    object) and administrators (decisions.may_edit_cells)."""

    write_rule = (decisions.may_edit_cells, ACTIONS_MESSAGE)


class MayImport(RoleMayWrite):
    """Register imports (upload, confirm): decisions.may_import with no kind (the kind is checked once
    the upload is read)."""

    write_rule = (
        decisions.may_import,
        gettext_lazy(
            "Only ministry editors and administrators import registers; "
            "an API client with a headcount write scope imports headcounts only."
        ),
    )


class ReadOnlyWrites(RoleMayWrite):
    """An endpoint that writes nothing on POST (the design check): every portal role may use it."""


class ReadOnlyUnlessDecided(RoleMayWrite):
    """The default (``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]``): a view that names no write permission
    (write_permissions) is read-only, so that a new write endpoint cannot be open to every role by
    omission."""

    write_rule = (lambda user: False, gettext_lazy("This endpoint is read-only."))


def write_permissions(permission: type[RoleMayWrite]) -> list[type[BasePermission]]:
    """The ``permission_classes`` of a view: authenticated, with a portal role, and ``permission``."""
    return [IsAuthenticated, HasPortalRole, permission]
