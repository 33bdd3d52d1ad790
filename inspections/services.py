"""Writes of the inspections app: inspections, findings, their status workflow, the overdue check."""

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.validators import future_errors
from facilities import decisions as facility_decisions

from . import decisions
from .models import Finding, FindingUpdate, Inspection, OverdueCheck

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from facilities.models import Facility

INSPECTION_FIELDS = ["facility", "date_start", "date_end", "body", "type", "announced", "lead_inspector", "summary"]
FINDING_FIELDS = ["block", "cell", "rule", "severity", "description", "recommendation", "deadline"]
S = Finding.Status
PROSECUTOR_MOVES, EDITOR_MOVES, allowed_moves = (
    decisions.PROSECUTOR_MOVES,
    decisions.EDITOR_MOVES,
    decisions.allowed_moves,
)


def check_can_inspect(user: "User | AnonymousUser | None", facility: "Facility") -> None:
    """Raise PermissionDenied unless ``user`` is a prosecutor (or administrator) for the facility's region
    (facilities.decisions.check_may_record_inspection)."""
    facility_decisions.check_may_record_inspection(user, facility.region_id)


def _clean(instance: Inspection | Finding) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


@transaction.atomic
def save_inspection(*, user: "User", data: dict[str, Any], inspection: Inspection | None = None) -> Inspection:
    """Create or change an inspection (facility, dates, body, type, announced, lead inspector, summary).

    The facility (old and new) must be in the prosecutor's regions; the end is not before the start and
    neither date is in the future. Raises PermissionDenied, ValidationError. Returns the inspection.
    """
    if inspection is not None:
        check_can_inspect(user, inspection.facility)
        new_facility = data.get("facility")
        if new_facility is not None and new_facility.pk != inspection.facility_id and inspection.findings.exists():
            raise ValidationError(
                {"facility": [_("This inspection has findings about its facility; record a new inspection instead.")]}
            )
    inspection = inspection or Inspection(created_by=user)
    for name in INSPECTION_FIELDS:
        if name in data:
            setattr(inspection, name, data[name])
    if inspection.facility_id is None:
        raise ValidationError({"facility": [_("Choose the inspected facility.")]})
    facility_decisions.check_may_record_inspection(user)
    if not facility_decisions.may_record_inspection(user, inspection.facility.region_id):
        raise ValidationError({"facility": [_("This facility is outside your regions.")]})
    if inspection.type == Inspection.Type.UNANNOUNCED:
        inspection.announced = False
    errors = future_errors(date_start=inspection.date_start, date_end=inspection.date_end)
    if inspection.date_start and inspection.date_end and inspection.date_end < inspection.date_start:
        errors["date_end"] = [_("The end cannot be before the start.")]
    if errors:
        raise ValidationError(errors)
    _clean(inspection)
    inspection._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    inspection.save()
    return inspection


@transaction.atomic
def save_finding(
    *, user: "User", data: dict[str, Any], inspection: Inspection | None = None, finding: Finding | None = None
) -> Finding:
    """Add a finding to ``inspection`` or change ``finding`` (not its status: see change_finding_status).

    An optional block and cell must belong to the inspected facility (and the cell to the block); an
    optional rule is a StandardRule. Raises PermissionDenied, ValidationError. Returns the finding.
    """
    inspection = finding.inspection if finding is not None else inspection
    assert inspection is not None, "save_finding needs an inspection or a finding"
    check_can_inspect(user, inspection.facility)
    finding = finding or Finding(inspection=inspection)
    for name in FINDING_FIELDS:
        if name in data:
            setattr(finding, name, data[name])
    errors = {}
    if finding.deadline and finding.deadline < inspection.date_start:
        errors["deadline"] = [
            _("The deadline cannot be before the inspection (%(date)s).")
            % {"date": f"{inspection.date_start:%Y-%m-%d}"}
        ]
    if finding.block and finding.block.facility_id != inspection.facility_id:
        errors["block"] = [_("The block is not in the inspected facility.")]
    if finding.cell:
        if finding.cell.block.facility_id != inspection.facility_id:
            errors["cell"] = [_("The cell is not in the inspected facility.")]
        elif finding.block and finding.cell.block_id != finding.block_id:
            errors["cell"] = [_("The cell is not in the chosen block.")]
        elif not finding.block:
            finding.block = finding.cell.block
    if errors:
        raise ValidationError(errors)
    _clean(finding)
    finding._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    is_new = finding.pk is None
    finding.save()
    if is_new:
        FindingUpdate.objects.create(finding=finding, status=finding.status, response="finding recorded", author=user)
    return finding


@transaction.atomic
def change_finding_status(*, user: "User", finding: Finding, status: str, response: str = "") -> FindingUpdate:
    """Move ``finding`` to ``status`` with a response, logged in FindingUpdate, in one transaction.

    Resolving needs a response (what was done). Raises PermissionDenied (no move allowed to this user at
    all), ValidationError ``{"status": [...]}`` naming the allowed moves. Returns the FindingUpdate.
    """
    finding = Finding.objects.select_for_update().select_related("inspection__facility").get(pk=finding.pk)
    decisions.check_may_change_finding(user, finding)
    allowed = allowed_moves(user, finding)
    if status not in allowed:
        names = ", ".join(str(S(s).label) for s in allowed) or _("none")
        raise ValidationError(
            {
                "status": [
                    _("Cannot move this finding from %(current)s to %(new)s. Allowed: %(allowed)s.")
                    % {
                        "current": S(finding.status).label,
                        "new": S(status).label if status in S.values else status,
                        "allowed": names,
                    }
                ]
            }
        )
    if status == S.RESOLVED and not response.strip():
        raise ValidationError({"response": [_("Say what was done to resolve the finding.")]})
    if status in (S.REJECTED, S.OPEN) and not response.strip():
        raise ValidationError({"response": [_("Give the reason for rejecting or reopening the finding.")]})
    finding.status = status
    if status not in Finding.OPEN_STATUSES:
        finding.overdue_since = None
    finding._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    finding.save(update_fields=["status", "overdue_since"])
    return FindingUpdate.objects.create(finding=finding, status=status, response=response.strip(), author=user)


@transaction.atomic
def check_overdue(today: datetime.date | None = None) -> OverdueCheck:
    """Mark findings that became overdue (``overdue_since``), clear the mark of those no longer overdue,
    and record the counts. Idempotent for a given day. Returns the OverdueCheck."""
    today = today or timezone.localdate()
    overdue = Finding.objects.overdue(today)
    newly = list(overdue.filter(overdue_since__isnull=True))
    cleared = list(Finding.objects.exclude(pk__in=overdue.values("pk")).filter(overdue_since__isnull=False))
    for finding in newly:
        finding.overdue_since = today
    for finding in cleared:
        finding.overdue_since = None
    # History rows record the system (no user) and the reason, like any other change.
    bulk_update_with_history(newly + cleared, Finding, ["overdue_since"], default_change_reason="daily overdue check")
    return OverdueCheck.objects.create(date=today, overdue=overdue.count(), newly_overdue=len(newly))
