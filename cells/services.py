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
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.exceptions import AlreadyDone
from core.sync import SyncCounts, sync_rows
from core.validators import future_message, identity_key, is_in_future
from core.versioning import assign, bump, check_version, lock, lock_table_for_writes, save_changes
from facilities import decisions
from facilities.models import AccommodationType, ConversionProject, ResidentialBlock
from facilities.services import check_can_edit_project, record_progress

from . import bounds
from .compliance.rules import METRICS
from .compliance.run import RUN_LOCK, SKIPPED_MESSAGE, recalculate_compliance
from .models import Cell, CertificationLine, StandardProfile, StandardRule
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


def check_cell_change(cell: Cell, values: dict, *, edit: bool) -> None:
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
      the future, not older than the stored count).

    Raises ValidationError ``{field: [reason]}``."""
    changed = [name for name, value in values.items() if _differs(cell, name, value)]
    errors = _record_errors(cell, values, changed)
    counted = [name for name in COUNT_FIELDS if name in changed]
    if counted and edit:
        errors.update({name: [count_by_headcount_message()] for name in counted})
    if errors:
        raise ValidationError(errors)
    if counted:
        check_headcount(cell, values.get("occupancy", cell.occupancy), values.get("occupancy_date"))


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


def prepare_cell(*, user: "User", data: dict, cell: Cell | None = None, check_unique: bool = True) -> Cell:
    """Apply ``data`` to ``cell`` (a new Cell when None) and validate it, without saving: the rules every
    write path of a cell shares (the page, the API, the import).

    ``data`` holds ``block`` (a ResidentialBlock) and any of CELL_FIELDS. The block (old and new) must be in
    the user's regions (ministry editor) or the user an administrator. ``check_unique`` looks the number up
    in the block (an import matches numbers itself). A stored ``cell`` is changed under check_cell_change's
    rules (an import: a new count as a headcount; certified facts and the statuses of the services stay as
    they are; a decommissioned room stays so). A new cell is a draft: status ``draft`` and no certified
    capacity whatever ``data`` says (an import's status column is not read for it), counted nowhere until an
    approved certification request brings it into use (cells.certification); given a count (``occupancy``
    or its date) it gets it under the headcount rules (check_headcount). Raises PermissionDenied,
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
        check_cell_change(stored, data, edit=False)
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


def check_headcount(cell: Cell, occupancy: int | None, occupancy_date: datetime.date | None) -> None:
    """The rules of a headcount of ``cell``: cells.bounds.OCCUPANCY (0-1000 persons), dated, not in the
    future, not older than the count already recorded, not for a decommissioned room. Raises
    ValidationError."""
    errors = {}
    if not bounds.OCCUPANCY.contains(occupancy):
        errors["occupancy"] = [
            _("Occupancy is a number of persons from %(min)s to %(max)s.") % bounds.OCCUPANCY.params()
        ]
    if occupancy_date is None:
        errors["occupancy_date"] = [_("Give the date of the count; it cannot be in the future.")]
    elif is_in_future(occupancy_date):
        errors["occupancy_date"] = [future_message()]
    elif cell.occupancy_date and occupancy_date < cell.occupancy_date:
        errors["occupancy_date"] = [
            _("A newer count, of %(date)s, is already recorded.") % {"date": f"{cell.occupancy_date:%Y-%m-%d}"}
        ]
    if cell.status == Cell.Status.DECOMMISSIONED:
        errors["status"] = [_("This room or cell is decommissioned; it holds nobody.")]
    if errors:
        raise ValidationError(errors)


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


# The history's change reasons of the writes a completion makes on behalf of the editor (stored as written,
# in English, like every history value).
REASON_MOVED = "persons moved into the converted block"
REASON_DECOMMISSIONED = "decommissioned by the completion of the block's conversion"
REASON_CONVERTED = "converted to single cells by the completion of its project"
REASON_REGISTERED = "registered by the completion of the block's conversion"


def _lock_rooms(block: ResidentialBlock, *, with_sources: bool) -> tuple[list[Cell], list[Cell]]:
    """Lock, in one statement ordered by id (one order for every completion, so two completions in one
    facility never deadlock), the block's rooms and cells that are not decommissioned and, when
    ``with_sources``, the facility's other shared rooms in use that hold persons (where persons moving in
    come from). Returns ``(the block's rooms, the other rooms)``, each by id. Inside a transaction that
    took the cells' table write lock first (core.versioning.lock_table_for_writes)."""
    own = Q(block=block) & ~Q(status=Cell.Status.DECOMMISSIONED)
    query = own
    if with_sources:
        query |= (
            Q(block__facility_id=block.facility_id, status=Cell.Status.IN_USE, occupancy__gt=0)
            & ~Q(block=block)
            & ~Q(accommodation_type=AccommodationType.SINGLE)
        )
    rows = list(Cell.objects.filter(query).select_for_update(of=("self",)).order_by("id"))
    return [r for r in rows if r.block_id == block.pk], [r for r in rows if r.block_id != block.pk]


def _transfer_from_dormitories(
    rooms: list[Cell], persons: int, date: datetime.date, user: "User", *, in_block: int = 0
) -> None:
    """Take ``persons`` out of ``rooms`` (the facility's other shared rooms in use, locked by _lock_rooms),
    most crowded first (highest occupancy over design capacity), and save the counts dated ``date`` with
    their versions raised and the history's reason REASON_MOVED. ``in_block``: the persons already counted
    in the converted block's rooms (they move first; named in the message). Raises ValidationError when the
    rooms hold fewer persons."""
    if persons <= 0:
        return
    available = sum(room.occupancy or 0 for room in rooms)
    if available < persons:
        raise ValidationError(
            {
                "cells": [
                    _(
                        "%(persons)s persons are to move in, but the facility's other dormitory rooms and shared cells "
                        "hold %(available)s. Update their headcounts first, or register fewer occupied cells."
                    )
                    % {"persons": persons + in_block, "available": available + in_block}
                ]
            }
        )
    original = {room.pk: room.occupancy for room in rooms}
    remaining = persons
    while remaining:
        room = max(rooms, key=lambda r: ((r.occupancy or 0) - (r.design_capacity or 0), r.occupancy or 0, -r.pk))
        room.occupancy = (room.occupancy or 0) - 1
        remaining -= 1
    changed = [room for room in rooms if room.occupancy != original[room.pk]]
    for room in changed:
        room.occupancy_date = date
    bulk_update_with_history(
        changed,
        Cell,
        ["occupancy", "occupancy_date", bump(changed)],
        default_user=user,
        default_change_reason=REASON_MOVED,
    )


def check_can_complete(user: "User | AnonymousUser", project: ConversionProject) -> None:
    """Raise PermissionDenied unless ``user`` may edit ``project`` (checked first), and
    core.exceptions.AlreadyDone (409) when the project is already completed, naming when and by whom."""
    check_can_edit_project(user, project)
    if project.status != ConversionProject.Status.COMPLETED:
        return
    done = project.updates.filter(status=ConversionProject.Status.COMPLETED).select_related("author")
    last = done.order_by("-date", "-id").first()
    raise AlreadyDone(
        _("This project was completed on %(date)s by %(user)s; its block is already converted.")
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
    note: str = "",
    is_correction: bool = False,
    correction_reason: str = "",
) -> list[Cell]:
    """Complete ``project`` and convert its block, in one transaction: the last progress update
    (status completed, 100 %), the block's dormitory rooms and shared cells decommissioned, and the new
    single-occupancy cells registered (design capacity 1). The block never shows both or neither.

    ``cells``: dicts with ``number`` and ``living_space_m2`` (m²), and optionally ``has_sanitary_annex``,
    ``sanitary_annex_partitioned``, ``min_wall_distance_m``, ``ceiling_height_m`` (m),
    ``has_natural_light`` and ``occupancy`` (0 or 1). The persons moved into the new cells are first those
    counted in the block's rooms in use, then persons transferred from the facility's other dormitory rooms
    and shared cells in use, the most crowded first, so that the facility's headcount stays the same; the
    block's rooms may not hold more persons than move into the new cells. Compliance is recomputed on commit.

    Locks, in one order (docs/architecture.md, §How a write works): the project, the block, then every
    cell it writes by id (_lock_rooms), so a concurrent edit or headcount of one of the rooms waits for the
    completion or the completion for it; neither writes back what the other changed.

    ``version``: the project version the caller read (None = not stated). Raises PermissionDenied,
    core.exceptions.AlreadyDone (the project is completed: 409), core.versioning.StaleVersion and
    ValidationError (``cells`` errors name the row: ``cells[3].number``). Returns the new cells.
    """
    check_can_complete(user, project)
    lock_table_for_writes(Cell)  # before any row lock: a full compliance run locks the cells in SHARE mode
    project = lock(ConversionProject.objects.select_related("block__facility"), project.pk)
    check_can_complete(user, project)  # a completion that committed while this one waited: 409
    check_version(project, version)
    block = lock(ResidentialBlock.objects.select_related("facility"), project.block_id)
    errors = {}
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
        cell = Cell(
            block=block,
            accommodation_type=AccommodationType.SINGLE,
            design_capacity=1,
            status=Cell.Status.IN_USE,
            occupancy_date=actual_end,
            **{k: v for k, v in spec.items() if k != "number"},
            number=number,
        )
        if cell.occupancy is None:
            cell.occupancy = 0
        try:
            cell.full_clean(exclude=["block", "number"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(f"cells[{index}].{name}", []).extend(messages)
        new_cells.append(cell)
    if errors:
        raise ValidationError(errors)
    moving = sum(c.occupancy or 0 for c in new_cells)
    rooms, sources = _lock_rooms(block, with_sources=moving > 0)
    in_block = sum(room.occupancy or 0 for room in rooms if room.status == Cell.Status.IN_USE)
    if in_block > moving:
        raise ValidationError(
            {
                "cells": [
                    _(
                        "The block's rooms still hold %(persons)s persons, and %(moving)s move into the new cells: "
                        "record where the others are (headcounts) first, or register more occupied cells."
                    )
                    % {"persons": in_block, "moving": moving}
                ]
            }
        )
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
    for room in rooms:
        room.status, room.occupancy, room.occupancy_date = Cell.Status.DECOMMISSIONED, 0, actual_end
    if rooms:
        bulk_update_with_history(
            rooms,
            Cell,
            ["status", "occupancy", "occupancy_date", bump(rooms)],
            default_user=user,
            default_change_reason=REASON_DECOMMISSIONED,
        )
    _transfer_from_dormitories(sources, moving - in_block, actual_end, user, in_block=in_block)
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
    save_changes(
        block,
        assign(block, {"accommodation_type": ResidentialBlock.Accommodation.CELL}),
        user=user,
        reason=REASON_CONVERTED,
    )
    schedule_recalculation(block.facility_id)
    return created
