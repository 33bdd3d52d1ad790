"""Named permission decisions about findings (facilities.decisions holds the rest; these need the
finding's status). Used by the pages, the API and inspections.services alike.

Separation of duties (docs/data.md, §The domain model): the ministry answers (in progress, resolved); the
prosecutor verifies or reopens a resolved finding, and may reject (withdraw) an open one or reopen a
rejected one.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from facilities import decisions

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


def _region(finding: Finding) -> int:
    return finding.region_id


def may_verify_finding(user: Any, finding: Finding) -> bool:
    """Whether ``user`` reviews ``finding`` (verify, reopen, reject): a prosecutor of its region or an
    administrator."""
    return decisions.may_verify_findings_in(user, _region(finding))


def may_answer_finding(user: Any, finding: Finding) -> bool:
    """Whether ``user`` answers ``finding`` (in progress, resolved): a ministry editor of its region or an
    administrator."""
    return decisions.may_answer_findings_in(user, _region(finding))


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
