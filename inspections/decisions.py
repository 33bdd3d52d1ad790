"""Named permission decisions about findings and the registry's recommendations (facilities.decisions
holds the rest; these need the finding). Used by the pages, the API and inspections.services and
inspections.registry alike (docs/recommendations.md, §Who does what).

Separation of duties (docs/data.md, §The domain model): the responsible body (the ministry's editors of the
region) answers (in progress, resolved) and keeps the actions and their progress reports; the prosecutor
verifies or reopens a resolved *prosecutor's* finding, and may reject (withdraw) an open one or reopen a
rejected one. A recommendation of another mechanism is judged by that mechanism (Judgement: achieved,
partially achieved, not achieved, no longer applicable; facilities.decisions.may_record_recommendation),
never verified by a prosecutor; only an administrator moves it to verified, rejected or back to open.

A recommendation without a region (national scope) is verified and answered only by users with a national
scope (facilities.scoping.region_scope is None): a regional prosecutor or a ministry editor of some
regions may not touch it.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from facilities import decisions, scoping
from facilities.mechanisms import Mechanism

from .models import Finding

S = Finding.Status

PROSECUTOR_MOVES: dict[str, set[str]] = {
    S.OPEN: {S.REJECTED},
    S.IN_PROGRESS: {S.REJECTED},
    S.RESOLVED: {S.VERIFIED, S.OPEN},
    S.VERIFIED: set(),
    S.REJECTED: {S.OPEN},
}
EDITOR_MOVES: dict[str, set[str]] = {S.OPEN: {S.IN_PROGRESS, S.RESOLVED}, S.IN_PROGRESS: {S.RESOLVED}}


def _national(user: Any) -> bool:
    """Whether ``user`` has the national scope (reads every region)."""
    return bool(scoping.roles(user)) and scoping.region_scope(user) is None


def may_verify_finding(user: Any, finding: Finding) -> bool:
    """Whether ``user`` reviews ``finding`` (verify, reopen, reject). A prosecutor's finding: a prosecutor
    of its region or an administrator; a national one (no region): a national prosecutor or an
    administrator. Another mechanism's recommendation: administrators only (the mechanism judges it,
    may_judge)."""
    if finding.mechanism != Mechanism.PROSECUTOR:
        return scoping.ADMIN in scoping.roles(user)
    if finding.region_id is None:
        return _national(user) and decisions.may_record_inspection(user)
    return decisions.may_verify_findings_in(user, finding.region_id)


def may_answer_finding(user: Any, finding: Finding) -> bool:
    """Whether ``user`` answers ``finding`` for the responsible body (in progress, resolved; its actions and
    progress reports): a ministry editor of its region or an administrator; a national recommendation (no
    region): only a user with a national scope who edits somewhere (an administrator: ministry editors
    always have listed regions)."""
    if finding.region_id is None:
        return _national(user) and decisions.may_edit_cells(user)
    return decisions.may_answer_findings_in(user, finding.region_id)


def allowed_moves(user: Any, finding: Finding) -> list[str]:
    """Statuses ``user`` may move ``finding`` to now (in the order of Finding.Status): the prosecutor's
    moves if may_verify_finding, the ministry's if may_answer_finding."""
    moves: set[str] = set()
    if may_verify_finding(user, finding):
        moves |= PROSECUTOR_MOVES.get(finding.status, set())
    if may_answer_finding(user, finding):
        moves |= EDITOR_MOVES.get(finding.status, set())
    return [s for s in S.values if s in moves]


def check_may_change_finding(user: Any, finding: Finding) -> None:
    """Raise PermissionDenied unless ``user`` may verify or answer ``finding`` at all (which move is
    allowed now is allowed_moves'; a move outside it is a ValidationError of the service)."""
    if not (may_verify_finding(user, finding) or may_answer_finding(user, finding)):
        raise PermissionDenied(_("You may not change the status of this finding."))


def may_edit_actions(user: Any, finding: Finding) -> bool:
    """Whether ``user`` adds and edits ``finding``'s actions and reports progress on them (with evidence,
    and marks that evidence public or private): the responsible body (may_answer_finding)."""
    return may_answer_finding(user, finding)


def check_may_edit_actions(user: Any, finding: Finding) -> None:
    """Raise PermissionDenied unless may_edit_actions(user, finding)."""
    if not may_edit_actions(user, finding):
        raise PermissionDenied(
            _(
                "Only the responsible body (a ministry editor of the region) or an administrator keeps the "
                "actions of this recommendation."
            )
        )


def may_judge(user: Any, finding: Finding) -> bool:
    """Whether ``user`` records a judgement of ``finding``'s implementation: the mechanism that made it, in
    its scope (facilities.decisions.may_record_recommendation with the finding's mechanism and region)."""
    return decisions.may_record_recommendation(user, finding.mechanism, finding.region_id)


def check_may_judge(user: Any, finding: Finding) -> None:
    """Raise PermissionDenied unless may_judge(user, finding)."""
    if not may_judge(user, finding):
        raise PermissionDenied(
            _("Only the mechanism that made this recommendation judges its implementation, in its own scope.")
        )


def may_edit_recommendation(user: Any, finding: Finding) -> bool:
    """Whether ``user`` edits ``finding``'s text, scope and source: an inspection's finding, the
    prosecutors of the region (facilities.decisions.may_record_inspection); a recommendation from a source
    document, the mechanism that made it in its scope (may_judge)."""
    if finding.inspection_id is not None:
        if finding.region_id is None:  # never: an inspection's finding has its facility
            return False
        return decisions.may_record_inspection(user, finding.region_id)
    return may_judge(user, finding)


def may_record_source_document(user: Any, mechanism: str) -> bool:
    """Whether ``user`` records a source document of ``mechanism``: whoever records that mechanism's
    recommendations somewhere (facilities.decisions.recording_mechanisms; a document has no region)."""
    mechanisms = decisions.recording_mechanisms(user)
    return mechanisms is None or mechanism in mechanisms


def check_may_record_source_document(user: Any, mechanism: str) -> None:
    """Raise PermissionDenied unless may_record_source_document(user, mechanism)."""
    if not may_record_source_document(user, mechanism):
        raise PermissionDenied(_("You record only your own mechanism's source documents."))
