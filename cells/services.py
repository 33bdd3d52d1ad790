"""Writes of the cells app: loading the standards, and writes to cells (registration, measurements,
headcounts, the conversion of a block), each scheduling the recompute of its facilities.

The compliance run itself is cells.compliance.run (recalculate_compliance, re-exported here); the task
that runs it and schedule_recalculation are in cells.tasks."""

import datetime
import json
import logging
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from core.exceptions import AlreadyDone
from core.i18n import localised, translations
from core.sync import SyncCounts, sync_rows
from core.validators import future_message, identity_key, is_in_future, is_older_count, older_count_message
from core.versioning import assign, check_version, lock, lock_table_for_writes, save_changes
from facilities import decisions
from facilities.models import AccommodationType, ConversionProject, ResidentialBlock
from facilities.services import check_can_edit_project, record_progress

from . import bounds
from .compliance.rules import METRICS
from .compliance.run import RUN_LOCK, SKIPPED_MESSAGE, recalculate_compliance
from .models import Cell, CertificationLine, CertificationRequest, StandardProfile, StandardRule
from .tasks import schedule_recalculation

__all__ = ["RUN_LOCK", "SKIPPED_MESSAGE", "recalculate_compliance", "schedule_recalculation"]  # re-exported

logger = logging.getLogger(__name__)

STANDARDS_PATH = Path(settings.BASE_DIR) / "data" / "standards.json"

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@transaction.atomic
def load_standards(path: Path = STANDARDS_PATH) -> SyncCounts:
    """Create or update the standard profiles and rules from ``data/standards.json``.

    A profile's ``is_active`` is set from ``active_by_default`` only when the profile is created, so an
    administrator's choice survives a reload. Rules missing from the file are left alone.
    Raises ValueError for a rule whose metric the engine does not know.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    existing_active = dict(StandardProfile.objects.values_list("code", "is_active"))
    profile_rows = []
    for position, profile in enumerate(data["profiles"]):
        profile_rows.append(
            {
                "code": profile["code"],
                "title": profile["title"],
                "reference": profile["reference"],
                "verified": bool(profile["verified"]),
                "verification_note": profile.get("verification_note", ""),
                **translations(profile, ("title", "reference", "verification_note")),
                "language_sources": profile.get("language_sources", {}),
                "is_active": existing_active.get(profile["code"], profile.get("active_by_default", True)),
                "position": position,
            }
        )
    counts = sync_rows(StandardProfile, ("code",), profile_rows)
    rule_rows = []
    for profile in data["profiles"]:
        profile_obj = counts.objects[(profile["code"],)]
        for position, rule in enumerate(profile["rules"]):
            if rule["metric"] not in METRICS:
                raise ValueError(f"Rule {rule['code']}: unknown metric {rule['metric']!r}")
            rule_rows.append(
                {
                    "profile_id": profile_obj.pk,
                    "code": rule["code"],
                    "metric": rule["metric"],
                    "operator": rule["operator"],
                    "value": rule["value"],
                    "unit": rule.get("unit", ""),
                    "applies_to": list(rule["applies_to"]),
                    "source": rule["source"],
                    "summary": rule.get("summary", ""),
                    **translations(rule, ("source", "summary")),
                    "position": position,
                }
            )
    return counts + sync_rows(StandardRule, ("code",), rule_rows)


# ---------------------------------------------------------------------------------------------------
# Writes to cells: registration, measurements, headcounts, and the conversion of a block.

CELL_FIELDS = list(Cell.WRITABLE_FIELDS)
NEW_CELL_FIELDS = [
    "number",
    "living_space_m2",
    "has_sanitary_annex",
    "sanitary_annex_partitioned",
    "min_wall_distance_m",
    "ceiling_height_m",
    "has_natural_light",
    "occupancy",
]


def check_can_edit_cells(user: "User | AnonymousUser", cell: Cell | None = None) -> None:
    """Raise PermissionDenied unless ``user`` edits cells (ministry editor, administrator) and, for an
    existing ``cell``, in its region (facilities.decisions.check_may_edit_cells)."""
    decisions.check_may_edit_cells(user, cell.block.facility.region_id if cell is not None else None)


def _check_block_editable(user: "User | AnonymousUser", block: ResidentialBlock, field: str = "block") -> None:
    check_can_edit_cells(user)
    if not decisions.may_edit_cells(user, block.facility.region_id):
        raise ValidationError({field: [_("This block is outside your regions.")]})


COUNT_FIELDS = ("occupancy", "occupancy_date")


def count_by_headcount_message() -> str:
    """The one message of a count sent with an edit of a stored cell."""
    return _(
        "The count is recorded only as a headcount (PATCH /api/v1/cells/<id>/headcount/ or a headcounts "
        "import), never by an edit of the cell."
    )


def decommissioned_message() -> str:
    """The one message of an edit that would put a decommissioned room or cell back into use."""
    return _(
        "This room or cell is decommissioned (its block was converted): an edit cannot put it back into use or "
        "under reconstruction."
    )


# The facts of a cell on the record (Cell.CERTIFIED_STATUSES) that only an approved certification request
# changes (cells.certification.approve; issue 17, item 3).
CERTIFIED_FIELDS = ("certified_capacity", "accommodation_type", "has_sanitary_annex")
# The statuses that only a service sets or leaves: a certification request (draft -> in use, decommissioning),
# a deactivation and a reactivation (cells.deactivation). An edit moves a cell between in use and under
# reconstruction only.
SERVICE_STATUSES = (Cell.Status.DRAFT, Cell.Status.DEACTIVATED, Cell.Status.DECOMMISSIONED)


def by_certification_message() -> str:
    """The one message of an edit or import that would change a certified fact (CERTIFIED_FIELDS) of a
    cell on the record."""
    return _(
        "A change of the certified capacity, the accommodation type or the sanitary annex of a cell on the "
        "record goes through a certification request."
    )


def status_by_service_message() -> str:
    """The one message of an edit or import that would set or leave a status owned by a service
    (SERVICE_STATUSES)."""
    return _(
        "Only a certification request brings a draft into use or decommissions a cell, and only taking it out of "
        "use and bringing it back (POST /api/v1/cells/<id>/deactivate/, .../reactivate/) changes that status: an "
        "edit moves a cell between in use and under reconstruction only."
    )


def draft_message() -> str:
    """The one message of a new cell: registered as a draft, counted nowhere until certified."""
    return _(
        "A new cell is registered as a draft (counted nowhere, no certified places); request its certification "
        "to bring it into use."
    )


def on_pending_request_message(cell: Cell, request_id: int) -> str:
    """The one message of a change of a draft cell named by a pending certification request."""
    return _(
        "Cell %(number)s is on pending certification request #%(request)s: it cannot be changed until the "
        "request is decided or withdrawn."
    ) % {"number": cell.number, "request": request_id}


def _differs(cell: Cell, name: str, value: object) -> bool:
    if name == "block":
        return getattr(value, "pk", value) != cell.block_id
    return value != getattr(cell, name)


def check_cell_change(cell: Cell, values: dict, *, edit: bool, allow_older: bool = False) -> None:
    """The rules of a change of ``cell`` (stored, not yet changed) to ``values`` (``block`` and any of
    CELL_FIELDS), before they are applied; the one place of these rules (docs/architecture.md, §How a write
    works, step 4; issue 17, item 3):

    - Certified facts: the certified capacity, the accommodation type and the sanitary annex
      (CERTIFIED_FIELDS) of a cell on the record (Cell.CERTIFIED_STATUSES) change only through a certification
      request (by_certification_message), by an edit or an import alike. Certified capacity is never
      written by either (not in CELL_FIELDS).
    - Statuses: a decommissioned room or cell keeps that status (decommissioned_message); draft, deactivated
      and decommissioned are set and left only by their services (SERVICE_STATUSES:
      status_by_service_message): an edit or import moves a cell between in use and under reconstruction.
    - A draft cell is freely edited, unless it is on a pending certification request
      (CertificationLine ``pending``): then nothing of it changes (on_pending_request_message).
    - Its count (``occupancy``, ``occupancy_date``) changes only through the headcount rules: an ``edit``
      (save_cell: the API's PATCH/PUT, the page) may not change it at all (count_by_headcount_message); a
      register import of the cell survey (``edit`` False) may, as a headcount (check_headcount: dated, not in
      the future, not older than the stored count unless ``allow_older``).

    Raises ValidationError ``{field: [reason]}``."""
    changed = [name for name, value in values.items() if _differs(cell, name, value)]
    errors = _record_errors(cell, values, changed)
    counted = [name for name in COUNT_FIELDS if name in changed]
    if counted and edit:
        errors.update({name: [count_by_headcount_message()] for name in counted})
    if errors:
        raise ValidationError(errors)
    if counted:
        check_headcount(
            cell, values.get("occupancy", cell.occupancy), values.get("occupancy_date"), allow_older=allow_older
        )


def _record_errors(cell: Cell, values: dict, changed: list[str]) -> dict[str, list[str]]:
    """check_cell_change's rules of the record (certified facts, the services' statuses, a draft on a pending
    request) for the ``changed`` names of ``values``: ``{field: [reason]}``, empty when none is broken."""
    errors: dict[str, list[str]] = {}
    if cell.status in Cell.CERTIFIED_STATUSES:
        errors.update({name: [by_certification_message()] for name in CERTIFIED_FIELDS if name in changed})
    elif "certified_capacity" in changed:
        errors["certified_capacity"] = [by_certification_message()]
    if "status" in changed:
        if cell.status == Cell.Status.DECOMMISSIONED:
            errors["status"] = [decommissioned_message()]
        elif cell.status in SERVICE_STATUSES or values["status"] in SERVICE_STATUSES:
            errors["status"] = [status_by_service_message()]
    if cell.status == Cell.Status.DRAFT and cell.pk is not None and changed:
        pending = CertificationLine.objects.filter(cell_id=cell.pk, pending=True).values_list("request_id", flat=True)
        request_id = pending.first()
        if request_id is not None:
            errors.setdefault("__all__", []).append(on_pending_request_message(cell, request_id))
    return errors


def _number_taken(block: ResidentialBlock, cell: Cell) -> bool:
    """Whether another cell of ``block`` has ``cell``'s number under core.validators.identity_key (``s-1`` is
    S-1), the rule the imports match numbers by, so that no two cells of a block can be told apart by letter
    case alone."""
    key = identity_key(cell.number)
    others = Cell.objects.filter(block=block).exclude(pk=cell.pk).values_list("number", flat=True)
    return any(identity_key(number) == key for number in others.iterator())


def prepare_cell(
    *, user: "User", data: dict, cell: Cell | None = None, check_unique: bool = True, allow_older: bool = False
) -> Cell:
    """Apply ``data`` to ``cell`` (a new Cell when None) and validate it, without saving: the rules every
    write path of a cell shares (the page, the API, the import).

    ``data`` holds ``block`` (a ResidentialBlock) and any of CELL_FIELDS. The block (old and new) must be in
    the user's regions (ministry editor) or the user an administrator. ``check_unique`` looks the number up
    in the block (an import matches numbers itself). A stored ``cell`` is changed under check_cell_change's
    rules (an import: a new count as a headcount; certified facts and the statuses of the services stay as
    they are; a decommissioned room stays so). A new cell is a draft: status ``draft`` and no certified
    capacity whatever ``data`` says (an import's status column is not read for it), counted nowhere until an
    approved certification request brings it into use (cells.certification); given a count (``occupancy``
    or its date) it gets it under the headcount rules (check_headcount; ``allow_older``: a count older than
    the stored one, confirmed by the user of an import). Raises PermissionDenied,
    ValidationError.
    """
    check_can_edit_cells(user, cell)
    # What the rules of a change read, as stored (after the fields' own rules): the count, the status, the
    # certified facts, and the key and number (a draft on a pending request).
    stored = None
    if cell is not None and cell.pk is not None:
        facts = {name: getattr(cell, name) for name in CERTIFIED_FIELDS}
        stored = Cell(pk=cell.pk, number=cell.number, status=cell.status, block_id=cell.block_id, **facts)
        stored.occupancy, stored.occupancy_date = cell.occupancy, cell.occupancy_date
    cell = cell or Cell()
    block = data.get("block") or (cell.block if cell.block_id else None)
    if block is None:
        raise ValidationError({"block": [_("A cell belongs to a residential block.")]})
    _check_block_editable(user, block)
    cell.block = block
    for name in CELL_FIELDS:
        if name in data:
            setattr(cell, name, data[name])
    if stored is None:
        cell.status, cell.certified_capacity = Cell.Status.DRAFT, None
    try:
        cell.full_clean(exclude=["block"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.message_dict
        if stored is not None:  # a refused certified fact is named too, not only what follows from it
            changed = [name for name, value in data.items() if _differs(stored, name, value)]
            for name, reasons in _record_errors(stored, data, changed).items():
                errors.setdefault(name, reasons)
        raise ValidationError(errors) from None
    if stored is not None:
        check_cell_change(stored, data, edit=False, allow_older=allow_older)
    elif data.get("occupancy") is not None or data.get("occupancy_date") is not None:
        check_headcount(Cell(status=cell.status), data.get("occupancy"), data.get("occupancy_date"))
    if check_unique and _number_taken(block, cell):
        raise ValidationError(
            {"number": [_("Number %(number)s is already used in this block.") % {"number": cell.number}]}
        )
    return cell


@transaction.atomic
def save_cell(
    *,
    user: "User",
    data: dict,
    cell: Cell | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Cell:
    """Register a new cell (``cell`` None) or change one, writing only what ``data`` changes.

    A change locks the cell's row (core.versioning.lock: a completion, a headcount or another edit of the
    cell waits or is waited for), refuses a stale ``expected_version`` (the version the caller read: the
    API's If-Match, the page's hidden version; None = not stated) with core.versioning.StaleVersion, applies
    ``data`` (``block`` and any of CELL_FIELDS; only the keys given) to the locked row with prepare_cell's
    rules, and saves the fields whose value changed (``update_fields``, the version raised, history with
    ``user`` and ``reason``). A value the caller did not send is never written back. A change may not
    touch the count, nor a certified fact of a cell on the record, nor a status a service owns
    (check_cell_change, ``edit``); a new cell is registered as a draft with no certified capacity (a
    ``status`` other than ``draft`` sent for it is refused: draft_message) and may come with a first count,
    under the headcount rules: it is counted nowhere until its certification request is approved.

    Occupancy above design capacity is recorded (overcrowding), not refused. Compliance of the
    facilities concerned is recomputed on commit. Raises PermissionDenied, StaleVersion and ValidationError
    ``{field: [reason]}``. Returns the saved cell (unchanged when nothing differed).
    """
    check_can_edit_cells(user, cell)
    if "certified_capacity" in data:  # never an edit's (CELL_FIELDS): a certification request's
        raise ValidationError({"certified_capacity": [by_certification_message()]})
    if cell is None:
        if data.get("status") not in (None, Cell.Status.DRAFT):
            raise ValidationError({"status": [draft_message()]})
        new = prepare_cell(user=user, data=data)
        new._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
        if reason:
            new._change_reason = reason  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError:  # another user registered the same number meanwhile
            raise ValidationError(
                {"number": [_("Number %(number)s is already used in this block.") % {"number": new.number}]}
            ) from None
        schedule_recalculation(new.block.facility_id)
        return new
    current = lock(Cell.objects.select_related("block__facility"), cell.pk)
    check_can_edit_cells(user, current)  # its region now, not as the caller read it
    check_version(current, expected_version)
    old_facility = current.block.facility_id
    values = {name: data[name] for name in ("block", *CELL_FIELDS) if name in data}
    check_cell_change(current, values, edit=True)
    changed = assign(current, values)
    if not changed:
        return current
    prepare_cell(user=user, data=values, cell=current, check_unique="number" in changed or "block" in changed)
    try:
        with transaction.atomic():
            save_changes(current, changed, user=user, reason=reason)
    except IntegrityError:  # another user registered the same number meanwhile
        raise ValidationError(
            {"number": [_("Number %(number)s is already used in this block.") % {"number": current.number}]}
        ) from None
    schedule_recalculation(current.block.facility_id, old_facility)
    return current


def check_headcount(
    cell: Cell, occupancy: int | None, occupancy_date: datetime.date | None, *, allow_older: bool = False
) -> None:
    """The rules of a headcount of ``cell``: cells.bounds.OCCUPANCY (0-1000 persons), dated, not in the
    future, not older than the count already recorded (core.validators.is_older_count; ``allow_older``: the
    user confirmed an older count, a register import's option), not for a decommissioned room, and 0 for a
    cell out of use (empty_until_in_use_message). Raises ValidationError."""
    errors = {}
    if not bounds.OCCUPANCY.contains(occupancy):
        errors["occupancy"] = [
            _("Occupancy is a number of persons from %(min)s to %(max)s.") % bounds.OCCUPANCY.params()
        ]
    if occupancy_date is None:
        errors["occupancy_date"] = [_("Give the date of the count; it cannot be in the future.")]
    elif is_in_future(occupancy_date):
        errors["occupancy_date"] = [future_message()]
    elif not allow_older and cell.occupancy_date and is_older_count(occupancy_date, cell.occupancy_date):
        errors["occupancy_date"] = [older_count_message(cell.occupancy_date)]
    if cell.status == Cell.Status.DECOMMISSIONED:
        errors["status"] = [_("This room or cell is decommissioned; it holds nobody.")]
    elif cell.status == Cell.Status.DEACTIVATED and occupancy:
        errors["occupancy"] = [empty_until_in_use_message(cell)]
    if errors:
        raise ValidationError(errors)


def empty_until_in_use_message(cell: Cell) -> str:
    """The one message of persons counted in a cell temporarily out of use: it holds nobody; persons arrive
    by a movement once it is back in use. (A draft may carry a first count, e.g. from a survey import: it is
    counted nowhere until the approval of its certification request brings it in, which the request's page
    shows before the decision.)"""
    return _("A cell out of use holds nobody (occupancy 0): bring it back into use first, then move persons in.")


def check_can_write_headcount(user: "User | AnonymousUser", region_id: int) -> None:
    """Raise PermissionDenied unless ``user`` may update headcounts in the region: ministry editors of the
    region, administrators, API clients with the headcount write scope for it
    (facilities.decisions.check_may_update_headcount)."""
    decisions.check_may_update_headcount(user, region_id)


@transaction.atomic
def update_headcount(
    *,
    user: "User",
    cell: Cell,
    occupancy: int,
    occupancy_date: datetime.date,
    expected_version: int | None = None,
) -> Cell:
    """Record the occupancy (persons) of ``cell`` counted on ``occupancy_date``: the cell's row locked,
    ``expected_version`` (None = not stated) checked, the count's rules (check_headcount) on the locked row,
    then only ``occupancy`` and ``occupancy_date`` saved (the version raised, history with ``user``).

    Allowed to ministry editors of the region, administrators, and API clients whose token has the
    headcount write scope for the region. Raises PermissionDenied, core.versioning.StaleVersion,
    ValidationError. Returns the locked, saved cell.
    """
    check_can_write_headcount(user, cell.block.facility.region_id)
    current = lock(Cell.objects.select_related("block__facility"), cell.pk)
    check_can_write_headcount(user, current.block.facility.region_id)
    check_version(current, expected_version)
    check_headcount(current, occupancy, occupancy_date)
    changed = assign(current, {"occupancy": occupancy, "occupancy_date": occupancy_date})
    if changed:
        save_changes(current, changed, user=user)
        schedule_recalculation(current.block.facility_id)
    return current


# The history's change reasons and the request's reason of a completion (stored as written, in English,
# like every history value). The movements, the rooms' decommissioning and the block's conversion are
# written by the approval of the certification request (cells.certification.approve, REASON_APPROVED).
REASON_REGISTERED = "registered as a draft by the completion of the block's conversion, awaiting certification"


def check_can_complete(user: "User | AnonymousUser", project: ConversionProject) -> None:
    """Raise PermissionDenied unless ``user`` may edit ``project`` (checked first), and
    core.exceptions.AlreadyDone (409) when the project is already completed, naming when and by whom."""
    check_can_edit_project(user, project)
    if project.status != ConversionProject.Status.COMPLETED:
        return
    done = project.updates.filter(status=ConversionProject.Status.COMPLETED).select_related("author")
    last = done.order_by("-date", "-id").first()
    raise AlreadyDone(
        _(
            "This project was completed on %(date)s by %(user)s; its block's conversion goes through the "
            "certification request the completion opened (see the block's page)."
        )
        % {
            "date": f"{last.date:%Y-%m-%d}" if last else f"{project.actual_end or '?'}",
            "user": last.author.get_username() if last and last.author else _("the system"),
        },
        project.version,
    )


@transaction.atomic
def complete_conversion(
    *,
    user: "User",
    project: ConversionProject,
    version: int | None,
    date: datetime.date,
    actual_end: datetime.date,
    budget_spent_kzt: Decimal,
    cells: list[dict],
    movement_plan: list[dict] | None = None,
    note: str = "",
    is_correction: bool = False,
    correction_reason: str = "",
) -> CertificationRequest:
    """Complete ``project`` through certification, in one transaction: the last progress update (status
    completed, 100 %), the block's new single-occupancy cells registered as drafts (design capacity 1,
    occupancy 0: not in use, counted nowhere), and a pending certification request of kind CONVERSION
    (cells.certification.open_request) with one ``bring_into_use`` line per new cell (certified capacity 1
    person) and one ``decommission`` line per room or cell of the block on the record, carrying the
    confirmed ``movement_plan``. Nothing moves and no room changes now: the approval of the request by a
    certification reviewer applies the movements, brings the cells into use, decommissions the rooms and
    marks the block as cells, so the block never shows both or neither.

    ``cells``: dicts with ``number`` and ``living_space_m2`` (m²), and optionally ``has_sanitary_annex``,
    ``sanitary_annex_partitioned``, ``min_wall_distance_m``, ``ceiling_height_m`` (m), ``has_natural_light``
    and ``occupancy`` (0 only: a draft holds nobody). ``movement_plan``: the plan the editor confirmed,
    lines ``{"from_cell": id, "persons": n, "to_cells": [numbers]?}`` (cells.movements.resolve_plan's rules:
    every person of the block's rooms in use moves, one person per new cell; propose_plan proposes one).

    Locks, in one order (docs/architecture.md, §How a write works): the cells' table, the project, the
    block, then the plan's rooms and the block's cells by id (cells.movements.lock_cells).

    ``version``: the project version the caller read (None = not stated). Raises PermissionDenied,
    core.exceptions.AlreadyDone (the project is completed: 409), core.versioning.StaleVersion,
    core.exceptions.ConflictError (a room on another pending request: 409) and ValidationError (``cells``
    errors name the row: ``cells[3].number``; ``movement_plan``). Returns the certification request."""
    from .certification import open_request
    from .movements import plan_moves, resolve_plan

    check_can_complete(user, project)
    lock_table_for_writes(Cell)  # before any row lock: a full compliance run locks the cells in SHARE mode
    project = lock(ConversionProject.objects.select_related("block__facility"), project.pk)
    check_can_complete(user, project)  # a completion that committed while this one waited: 409
    check_version(project, version)
    block = lock(ResidentialBlock.objects.select_related("facility"), project.block_id)
    errors: dict[str, list[str]] = {}
    if not cells:
        errors["cells"] = [_("Register the new single cells of the block (at least one).")]
    existing = set(block.cells.values_list("number", flat=True))
    seen = set()
    new_cells = []
    for index, spec in enumerate(cells):
        unknown = set(spec) - set(NEW_CELL_FIELDS)
        if unknown:
            errors[f"cells[{index}]"] = [_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))}]
            continue
        number = str(spec.get("number") or "").strip()
        if not number:
            errors[f"cells[{index}].number"] = [_("Give the cell number.")]
        elif number in existing or number in seen:
            errors[f"cells[{index}].number"] = [
                _("Number %(number)s is already used in this block.") % {"number": number}
            ]
        seen.add(number)
        if spec.get("living_space_m2") is None:
            errors[f"cells[{index}].living_space_m2"] = [_("Give the living space (m²) of the new cell.")]
        if spec.get("occupancy"):
            errors[f"cells[{index}].occupancy"] = [
                _(
                    "A new cell is registered empty, as a draft: persons move in by the movement plan when the "
                    "certification request is approved."
                )
            ]
        values = {k: v for k, v in spec.items() if k not in ("number", "occupancy")}
        cell = Cell(
            block=block,
            accommodation_type=AccommodationType.SINGLE,
            design_capacity=1,
            status=Cell.Status.DRAFT,
            occupancy=0,
            **values,
            number=number,
        )
        try:
            cell.full_clean(exclude=["block", "number"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(f"cells[{index}].{name}", []).extend(messages)
        new_cells.append(cell)
    if errors:
        raise ValidationError(errors)
    rows = resolve_plan(block=block, lines=movement_plan or [], new_cells=[c.number for c in new_cells], lock=True)
    rooms = list(block.cells.filter(status__in=Cell.CERTIFIED_STATUSES).order_by("number", "id"))
    record_progress(
        project=project,
        version=project.version,
        date=date,
        status=ConversionProject.Status.COMPLETED,
        percent_complete=Decimal(100),
        budget_spent_kzt=budget_spent_kzt,
        note=note,
        is_correction=is_correction,
        correction_reason=correction_reason,
        actual_end=actual_end,
        user=user,
        _completing=True,
    )
    try:
        with transaction.atomic():
            created = bulk_create_with_history(
                new_cells, Cell, default_user=user, default_change_reason=REASON_REGISTERED
            )
    except IntegrityError:  # a cell with one of these numbers was registered meanwhile
        raise ValidationError(
            {
                "cells": [
                    _(
                        "A cell with one of these numbers was registered in the block meanwhile; "
                        "reload the block and choose other numbers."
                    )
                ]
            }
        ) from None
    lines = [{"cell": cell, "action": "bring_into_use", "certified_capacity": 1} for cell in created]
    lines += [{"cell": room, "action": "decommission"} for room in rooms]
    try:
        request = open_request(
            user=user,
            facility=block.facility,
            # the request's reason is read by people: written in the requester's language, like a typed one
            reason=_("completion of the conversion of %(block)s (project #%(project)s)")
            % {"block": localised(block, "name"), "project": project.pk},
            lines=lines,
            movement_plan=plan_moves(rows, {cell.number: cell.pk for cell in created}),
            project=project,
        )
    except ValidationError as error:  # the request's lines name the rooms: they are the plan's
        raise ValidationError(
            {("cells" if key.startswith("lines") else key): value for key, value in error.message_dict.items()}
        ) from None
    return request


def completion_message(request: CertificationRequest) -> str:
    """What a completion says once its certification request is open, naming the request and the
    movements to come, e.g. "Certification request #7 opened: 110 new cells and 8 rooms to decommission;
    on approval 100 persons move: 40 from D-1, 30 from D-2 (Block 2), ...". Rooms of another block than
    the project's are named with their block."""
    lines = list(request.lines.values_list("action", flat=True))
    new = lines.count("bring_into_use")
    rooms = lines.count("decommission")
    plan = request.movement_plan or []
    persons = sum(int(move["persons"]) for move in plan)
    leaving: dict[int, int] = {}
    for move in plan:
        leaving[int(move["from_cell"])] = leaving.get(int(move["from_cell"]), 0) + int(move["persons"])
    sources = Cell.objects.filter(pk__in=leaving).select_related("block").in_bulk()
    block_id = request.project.block_id if request.project is not None else None
    named = []
    for pk, count in leaving.items():
        cell = sources[pk]
        room = cell.number if cell.block_id == block_id else f"{cell.number} ({cell.block.name})"
        named.append(_("%(persons)s from %(room)s") % {"persons": count, "room": room})
    cells_text = ngettext("%(count)s new cell", "%(count)s new cells", new) % {"count": new}
    rooms_text = ngettext("%(count)s room to decommission", "%(count)s rooms to decommission", rooms) % {"count": rooms}
    if persons:
        moves_text = ngettext(
            "on approval %(count)s person moves: %(rooms)s",
            "on approval %(count)s persons move: %(rooms)s",
            persons,
        ) % {"count": persons, "rooms": ", ".join(named)}
    else:
        moves_text = _("nobody moves on approval")
    return _("Certification request #%(request)s opened: %(cells)s and %(rooms)s; %(moves)s.") % {
        "request": request.pk,
        "cells": cells_text,
        "rooms": rooms_text,
        "moves": moves_text,
    }
