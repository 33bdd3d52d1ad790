"""Writes of the inspections app: inspections, findings, their status workflow, the overdue check."""

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.exceptions import ConflictError
from core.validators import future_errors
from core.versioning import assign, check_version, lock, save_changes
from facilities import decisions as facility_decisions
from facilities.mechanisms import Mechanism

from . import decisions
from .attachments import prepare as prepare_attachments
from .evidence import finding_evidence, refusal
from .models import Finding, FindingAttachment, FindingUpdate, Inspection, OverdueCheck

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser, User
    from django.core.files.uploadedfile import UploadedFile

    from facilities.models import Facility

INSPECTION_FIELDS = ["facility", "date_start", "date_end", "body", "type", "lead_inspector", "summary"]
FINDING_FIELDS = ["block", "cell", "rule", "severity", "description", "recommendation", "deadline", "responsible_body"]
S = Finding.Status
PROSECUTOR_MOVES, EDITOR_MOVES, allowed_moves = (
    decisions.PROSECUTOR_MOVES,
    decisions.EDITOR_MOVES,
    decisions.allowed_moves,
)


# The mechanism of an inspection's findings, from the inspecting body (inspections.models.Inspection.Body).
MECHANISM_OF_BODY: dict[str, str] = {
    Inspection.Body.PROSECUTOR: Mechanism.PROSECUTOR,
    Inspection.Body.NPM: Mechanism.NPM,
    Inspection.Body.PUBLIC_MONITORING: Mechanism.PUBLIC_MONITORING,
    Inspection.Body.MINISTRY: Mechanism.MINISTRY,
}


def check_can_inspect(user: "User | AnonymousUser | None", facility: "Facility") -> None:
    """Raise PermissionDenied unless ``user`` is a prosecutor (or administrator) for the facility's region
    (facilities.decisions.check_may_record_inspection)."""
    facility_decisions.check_may_record_inspection(user, facility.region_id)


def _clean(instance: Inspection | Finding) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _values(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The values of ``data`` for the writable ``names`` (a field the caller did not send is left alone)."""
    return {name: data[name] for name in names if name in data}


@transaction.atomic
def save_inspection(
    *, user: "User", data: dict[str, Any], inspection: Inspection | None = None, version: int | None = None
) -> Inspection:
    """Create an inspection, or change the fields of ``inspection`` that ``data`` names (facility, dates,
    body, type (whether it was announced follows from it), lead inspector, summary; a field not in ``data`` is left as stored).

    A change locks the row (core.versioning.lock), checks ``version`` (the version the caller read; None:
    not stated) and writes only the fields whose value changes (``update_fields``), so two edits of
    different fields both stay. The facility (old and new) must be in the prosecutor's regions; the end is
    not before the start and neither date is in the future. Raises PermissionDenied,
    core.versioning.StaleVersion, ValidationError ``{field: [reason]}``. Returns the inspection (as stored).
    """
    values = _values(data, INSPECTION_FIELDS)
    if inspection is not None:
        inspection = lock(Inspection.objects.select_related("facility"), inspection.pk)
        check_can_inspect(user, inspection.facility)
        check_version(inspection, version)
        new_facility = values.get("facility")
        if new_facility is not None and new_facility.pk != inspection.facility_id and inspection.findings.exists():
            raise ValidationError(
                {"facility": [_("This inspection has findings about its facility; record a new inspection instead.")]}
            )
        is_new = False
    else:
        inspection = Inspection(created_by=user)
        is_new = True
    changed = assign(inspection, values)
    if inspection.facility_id is None:
        raise ValidationError({"facility": [_("Choose the inspected facility.")]})
    facility_decisions.check_may_record_inspection(user)
    if not facility_decisions.may_record_inspection(user, inspection.facility.region_id):
        raise ValidationError({"facility": [_("This facility is outside your regions.")]})
    errors = future_errors(date_start=inspection.date_start, date_end=inspection.date_end)
    if inspection.date_start and inspection.date_end and inspection.date_end < inspection.date_start:
        errors["date_end"] = [_("The end cannot be before the start.")]
    if errors:
        raise ValidationError(errors)
    if is_new:
        _clean(inspection)
        inspection._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
        inspection.save()
    elif changed:
        _clean(inspection)
        save_changes(inspection, changed, user=user)
    return inspection


def _check_finding(finding: Finding, inspection: Inspection) -> None:
    """The finding's block, cell and deadline against its inspection (raises ValidationError); a cell
    without a block gives the finding the cell's block."""
    errors = {}
    if not finding.severity:
        errors["severity"] = [_("An inspection's finding needs its severity.")]
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


@transaction.atomic
def save_finding(
    *,
    user: "User",
    data: dict[str, Any],
    inspection: Inspection | None = None,
    finding: Finding | None = None,
    version: int | None = None,
) -> Finding:
    """Add a finding to ``inspection``, or change the fields of ``finding`` that ``data`` names (block,
    cell, rule, severity, description, recommendation, deadline). Never its status: that is
    change_finding_status's, so an edit of the description while the finding is moved keeps the move.

    A change locks the row, checks ``version`` (the version the caller read; None: not stated) and writes
    only the fields whose value changes (``update_fields``). An optional block and cell must belong to the
    inspected facility (and the cell to the block); an optional rule is a StandardRule. Raises
    PermissionDenied, core.versioning.StaleVersion, ValidationError ``{field: [reason]}``. Returns the
    finding (as stored).
    """
    values = _values(data, FINDING_FIELDS)
    if finding is not None:
        finding = lock(Finding.objects.select_related("inspection__facility"), finding.pk)
        inspection = finding.inspection
        if inspection is None:  # a mechanism's recommendation: inspections.registry.save_recommendation
            raise ValidationError(
                {"inspection": [_("This recommendation has no inspection; edit it as a recommendation.")]}
            )
        check_can_inspect(user, inspection.facility)
        check_version(finding, version)
        changed = assign(finding, values)
        had_block = finding.block_id
        _check_finding(finding, inspection)
        if finding.block_id != had_block:
            changed.append("block")
        if changed:
            _clean(finding)
            save_changes(finding, changed, user=user)
        return finding
    assert inspection is not None, "save_finding needs an inspection or a finding"
    check_can_inspect(user, inspection.facility)
    finding = Finding(inspection=inspection, mechanism=MECHANISM_OF_BODY.get(inspection.body, Mechanism.PROSECUTOR))
    assign(finding, values)
    _check_finding(finding, inspection)
    finding.place_scope()  # before full_clean: the scope constraint
    _clean(finding)
    finding._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    finding.save()
    FindingUpdate.objects.create(finding=finding, status=finding.status, response="finding recorded", author=user)
    return finding


def _already(finding: Finding, status: str) -> ConflictError:
    """The refusal of a move to the status the finding already has (a concurrent duplicate): who moved it
    there and when, from its log."""
    last = finding.updates.filter(status=status).select_related("author").order_by("-created_at", "-id").first()
    who = last.author.get_username() if last is not None and last.author else _("the system")
    when = f"{timezone.localtime(last.created_at):%Y-%m-%d %H:%M}" if last is not None else "?"
    return ConflictError(
        _("This finding is already %(status)s (moved by %(user)s at %(date)s). Nothing was saved.")
        % {"status": S(status).label, "user": who, "date": when},
        finding.version,
    )


@transaction.atomic
def change_finding_status(
    *,
    user: "User",
    finding: Finding,
    status: str,
    response: str = "",
    version: int | None = None,
    override_reason: str = "",
    attachments: "Iterable[UploadedFile]" = (),
    attachments_public: bool = False,
) -> FindingUpdate:
    """Move ``finding`` to ``status`` with a response, logged in FindingUpdate, in one transaction: the
    finding state machine, the only writer of a finding's status (inspections.decisions).

    Locks the row and checks ``version`` (the version the caller read; None: not stated); writes only
    ``status`` (and ``overdue_since`` when it clears), with the response as the history's change reason.
    Resolving needs a response (what was done); rejecting and reopening need the reason.

    Verifying is checked against the evidence (inspections.evidence.finding_evidence): while the cited
    rule still fails for the cited cell or block it is refused, naming the rule, the measured value, the
    requirement and the date of the evaluation, unless ``override_reason`` says why (recorded on the
    FindingUpdate; ignored, and not recorded, when nothing is overridden). A verification records the
    evidence it was made against (FindingUpdate.evidence). ``attachments`` (uploaded files, the
    response's photos and scans) are checked and stripped of metadata by inspections.attachments.prepare
    before anything is written, and stored with the update, marked public (``attachments_public``: shown
    on the public site) or private.

    Raises PermissionDenied (no move allowed to this user at all), core.versioning.StaleVersion,
    ConflictError (the finding is already at ``status``: a concurrent duplicate move; nothing written),
    ValidationError ``{"status": [...]}`` naming the allowed moves or the failing rule, ``{"response":
    [...]}``, ``{"attachments": [...]}``. Returns the FindingUpdate.
    """
    finding = lock(Finding.objects.select_related("inspection__facility"), finding.pk)
    decisions.check_may_change_finding(user, finding)
    check_version(finding, version)
    if status == finding.status:
        raise _already(finding, status)
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
    response = response.strip()
    if status == S.RESOLVED and not response:
        raise ValidationError({"response": [_("Say what was done to resolve the finding.")]})
    if status in (S.REJECTED, S.OPEN) and not response:
        raise ValidationError({"response": [_("Give the reason for rejecting or reopening the finding.")]})
    prepared = prepare_attachments(attachments)
    override_reason = override_reason.strip()
    evidence = None
    if status == S.VERIFIED:
        evidence = finding_evidence(finding)
        if evidence is not None and evidence.fails:
            if not override_reason:
                raise ValidationError({"status": [refusal(evidence)]})
        else:
            override_reason = ""
    else:
        override_reason = ""
    if override_reason:
        _clean_text(FindingUpdate, "override_reason", override_reason)
    values: dict[str, Any] = {"status": status}
    if status not in Finding.OPEN_STATUSES:
        values["overdue_since"] = None
    changed = assign(finding, values)
    reason = response or str(S(status).label)
    if override_reason:
        reason = _("verified with an override: %(reason)s") % {"reason": override_reason}
    save_changes(finding, changed, user=user, reason=reason[:100])
    update = FindingUpdate.objects.create(
        finding=finding,
        status=status,
        response=response,
        override_reason=override_reason,
        evidence=evidence.as_dict() if evidence is not None else None,
        author=user,
    )
    FindingAttachment.objects.bulk_create(
        FindingAttachment(
            finding=finding,
            update=update,
            name=file.name,
            content_type=file.content_type,
            size=len(file.content),
            content=file.content,
            public=attachments_public,
            uploaded_by=user,
        )
        for file in prepared
    )
    return update


def _clean_text(model: type[models.Model], name: str, value: str) -> None:
    """Run the validators of ``model``'s text field ``name`` on ``value`` (core.bounds.FREE_TEXT: length,
    characters). Raises ValidationError ``{name: [reason]}``."""
    try:
        text = model._meta.get_field(name)
        assert isinstance(text, models.Field)
        text.clean(value, None)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from None


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
