"""Movements of persons between cells of one facility: explicit, dated, with a reason and an author, and
conserving persons (docs/data.md, §Capacity and certification). The one place where persons change cell."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.validators import future_message, is_in_future
from core.versioning import bump, lock_table_for_writes
from facilities import decisions

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
    moves: list[Move], cells: dict[int, Cell], date: datetime.date, *, arriving: Iterable[int] = ()
) -> None:
    """The rules of ``moves`` on ``date`` over the locked ``cells`` (by id): both cells exist, are of one
    facility and in use (or, for a destination, among ``arriving``: drafts brought into use by the same
    approval); the date is not in the future nor before either cell's count; no cell gives more persons
    than it holds after the earlier moves. Raises ValidationError ``{"movement_plan": [reasons]}``."""
    errors: list[str] = []
    if date is None:
        errors.append(_("Give the date of the movement."))
    elif is_in_future(date):
        errors.append(future_message())
    arriving = set(arriving)
    held = {pk: cell.occupancy or 0 for pk, cell in cells.items()}
    facilities = {cell.block.facility_id for cell in cells.values()}
    if len(facilities) > 1:
        errors.append(_("Persons move between cells of one institution."))
    for index, move in enumerate(moves, start=1):
        source, target = cells.get(move.from_cell), cells.get(move.to_cell)
        if source is None or target is None:
            errors.append(_("Line %(line)s: no such cell.") % {"line": index})
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
            errors.append(
                _("Line %(line)s: room %(number)s holds %(held)s persons; %(persons)s cannot move out of it.")
                % {"line": index, "number": source.number, "held": held[move.from_cell], "persons": move.persons}
            )
        held[move.from_cell] -= move.persons
        held[move.to_cell] += move.persons
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
