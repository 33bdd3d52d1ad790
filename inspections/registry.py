"""Writes of the registry of recommendations (docs/recommendations.md): source documents, recommendations of
every mechanism, their actions, progress reports with evidence, and the mechanisms' judgements.

Plain functions with keyword arguments, one transaction each, called by the pages, the API and the tests.
Each checks who may write (inspections.decisions, facilities.decisions) before anything else, locks the row
it changes (core.versioning.lock), checks the version the caller read (None: not stated; a stale one raises
core.versioning.StaleVersion and writes nothing), writes only the fields that change and records history
with the user. Bad input raises django ValidationError ``{field: [reason]}`` with nothing written.

A prosecutor's finding of an inspection is written by inspections.services (save_finding); its status by
inspections.services.change_finding_status, for every mechanism.
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.validators import future_errors
from core.versioning import assign, check_version, lock, save_changes
from facilities import decisions as facility_decisions
from facilities.mechanisms import Mechanism

from . import decisions
from .attachments import prepare as prepare_attachments
from .models import Action, Finding, FindingAttachment, FindingUpdate, Judgement, SourceDocument

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from .attachments import Prepared

SOURCE_FIELDS = ["mechanism", "reference", "date", "title", "title_ru", "title_kk", "url"]
PLACE_FIELDS = ["scope", "region", "facility", "block", "cell"]
TEXT_FIELDS = [
    "description",
    "description_ru",
    "description_kk",
    "recommendation",
    "recommendation_ru",
    "recommendation_kk",
]
RECOMMENDATION_FIELDS = [
    "source_document",
    "paragraph",
    "rule",
    "responsible_body",
    "severity",
    "deadline",
    *TEXT_FIELDS,
]
ACTION_FIELDS = ["description", "description_ru", "description_kk", "owner", "due_date", "status", "completed_on"]
S = Finding.Scope


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    """``full_clean`` with the errors as ``{field: [reason]}``."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _values(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


# ---------------------------------------------------------------------------------------------------
# Source documents


@transaction.atomic
def save_source_document(
    *, user: Any, data: dict[str, Any], document: SourceDocument | None = None, version: int | None = None
) -> SourceDocument:
    """Create a source document (``data``: mechanism, reference, date, title, title_ru, title_kk, url), or
    change the fields of ``document`` that ``data`` names (never its mechanism).

    Only whoever records the mechanism's recommendations (inspections.decisions.may_record_source_document)
    writes it. The date is not in the future; (mechanism, reference) is unique. Raises PermissionDenied,
    StaleVersion, ValidationError ``{field: [reason]}``. Returns the document as stored."""
    values = _values(data, SOURCE_FIELDS)
    if document is not None:
        document = lock(SourceDocument, document.pk)
        decisions.check_may_record_source_document(user, document.mechanism)
        check_version(document, version)
        if values.get("mechanism", document.mechanism) != document.mechanism:
            raise ValidationError({"mechanism": [_("A source document keeps its mechanism.")]})
        changed = assign(document, values)
    else:
        mechanism = values.get("mechanism") or ""
        if mechanism not in Mechanism.values:
            raise ValidationError({"mechanism": [_("Choose the mechanism whose document this is.")]})
        decisions.check_may_record_source_document(user, mechanism)
        document = SourceDocument()
        changed = assign(document, values)
    errors = future_errors(date=document.date) if document.date else {}
    if errors:
        raise ValidationError(errors)
    if document.pk is None:
        _clean(document)
        document._history_user = user  # read by django-simple-history
        document.save()
    elif changed:
        _clean(document)
        save_changes(document, changed, user=user)
    return document


# ---------------------------------------------------------------------------------------------------
# Recommendations


def _place(finding: Finding, data: dict[str, Any]) -> list[str]:
    """Set the finding's scope and place from ``data`` (scope with the region, facility, block or cell it
    needs; the others must be empty) and return the place fields that changed. Raises ValidationError."""
    scope = data.get("scope") or ""
    region, facility, block, cell = (data.get(name) for name in ("region", "facility", "block", "cell"))
    errors: dict[str, list[str]] = {}
    needs: dict[str, str] = {S.REGION: "region", S.FACILITY: "facility", S.BLOCK: "block", S.CELL: "cell"}
    if scope not in S.values:
        raise ValidationError({"scope": [_("Choose the scope: the nation, a region, a facility, a block or a cell.")]})
    if scope in needs and data.get(needs[scope]) is None:
        errors[needs[scope]] = [_("A recommendation of this scope needs its %(place)s.") % {"place": S(scope).label}]
    depth = list(S.values).index(scope)
    for name, level in (("region", 1), ("facility", 2), ("block", 3), ("cell", 4)):
        value = data.get(name)
        if value is None or depth >= level or name in errors:
            continue
        errors[name] = [_("Not part of a recommendation of this scope (%(scope)s).") % {"scope": S(scope).label}]
    if cell is not None and block is not None and cell.block_id != block.pk:
        errors["cell"] = [_("The cell is not in the chosen block.")]
    if cell is not None:
        block = cell.block
    if block is not None and facility is not None and block.facility_id != facility.pk:
        errors["block"] = [_("The block is not in the chosen facility.")]
    if block is not None:
        facility = block.facility
    if facility is not None and region is not None and facility.region_id != region.pk:
        errors["facility"] = [_("The facility is not in the chosen region.")]
    if errors:
        raise ValidationError(errors)
    if depth < 2:
        facility = None
    if depth < 1:
        region = None
    place = {
        "region": facility.region if facility is not None else region,
        "facility": facility,
        "block": block if depth >= 3 else None,
        "cell": cell if depth >= 4 else None,
    }
    changed = assign(finding, place)
    finding.place_scope()
    return changed + (["scope"] if "scope" not in changed else [])


def _outside(user: Any, mechanism: str, finding: Finding) -> None:
    """Raise ValidationError on the place field when the recommendation's scope is outside the user's."""
    if facility_decisions.may_record_recommendation(user, mechanism, finding.region_id):
        return
    field = "scope" if finding.region_id is None else ("facility" if finding.facility_id else "region")
    if finding.region_id is None:
        message = _("Only a user with the national scope records national recommendations.")
    else:
        message = _("This place is outside your regions.")
    raise ValidationError({field: [message]})


def _check_texts(finding: Finding) -> None:
    errors: dict[str, list[str]] = {}
    if not (finding.description or "").strip():
        errors["description"] = [_("Say what the recommendation is about.")]
    # The deadline against the source document: Finding.clean (full_clean, for the import too).
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_recommendation(
    *,
    user: Any,
    data: dict[str, Any],
    finding: Finding | None = None,
    version: int | None = None,
    new_source_document: dict[str, Any] | None = None,
) -> Finding:
    """Record a recommendation of a mechanism from its source document, or change the fields of ``finding``
    (a recommendation from a source document, not an inspection's finding) that ``data`` names.

    ``data``: ``mechanism`` (new ones only; a recommendation keeps it), ``source_document`` (a
    SourceDocument of that mechanism; or ``new_source_document``, the fields of save_source_document,
    created in the same transaction), ``paragraph``, the place (``scope`` with the ``region``, ``facility``,
    ``block`` or ``cell`` it needs; an edit that sends any place field sends the whole place), ``rule``,
    ``responsible_body``, ``severity``, the description and recommendation in en/ru/kk, ``deadline`` (not
    before the document's date).

    Who: the mechanism that makes it, in its scope (facilities.decisions.may_record_recommendation;
    administrators all). A user who records no recommendation of the mechanism: PermissionDenied; a place
    outside their scope: ValidationError on the place field. Raises StaleVersion, ValidationError
    ``{field: [reason]}``. Returns the recommendation as stored."""
    values = _values(data, RECOMMENDATION_FIELDS)
    facility_decisions.check_may_record_recommendation(user)
    if finding is not None:
        finding = lock(Finding.objects.select_related("source_document"), finding.pk)
        if finding.inspection_id is not None:
            raise ValidationError(
                {"inspection": [_("A finding of an inspection is edited with its inspection's finding form.")]}
            )
        if not decisions.may_edit_recommendation(user, finding):
            raise PermissionDenied(
                _("You record only your own mechanism's recommendations, in the regions of your responsibility.")
            )
        check_version(finding, version)
        mechanism = finding.mechanism
        if data.get("mechanism", mechanism) != mechanism:
            raise ValidationError({"mechanism": [_("A recommendation keeps its mechanism.")]})
    else:
        mechanism = data.get("mechanism") or ""
        if mechanism not in Mechanism.values:
            raise ValidationError({"mechanism": [_("Choose the mechanism that made the recommendation.")]})
        if not decisions.may_record_source_document(user, mechanism):
            raise PermissionDenied(
                _("You record only your own mechanism's recommendations, in the regions of your responsibility.")
            )
        finding = Finding(mechanism=mechanism)
    if new_source_document is not None:
        values["source_document"] = save_source_document(
            user=user, data={**new_source_document, "mechanism": mechanism}
        )
    changed = assign(finding, values)
    document = finding.source_document if finding.source_document_id else None
    if document is None:
        raise ValidationError({"source_document": [_("Choose or record the source document.")]})
    if document.mechanism != mechanism:
        raise ValidationError({"source_document": [_("The source document is another mechanism's.")]})
    is_new = finding.pk is None
    if is_new or any(name in data for name in PLACE_FIELDS):
        changed += _place(finding, data)
    _outside(user, mechanism, finding)
    _check_texts(finding)
    _clean(finding, exclude=["inspection"])
    if is_new:
        finding._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
        finding.save()
        FindingUpdate.objects.create(
            finding=finding, status=finding.status, response="recommendation recorded", author=user
        )
    elif changed:
        save_changes(finding, changed, user=user)
    return finding


def check_may_edit_finding(user: Any, finding: Finding) -> None:
    """Raise PermissionDenied unless ``user`` edits ``finding`` (inspections.decisions.may_edit_recommendation:
    an inspection's finding, its prosecutors; a mechanism's recommendation, that mechanism in its scope)."""
    if finding.inspection_id is not None:  # as inspections.services.check_can_inspect
        facility_decisions.check_may_record_inspection(user, finding.region_id)
    elif not decisions.may_edit_recommendation(user, finding):
        raise PermissionDenied(
            _("You record only your own mechanism's recommendations, in the regions of your responsibility.")
        )


# ---------------------------------------------------------------------------------------------------
# Actions and progress


def _check_action(action: Action) -> None:
    errors = future_errors(completed_on=action.completed_on) if action.completed_on else {}
    if action.status == Action.Status.DONE and action.completed_on is None:
        errors["completed_on"] = [_("Say when the action was done.")]
    if action.status != Action.Status.DONE and action.completed_on is not None:
        errors["completed_on"] = [_("Only a done action has a completion date.")]
    if not (action.owner or "").strip():
        errors["owner"] = [_("Name the unit or post that owns the action.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_action(
    *,
    user: Any,
    data: dict[str, Any],
    finding: Finding | None = None,
    action: Action | None = None,
    version: int | None = None,
) -> Action:
    """Add an action to ``finding`` or change the fields of ``action`` that ``data`` names (description in
    en/ru/kk, owner: a unit or post, due_date, status: planned, in progress, done, cancelled, completed_on:
    needed by a done action and only by it, not in the future).

    Who: the responsible body (inspections.decisions.may_edit_actions: editors of the region,
    administrators; a national recommendation, users with the national scope). Raises PermissionDenied,
    StaleVersion, ValidationError ``{field: [reason]}``. Returns the action as stored."""
    values = _values(data, ACTION_FIELDS)
    if action is not None:
        action = lock(Action.objects.select_related("finding"), action.pk)
        decisions.check_may_edit_actions(user, action.finding)
        check_version(action, version)
        changed = assign(action, values)
    else:
        assert finding is not None, "save_action needs a finding or an action"
        decisions.check_may_edit_actions(user, finding)
        action = Action(finding=finding, created_by=user if getattr(user, "pk", None) else None)
        changed = assign(action, values)
    if action.status == Action.Status.DONE and action.completed_on is None and "completed_on" not in data:
        action.completed_on = timezone.localdate()
        changed.append("completed_on")
    _check_action(action)
    _clean(action, exclude=["finding"])
    if action.pk is None:
        action._history_user = user  # read by django-simple-history
        action.save()
    elif changed:
        save_changes(action, changed, user=user)
    return action


def _store_attachments(
    *, user: Any, finding: Finding, update: FindingUpdate, prepared: "Iterable[Prepared]", public: bool
) -> list[FindingAttachment]:
    return FindingAttachment.objects.bulk_create(
        FindingAttachment(
            finding=finding,
            update=update,
            name=file.name,
            content_type=file.content_type,
            size=len(file.content),
            content=file.content,
            public=public,
            uploaded_by=user if getattr(user, "pk", None) else None,
        )
        for file in prepared
    )


@transaction.atomic
def report_progress(
    *,
    user: Any,
    action: Action,
    response: str,
    status: str | None = None,
    completed_on: datetime.date | None = None,
    attachments: "Iterable[UploadedFile]" = (),
    public: bool = False,
    version: int | None = None,
) -> FindingUpdate:
    """Report progress on ``action``: ``response`` (what was done, required), optionally the action's new
    ``status`` (with ``completed_on`` for done: default today), and evidence (``attachments``: JPEG, PNG,
    PDF, checked and stripped of metadata by inspections.attachments.prepare before anything is written),
    each marked ``public`` (shown on the public site) or private. ``version``: the action's version read.

    Logged as a FindingUpdate of the action's recommendation (at the recommendation's current status: a
    report never moves it). Who: the responsible body (inspections.decisions.may_edit_actions). Raises
    PermissionDenied, StaleVersion, ValidationError ``{"response" | "status" | "completed_on" |
    "attachments": [reason]}``. Returns the FindingUpdate."""
    action = lock(Action.objects.select_related("finding"), action.pk)
    finding = action.finding
    decisions.check_may_edit_actions(user, finding)
    check_version(action, version)
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": [_("Say what was done.")]})
    if status is not None and status not in Action.Status.values:
        raise ValidationError({"status": [_("Choose the status of the action.")]})
    values: dict[str, Any] = {}
    if status:
        values["status"] = status
        if status == Action.Status.DONE:
            values["completed_on"] = completed_on or action.completed_on or timezone.localdate()
        else:
            values["completed_on"] = None
    changed = assign(action, values)
    _check_action(action)
    update = FindingUpdate(finding=finding, action=action, status=finding.status, response=response, author=user)
    _clean(update, exclude=["finding", "action", "author", "evidence"])
    prepared = prepare_attachments(attachments)  # bad files are refused before anything is written
    save_changes(action, changed, user=user, reason=response[:100])
    update.save()
    _store_attachments(user=user, finding=finding, update=update, prepared=prepared, public=public)
    return update


@transaction.atomic
def set_attachment_public(*, user: Any, attachment: FindingAttachment, public: bool) -> FindingAttachment:
    """Mark ``attachment`` public (shown on the public site beside the recommendation's judgement, never its
    file name) or private. Who: the responsible body (inspections.decisions.may_edit_actions). Raises
    PermissionDenied. Returns the attachment."""
    attachment = lock(FindingAttachment.objects.select_related("finding").defer("content"), attachment.pk)
    decisions.check_may_edit_actions(user, attachment.finding)
    if attachment.public != public:
        attachment.public = public
        attachment.save(update_fields=["public"])
    return attachment


# ---------------------------------------------------------------------------------------------------
# Judgements


@transaction.atomic
def record_judgement(
    *,
    user: Any,
    finding: Finding,
    judgement: str,
    follow_up_date: datetime.date | None,
    note: str = "",
    version: int | None = None,
) -> Judgement:
    """Record the judgement of ``finding``'s implementation (achieved, partially achieved, not achieved, no
    longer applicable: HM Inspectorate of Prisons' scale) at the follow-up of ``follow_up_date`` (not in the
    future, not before the source document or the inspection), and set Finding.judgement and judged_on
    from the latest judgement (by follow-up date), in one transaction.

    Who: only the mechanism that made the recommendation, in its scope (inspections.decisions.may_judge:
    facilities.decisions.may_record_recommendation). Locks the finding and checks ``version`` (the
    finding's version read). Raises PermissionDenied, StaleVersion, ValidationError ``{"judgement" |
    "follow_up_date" | "note": [reason]}``. Returns the Judgement."""
    finding = lock(Finding.objects.select_related("source_document", "inspection"), finding.pk)
    decisions.check_may_judge(user, finding)
    check_version(finding, version)
    errors: dict[str, list[str]] = {}
    if judgement not in Finding.Judgement.values:
        errors["judgement"] = [
            _("Choose the judgement: achieved, partially achieved, not achieved or no longer applicable.")
        ]
    if follow_up_date is None:
        errors["follow_up_date"] = [_("Give the date of the follow-up.")]
    else:
        errors.update(future_errors(follow_up_date=follow_up_date))
        made = finding.source_document.date if finding.source_document is not None else None
        if finding.inspection is not None:
            made = finding.inspection.date_start
        if made and follow_up_date < made and "follow_up_date" not in errors:
            errors["follow_up_date"] = [
                _("The follow-up cannot be before the recommendation (%(date)s).") % {"date": f"{made:%Y-%m-%d}"}
            ]
    if errors or follow_up_date is None:
        raise ValidationError(errors)
    record = Judgement(
        finding=finding,
        mechanism=finding.mechanism,
        judgement=judgement,
        follow_up_date=follow_up_date,
        note=(note or "").strip(),
        author=user if getattr(user, "pk", None) else None,
    )
    _clean(record, exclude=["finding", "author"])
    record.save()
    latest = finding.judgements.order_by("-follow_up_date", "-created_at", "-id").first()
    assert latest is not None
    changed = assign(finding, {"judgement": latest.judgement, "judged_on": latest.follow_up_date})
    reason = _("judgement: %(judgement)s") % {"judgement": Finding.Judgement(judgement).label}
    save_changes(finding, changed or ["judged_on"], user=user, reason=reason[:100])
    return record
