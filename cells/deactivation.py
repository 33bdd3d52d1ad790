"""Temporary deactivation of a cell and its reactivation (issue 17, item 6; docs/data.md, §Capacity and
certification). The one place where a cell's status becomes or stops being ``deactivated``.

A deactivated cell stays on the record: it keeps its certified places (Cell.CERTIFIED_STATUSES) and has no
operational ones (cells.certification.capacity_totals counts operational places over the cells in use
only). Each deactivation is a CellDeactivation row (why, since when, when expected back, the work order,
who), closed by the reactivation (on which date, who); both writes are in the cell's history too, with a
change reason naming the deactivation. Modelled on the UK Ministry of Justice's "Locations Inside Prison"
(a location temporarily out of use, with a reason and an expected return date)."""

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exceptions import ConflictError
from core.validators import future_message, is_in_future
from core.versioning import check_version, lock, save_changes
from facilities import decisions

from .models import Cell, CellDeactivation
from .tasks import schedule_recalculation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# The history's change reasons (stored as written, in English, like every history value; at most 100
# characters, django-simple-history's column).
REASON_DEACTIVATED = "taken out of use: deactivation #%(id)s (%(reason)s)"
REASON_REACTIVATED = "back in use: deactivation #%(id)s closed"
WORK_ORDER_MAX = 100  # characters, CellDeactivation.work_order


def check_can_deactivate(user: "User | AnonymousUser", cell: Cell) -> None:
    """Raise PermissionDenied unless ``user`` edits cells in ``cell``'s region: ministry editors of the
    region and administrators (facilities.decisions.check_may_edit_cells)."""
    decisions.check_may_edit_cells(user, cell.block.facility.region_id)


def occupied_message(cell: Cell) -> str:
    """The one message of a deactivation of a cell that still holds persons."""
    return ngettext(
        "Cell %(number)s holds %(persons)s person: move them out first (a movement), then take it out of use.",
        "Cell %(number)s holds %(persons)s persons: move them out first (a movement), then take it out of use.",
        cell.occupancy or 0,
    ) % {"number": cell.number, "persons": cell.occupancy}


def not_in_use_message(cell: Cell) -> str:
    """The one message of a deactivation of a cell that is not in use (a draft, under reconstruction,
    already deactivated, decommissioned)."""
    return _("Only a cell in use can be taken out of use; cell %(number)s is %(status)s.") % {
        "number": cell.number,
        "status": cell.get_status_display(),
    }


def _reason_note(template: str, values: dict, note: str = "") -> str:
    text = template % values
    if note:
        text = f"{text}: {note}"
    return text[:100]


@transaction.atomic
def deactivate(
    *,
    user: "User",
    cell: Cell,
    reason: str,
    reason_text: str = "",
    deactivated_on: datetime.date,
    expected_reactivation: datetime.date,
    work_order: str = "",
    expected_version: int | None = None,
    is_demo: bool = False,
) -> CellDeactivation:
    """Take ``cell`` temporarily out of use: a CellDeactivation opened and the cell's status set to
    ``deactivated`` (only ``status`` saved, its version raised, history with ``user`` and the reason
    REASON_DEACTIVATED naming the deactivation).

    ``reason``: one of CellDeactivation.Reason (``reason_text`` required for ``other``); ``deactivated_on``:
    not in the future; ``expected_reactivation``: not before ``deactivated_on``; ``work_order``: the
    reference of the works (up to 100 characters, optional).

    Rules, on the cell's locked row (core.versioning.lock, then check_version against ``expected_version``,
    the version the caller read; None = not stated): the cell is in use (not a draft, under reconstruction,
    already out of use or decommissioned) and holds nobody: its persons are moved out first by a movement
    (cells.movements.move_persons), never by this write. Who: ministry editors of the cell's region and
    administrators. The facility's compliance is recomputed on commit.

    Raises PermissionDenied, core.versioning.StaleVersion, ValidationError ``{field: [reason]}``,
    ConflictError (an open deactivation of the cell exists: never, but for data written around this
    service). Returns the deactivation."""
    check_can_deactivate(user, cell)
    current = lock(Cell.objects.select_related("block__facility"), cell.pk)
    check_can_deactivate(user, current)  # its region now, not as the caller read it
    check_version(current, expected_version)
    errors: dict[str, list[str]] = {}
    if current.status != Cell.Status.IN_USE:
        errors["status"] = [not_in_use_message(current)]
    elif current.occupancy:
        errors["occupancy"] = [occupied_message(current)]
    if deactivated_on is None:
        errors["deactivated_on"] = [_("Give the date the cell is out of use from.")]
    elif is_in_future(deactivated_on):
        errors["deactivated_on"] = [future_message()]
    if expected_reactivation is None:
        errors["expected_reactivation"] = [_("Give the date the cell is expected back in use.")]
    elif deactivated_on is not None and expected_reactivation < deactivated_on:
        errors["expected_reactivation"] = [_("The expected reactivation date cannot be before the deactivation.")]
    reason_text = (reason_text or "").strip()
    work_order = (work_order or "").strip()
    if reason not in CellDeactivation.Reason.values:
        errors["reason"] = [_("Choose a reason: %(reasons)s.") % {"reasons": ", ".join(CellDeactivation.Reason.values)}]
    elif reason == CellDeactivation.Reason.OTHER and not reason_text:
        errors["reason_text"] = [_('Describe the reason when it is "other".')]
    if len(work_order) > WORK_ORDER_MAX:
        errors["work_order"] = [_("The work order reference has at most %(max)s characters.") % {"max": WORK_ORDER_MAX}]
    if errors:
        raise ValidationError(errors)
    deactivation = CellDeactivation(
        cell=current,
        reason=reason,
        reason_text=reason_text,
        deactivated_on=deactivated_on,
        expected_reactivation=expected_reactivation,
        work_order=work_order,
        deactivated_by=user if getattr(user, "pk", None) else None,
        is_demo=is_demo,
    )
    try:
        deactivation.full_clean(exclude=["cell", "deactivated_by", "reactivated_by"], validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    deactivation._history_user = user if getattr(user, "pk", None) else None  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            deactivation.save()
    except IntegrityError:  # an open deactivation written around this service
        raise ConflictError(
            _("Cell %(number)s already has an open deactivation; bring it back into use first.")
            % {"number": current.number},
            current.version,
        ) from None
    current.status = Cell.Status.DEACTIVATED
    save_changes(
        current,
        ["status"],
        user=user,
        reason=_reason_note(REASON_DEACTIVATED, {"id": deactivation.pk, "reason": reason}),
    )
    schedule_recalculation(current.block.facility_id)
    return deactivation


@transaction.atomic
def reactivate(
    *,
    user: "User",
    cell: Cell,
    reactivated_on: datetime.date,
    expected_version: int | None = None,
    note: str = "",
) -> Cell:
    """Bring a temporarily deactivated ``cell`` back into use: its open CellDeactivation closed
    (``reactivated_on``, ``reactivated_by``) and the cell's status set to ``in_use`` (only ``status`` saved,
    version raised, history with ``user`` and the reason REASON_REACTIVATED naming the deactivation, with
    ``note`` after it; the reason is cut at 100 characters). Its operational places come back with it.

    ``reactivated_on``: not in the future, not before the deactivation's ``deactivated_on``. Rules on the
    locked row (lock, check_version as deactivate): only a cell whose status is ``deactivated``. A
    deactivated cell with no open deactivation (status written before this service existed) is brought
    back all the same. Who: as deactivate. Compliance recomputed on commit.

    Raises PermissionDenied, StaleVersion, ValidationError ``{field: [reason]}``. Returns the saved cell."""
    check_can_deactivate(user, cell)
    current = lock(Cell.objects.select_related("block__facility"), cell.pk)
    check_can_deactivate(user, current)
    check_version(current, expected_version)
    errors: dict[str, list[str]] = {}
    if current.status != Cell.Status.DEACTIVATED:
        errors["status"] = [
            _("Cell %(number)s is not out of use (%(status)s): only a deactivated cell is brought back.")
            % {"number": current.number, "status": current.get_status_display()}
        ]
    open_ = (
        CellDeactivation.objects.select_for_update(of=("self",))
        .filter(cell=current, reactivated_on__isnull=True)
        .order_by("-deactivated_on", "-id")
        .first()
    )
    if reactivated_on is None:
        errors["reactivated_on"] = [_("Give the date the cell is back in use.")]
    elif is_in_future(reactivated_on):
        errors["reactivated_on"] = [future_message()]
    elif open_ is not None and reactivated_on < open_.deactivated_on:
        errors["reactivated_on"] = [
            _("The cell is out of use since %(date)s; it cannot be back in use before that.")
            % {"date": f"{open_.deactivated_on:%Y-%m-%d}"}
        ]
    if errors:
        raise ValidationError(errors)
    note = (note or "").strip()
    if open_ is not None:
        open_.reactivated_on = reactivated_on
        open_.reactivated_by = user if getattr(user, "pk", None) else None
        save_changes(
            open_,
            ["reactivated_on", "reactivated_by"],
            user=user,
            reason=_reason_note(REASON_REACTIVATED, {"id": open_.pk}, note),
        )
    current.status = Cell.Status.IN_USE
    save_changes(
        current,
        ["status"],
        user=user,
        reason=_reason_note(REASON_REACTIVATED, {"id": open_.pk if open_ else "?"}, note),
    )
    schedule_recalculation(current.block.facility_id)
    return current
