"""Movements of persons between cells of one facility: explicit, dated, with a reason and an author, and
conserving persons (docs/data.md, §Capacity and certification). The one place where persons change cell."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from core.validators import future_message, is_in_future
from core.versioning import bump, lock_table_for_writes
from facilities import decisions
from facilities.models import AccommodationType

from .models import Cell, CertificationRequest, Movement
from .tasks import schedule_recalculation

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Move:
    """One planned movement: ``persons`` (≥ 1) from the cell ``from_cell`` to the cell ``to_cell`` (ids)."""

    from_cell: int
    to_cell: int
    persons: int

    def as_dict(self) -> dict:
        """``{"from_cell": id, "to_cell": id, "persons": n}``, as a request's movement_plan stores it."""
        return {"from_cell": self.from_cell, "to_cell": self.to_cell, "persons": self.persons}


def holds_message(line: int, number: str, held: int, persons: int) -> str:
    """The one message of a movement plan's line that takes more persons out of a room than it holds."""
    return ngettext(
        "Line %(line)s: room %(number)s holds %(held)s person; %(persons)s cannot move out of it.",
        "Line %(line)s: room %(number)s holds %(held)s persons; %(persons)s cannot move out of it.",
        held,
    ) % {"line": line, "number": number, "held": held, "persons": persons}


def parse_plan(plan: Iterable[dict]) -> list[Move]:
    """The moves of ``plan`` (dicts with ``from_cell``, ``to_cell``: ids, ``persons``: an integer ≥ 1).
    Raises ValidationError ``{"movement_plan": [reason]}`` naming the line (1-based)."""
    moves = []
    for index, line in enumerate(plan, start=1):
        try:
            move = Move(int(line["from_cell"]), int(line["to_cell"]), int(line["persons"]))
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                {"movement_plan": [_("Line %(line)s: give from_cell, to_cell and persons.") % {"line": index}]}
            ) from None
        if move.persons < 1:
            raise ValidationError({"movement_plan": [_("Line %(line)s: at least 1 person moves.") % {"line": index}]})
        if move.from_cell == move.to_cell:
            raise ValidationError(
                {"movement_plan": [_("Line %(line)s: a movement is between two different cells.") % {"line": index}]}
            )
        moves.append(move)
    return moves


def lock_cells(ids: Iterable[int]) -> dict[int, Cell]:
    """Lock the cells ``ids`` (after the cells' table write lock, in id order, one order for every writer so
    that two writers never deadlock) and return them by id. Inside ``transaction.atomic``."""
    lock_table_for_writes(Cell)
    rows = Cell.objects.filter(pk__in=set(ids)).select_related("block__facility").select_for_update(of=("self",))
    return {cell.pk: cell for cell in rows.order_by("id")}


def check_moves(
    moves: list[Move],
    cells: dict[int, Cell],
    date: datetime.date,
    *,
    arriving: Iterable[int] = (),
    facility_id: int | None = None,
) -> None:
    """The rules of ``moves`` on ``date`` over the locked ``cells`` (by id): both cells exist, are of one
    facility (``facility_id`` when given: a cell elsewhere is "no such cell", nothing of it is said) and in
    use (or, for a destination, among ``arriving``: drafts brought into use by the same approval); the date
    is not in the future nor before either cell's count; no room gives more persons than it holds (persons
    moving in by earlier lines count). Raises ValidationError ``{"date": [...], "movement_plan": [...]}``."""
    errors: list[str] = []
    date_errors: list[str] = []
    if date is None:
        date_errors.append(_("Give the date of the movement."))
    elif is_in_future(date):
        date_errors.append(future_message())
    arriving = set(arriving)
    if facility_id is not None:
        cells = {pk: cell for pk, cell in cells.items() if cell.block.facility_id == facility_id}
    held = {pk: cell.occupancy or 0 for pk, cell in cells.items()}
    facilities = {cell.block.facility_id for cell in cells.values()}
    if len(facilities) > 1:
        errors.append(_("Persons move between cells of one institution."))
    overdrawn: dict[int, int] = {}  # room id -> the first line that takes more than it holds
    for index, move in enumerate(moves, start=1):
        source, target = cells.get(move.from_cell), cells.get(move.to_cell)
        if source is None or target is None:
            errors.append(_("Line %(line)s: no such cell in this institution.") % {"line": index})
            continue
        if source.status != Cell.Status.IN_USE:
            errors.append(
                _("Line %(line)s: room %(number)s is not in use (%(status)s).")
                % {"line": index, "number": source.number, "status": source.get_status_display()}
            )
        if target.status != Cell.Status.IN_USE and target.pk not in arriving:
            errors.append(
                _("Line %(line)s: cell %(number)s is not in use (%(status)s).")
                % {"line": index, "number": target.number, "status": target.get_status_display()}
            )
        for cell in (source, target):
            if date and cell.occupancy_date and date < cell.occupancy_date:
                errors.append(
                    _("Line %(line)s: cell %(number)s was counted on %(date)s, after the movement's date.")
                    % {"line": index, "number": cell.number, "date": f"{cell.occupancy_date:%Y-%m-%d}"}
                )
        if held[move.from_cell] < move.persons:
            overdrawn.setdefault(move.from_cell, index)
        held[move.from_cell] -= move.persons
        held[move.to_cell] += move.persons
    for pk, index in overdrawn.items():
        leaving = sum(m.persons for m in moves if m.from_cell == pk)
        errors.append(holds_message(index, cells[pk].number, cells[pk].occupancy or 0, leaving))
    if date_errors:
        raise ValidationError(
            {"date": date_errors, **({"movement_plan": list(dict.fromkeys(errors))} if errors else {})}
        )
    if errors:
        raise ValidationError({"movement_plan": list(dict.fromkeys(errors))})


def apply_moves(
    moves: list[Move],
    cells: dict[int, Cell],
    *,
    date: datetime.date,
    reason: str,
    user: "User | None",
    request: CertificationRequest | None = None,
) -> list[Movement]:
    """Apply ``moves`` (checked by check_moves) to the locked ``cells``: each cell's occupancy changed and
    dated ``date``, saved once with its version raised and the history's reason naming the movement; one
    Movement row per move. The sum of the cells' occupancy is unchanged. Returns the movements."""
    if not moves:
        return []
    for move in moves:
        cells[move.from_cell].occupancy = (cells[move.from_cell].occupancy or 0) - move.persons
        cells[move.to_cell].occupancy = (cells[move.to_cell].occupancy or 0) + move.persons
    touched = [cells[pk] for pk in sorted({m.from_cell for m in moves} | {m.to_cell for m in moves})]
    for cell in touched:
        cell.occupancy_date = date
    bulk_update_with_history(
        touched,
        Cell,
        ["occupancy", "occupancy_date", bump(touched)],
        default_user=user if getattr(user, "pk", None) else None,
        default_change_reason=f"movement of persons: {reason}"[:100],
    )
    return Movement.objects.bulk_create(
        Movement(
            date=date,
            from_cell_id=move.from_cell,
            to_cell_id=move.to_cell,
            persons=move.persons,
            reason=reason,
            author=user if getattr(user, "pk", None) else None,
            request=request,
        )
        for move in moves
    )


@transaction.atomic
def move_persons(*, user: "User", moves: list[dict], date: datetime.date, reason: str) -> list[Movement]:
    """Move persons between cells in use of one facility, on their own (not as part of a certification):
    ``moves`` as parse_plan reads them. Ministry editors of the facility's region and administrators. Locks
    the cells (lock_cells), checks (check_moves), applies (apply_moves) and recomputes the facility's
    compliance on commit. Raises PermissionDenied, ValidationError. Returns the movements."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the movement.")]})
    plan = parse_plan(moves)
    if not plan:
        raise ValidationError({"movement_plan": [_("Give at least one movement.")]})
    cells = lock_cells([m.from_cell for m in plan] + [m.to_cell for m in plan])
    for cell in cells.values():
        decisions.check_may_edit_cells(user, cell.block.facility.region_id)
    check_moves(plan, cells, date)
    movements = apply_moves(plan, cells, date=date, reason=reason.strip(), user=user)
    schedule_recalculation(*{cell.block.facility_id for cell in cells.values()})
    return movements


# ---------------------------------------------------------------------------------------------------
# The movement plan of a conversion's completion: who moves into the block's new single cells. Never writes.

PlanRow = dict  # {"from_cell", "number", "block", "persons_now", "persons", "persons_after", "to_cells"}


def _crowding(cell: Cell, held: int) -> tuple:
    """The order rooms give persons in (the highest first): occupancy over design capacity, then occupancy,
    then the lower id."""
    return (held - (cell.design_capacity or 0), held, -cell.pk)


def plan_sources(block) -> tuple[list[Cell], list[Cell]]:
    """Where persons moving into ``block``'s new cells come from, read without locks: ``(the block's rooms in
    use that hold persons, ordered by number; the facility's other shared rooms in use, not single cells,
    that hold persons, the most crowded first)``."""
    in_use = Cell.objects.filter(status=Cell.Status.IN_USE, occupancy__gt=0).select_related("block")
    own = list(in_use.filter(block=block).order_by("number", "id"))
    others = list(
        in_use.filter(block__facility_id=block.facility_id)
        .exclude(block=block)
        .exclude(accommodation_type=AccommodationType.SINGLE)
    )
    others.sort(key=lambda cell: _crowding(cell, cell.occupancy or 0), reverse=True)
    return own, others


def propose_plan(*, block, persons: int, new_cells: list[str]) -> list[PlanRow]:
    """The proposed movement plan of a completion that moves ``persons`` into ``block``'s new single cells
    (``new_cells``: their numbers, one person each, filled in this order): first every person counted in
    the block's own rooms in use (they must leave before the rooms are decommissioned), then persons of the
    facility's other dormitory rooms and shared cells in use, one at a time from the most crowded
    (occupancy over design capacity, then occupancy; plan_sources). Reads, never writes.

    Returns resolve_plan's rows (one per room giving persons, the block's rooms first, then the others most
    crowded first). Raises ValidationError ``{"persons_moved_in": [reason]}`` when ``persons`` is below the
    block's own persons, above the number of new cells, or above what the rooms hold."""
    own, others = plan_sources(block)
    in_block = sum(cell.occupancy or 0 for cell in own)
    available = in_block + sum(cell.occupancy or 0 for cell in others)
    if persons > len(new_cells):
        raise ValidationError(
            {
                "persons_moved_in": [
                    _("At most one person per new single cell: %(cells)s cells, %(persons)s persons.")
                    % {"cells": len(new_cells), "persons": persons}
                ]
            }
        )
    if persons < in_block:
        raise ValidationError(
            {
                "persons_moved_in": [
                    _(
                        "The block's rooms still hold %(persons)s persons and all of them move into the new cells: "
                        "move in at least %(persons)s persons, or record where the others are (headcounts) first."
                    )
                    % {"persons": in_block}
                ]
            }
        )
    if persons > available:
        raise ValidationError(
            {
                "persons_moved_in": [
                    _(
                        "%(persons)s persons are to move in, but the block's rooms and the facility's other dormitory "
                        "rooms and shared cells hold %(available)s. Update their headcounts first, or move in fewer."
                    )
                    % {"persons": persons, "available": available}
                ]
            }
        )
    held = {cell.pk: cell.occupancy or 0 for cell in others}
    taken = dict.fromkeys(held, 0)
    for _n in range(persons - in_block):
        room = max(others, key=lambda cell: _crowding(cell, held[cell.pk]))
        held[room.pk] -= 1
        taken[room.pk] += 1
    lines = [{"from_cell": cell.pk, "persons": cell.occupancy} for cell in own]
    lines += [{"from_cell": cell.pk, "persons": taken[cell.pk]} for cell in others if taken[cell.pk]]
    return resolve_plan(block=block, lines=lines, new_cells=new_cells)


def _plan_error(message: str) -> ValidationError:
    return ValidationError({"movement_plan": [message]})


def resolve_plan(
    *, block, lines: Iterable[dict], new_cells: list[str], lock: bool = False, strict: bool = True
) -> list[PlanRow]:
    """Check a movement plan into ``block``'s new single cells and give each room's row. Never writes.

    ``lines``: dicts with ``from_cell`` (a cell id), ``persons`` (an integer ≥ 0; 0 lines are left out) and
    optionally ``to_cells`` (numbers among ``new_cells``, one per person); the new cells not named are
    given in the order of ``new_cells``, one person each. The rules: each room named once, in the block's
    facility, in use, not one of the new cells, giving no more persons than it holds; no more persons than
    new cells; every person of the block's own rooms in use moves (they are decommissioned). ``lock``: lock
    the rooms and every cell of the block not decommissioned, in one ordered statement (lock_cells: inside
    the caller's transaction), and check them as locked.

    Returns ``[{"from_cell": id, "number", "block": the room's block name, "persons_now", "persons",
    "persons_after", "to_cells": [numbers]}]`` in the order of ``lines``. Raises ValidationError
    ``{"movement_plan": [reason]}`` naming the line (1-based) or the room; ``strict`` False: the rows of the
    rooms found even when the rules are broken (to show an editor's numbers again beside the errors)."""
    parsed = []
    for index, line in enumerate(lines, start=1):
        try:
            from_cell, persons = int(line["from_cell"]), int(line["persons"])
            to_cells = [str(number) for number in line.get("to_cells") or []]
        except (KeyError, TypeError, ValueError):
            raise _plan_error(_("Line %(line)s: give from_cell and persons.") % {"line": index}) from None
        if persons < 0:
            raise _plan_error(_("Line %(line)s: persons cannot be negative.") % {"line": index})
        if to_cells and len(to_cells) != persons:
            raise _plan_error(
                _("Line %(line)s: name one new cell per person (%(persons)s).") % {"line": index, "persons": persons}
            )
        if persons:
            parsed.append((index, from_cell, persons, to_cells))
    ids = [from_cell for _i, from_cell, _p, _t in parsed]
    own_ids = list(
        Cell.objects.filter(block=block, status=Cell.Status.IN_USE, occupancy__gt=0).values_list("pk", flat=True)
    )
    if lock:  # the block's rooms too (a completion decommissions them): every cell in one ordered statement
        rooms = block.cells.exclude(status=Cell.Status.DECOMMISSIONED).values_list("pk", flat=True)
        cells = lock_cells(ids + own_ids + list(rooms))
    else:
        rows = Cell.objects.filter(pk__in=set(ids + own_ids)).select_related("block")
        cells = {cell.pk: cell for cell in rows}
    errors: list[str] = []
    seen: set[int] = set()
    total = sum(persons for _i, _c, persons, _t in parsed)
    if total > len(new_cells):
        errors.append(
            _("At most one person per new single cell: %(cells)s cells, %(persons)s persons.")
            % {"cells": len(new_cells), "persons": total}
        )
    free = list(new_cells)
    named: set[str] = set()
    for _index, _from, _persons, to_cells in parsed:
        for number in to_cells:
            if number not in new_cells:
                errors.append(_("%(number)s is not one of the new cells.") % {"number": number})
            elif number in named:
                errors.append(_("New cell %(number)s is named twice: one person per cell.") % {"number": number})
            named.add(number)
    free = [number for number in new_cells if number not in named]
    result = []
    for index, from_cell, persons, to_cells in parsed:
        cell = cells.get(from_cell)
        if cell is None or cell.block.facility_id != block.facility_id:
            errors.append(_("Line %(line)s: no such room in this institution.") % {"line": index})
            continue
        if from_cell in seen:
            errors.append(_("Line %(line)s: room %(number)s is named twice.") % {"line": index, "number": cell.number})
            continue
        seen.add(from_cell)
        if cell.status != Cell.Status.IN_USE:
            errors.append(
                _("Line %(line)s: room %(number)s is not in use (%(status)s).")
                % {"line": index, "number": cell.number, "status": cell.get_status_display()}
            )
        held = cell.occupancy or 0
        if persons > held:
            errors.append(holds_message(index, cell.number, held, persons))
        if not to_cells:
            to_cells, free = free[:persons], free[persons:]
        result.append(
            {
                "from_cell": cell.pk,
                "number": cell.number,
                "block": cell.block.name,
                "persons_now": held,
                "persons": persons,
                "persons_after": held - persons,
                "to_cells": to_cells,
            }
        )
    leaving = {row["from_cell"]: row["persons"] for row in result}
    for pk in sorted(own_ids, key=lambda pk: (cells[pk].number, pk)):
        room = cells[pk]
        if (
            room.block_id == block.pk
            and room.status == Cell.Status.IN_USE
            and (room.occupancy or 0) > leaving.get(pk, 0)
        ):
            errors.append(
                _(
                    "Room %(number)s of the block holds %(persons)s persons and the plan moves %(moving)s of them: "
                    "all of them move into the new cells before it is decommissioned."
                )
                % {"number": room.number, "persons": room.occupancy or 0, "moving": leaving.get(pk, 0)}
            )
    if errors and strict:
        raise ValidationError({"movement_plan": list(dict.fromkeys(errors))})
    return result


def plan_moves(rows: list[PlanRow], new_ids: dict[str, int]) -> list[dict]:
    """The moves of resolve_plan's ``rows`` as a certification request's movement_plan: one
    ``{"from_cell", "to_cell", "persons": 1}`` per person, ``new_ids``: the new cells' ids by number."""
    return [
        {"from_cell": row["from_cell"], "to_cell": new_ids[number], "persons": 1}
        for row in rows
        for number in row["to_cells"]
    ]


def plan_persons(rows: list[PlanRow]) -> int:
    """The persons a plan moves."""
    return sum(row["persons"] for row in rows)


def preview_moves(*, moves: list[dict], date: datetime.date) -> list[dict]:
    """What ``moves`` (parse_plan's shape) would do on ``date``, checked by check_moves on the cells as read
    now (no lock, nothing written; move_persons checks again under its locks): one row per cell touched,
    ``{"cell": Cell, "before": persons, "after": persons}``, in id order. Raises ValidationError."""
    plan = parse_plan(moves)
    if not plan:
        raise ValidationError({"movement_plan": [_("Give at least one movement.")]})
    ids = {m.from_cell for m in plan} | {m.to_cell for m in plan}
    cells = {cell.pk: cell for cell in Cell.objects.filter(pk__in=ids).select_related("block__facility")}
    check_moves(plan, cells, date)
    after = {pk: cell.occupancy or 0 for pk, cell in cells.items()}
    for move in plan:
        after[move.from_cell] -= move.persons
        after[move.to_cell] += move.persons
    return [{"cell": cells[pk], "before": cells[pk].occupancy or 0, "after": after[pk]} for pk in sorted(cells)]


def describe_moves(movements: Iterable[Movement]) -> str:
    """The movements named for a message: "5 from E1 to S001, 2 from E2 to S002" (cell numbers)."""
    return ", ".join(
        _("%(persons)s from %(source)s to %(target)s")
        % {"persons": m.persons, "source": m.from_cell.number, "target": m.to_cell.number}
        for m in movements
    )


def summarise_plan(plan: Iterable[dict]) -> list[dict]:
    """A stored movement plan (parse_plan's shape) per room giving persons, as a reviewer reads it: one row
    ``{"cell": id, "number", "block": block name, "persons_now": persons, "leaving": persons, "after": persons,
    "to_cells": [numbers]}`` per source room, in the order the plan names them (JSON-ready: a decided request
    keeps it). Persons now are the room's count as stored today (the plan was checked against the count when
    it was confirmed; approval checks it again). Reads only."""
    moves = parse_plan(plan)
    ids = {m.from_cell for m in moves} | {m.to_cell for m in moves}
    cells = Cell.objects.filter(pk__in=ids).select_related("block").in_bulk()
    rows: dict[int, dict] = {}
    for move in moves:
        source, target = cells.get(move.from_cell), cells.get(move.to_cell)
        if source is None or target is None:
            continue
        row = rows.setdefault(
            source.pk,
            {
                "cell": source.pk,
                "number": source.number,
                "block": source.block.name,
                "persons_now": source.occupancy or 0,
                "leaving": 0,
                "to_cells": [],
            },
        )
        row["leaving"] += move.persons
        row["to_cells"].append(target.number)
    for row in rows.values():
        row["after"] = row["persons_now"] - row["leaving"]
    return list(rows.values())
