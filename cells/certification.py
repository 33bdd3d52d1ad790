"""Certification of a facility's cells: requests, their decision by a certification reviewer who is not the
requester, and the facility's numbered, immutable cell certificates (docs/data.md, §Capacity and
certification). The one place where certified capacity, accommodation type, sanitary annex, a permanent
decommissioning or a new cell's coming into use is written.

The three capacity figures (persons): *design* (as built), *certified* (the places the last approved
certification gave the cell) and *operational* (certified places of cells in use, not temporarily out of
use). Modelled on the UK Ministry of Justice's open-source "Locations Inside Prison" service."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.bounds import validate_free_text
from core.exceptions import AlreadyDone, ConflictError
from core.versioning import check_version, lock, save_changes
from facilities import decisions
from facilities.models import AccommodationType, Facility, ResidentialBlock

from .models import Cell, CellCertificate, CertificateLine, CertificationLine, CertificationRequest
from .movements import Move, apply_moves, check_moves, lock_cells, parse_plan, summarise_plan
from .selectors import capacity_aggregates
from .tasks import schedule_recalculation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Action = CertificationLine.Action
Kind = CertificationRequest.Kind
REASON_APPROVED = "certification request #%s approved"
CERTIFICATE_TOTALS = ("cells", "places_design", "places_certified", "places_operational")


# ---------------------------------------------------------------------------------------------------
# Figures and certificates


def capacity_totals(cells) -> dict:
    """The three capacity figures of ``cells`` (a Cell queryset), in persons, and the cells on the record:
    ``{"cells", "places_design", "places_certified", "places_operational"}``, as a certificate records them.
    Their definitions are cells.selectors.capacity_aggregates' (the one place): design and certified places
    over the cells on the record (Cell.CERTIFIED_STATUSES), operational places over the cells in use. One
    query."""
    figures = capacity_aggregates()
    return cells.aggregate(**{name: figures[name] for name in CERTIFICATE_TOTALS})


def current_certificate(facility: Facility) -> CellCertificate | None:
    """The facility's newest cell certificate, or None before its baseline was issued."""
    return facility.cell_certificates.order_by("-number").first()


def issue_certificate(
    facility: Facility, *, user: "User | None", request: CertificationRequest | None = None, is_demo: bool = False
) -> CellCertificate:
    """Issue the facility's next cell certificate from its cells as they stand now: version = the last + 1
    (1, the baseline, when there is none), approver ``user``, the totals (capacity_totals) and one line per
    certified cell. Locks the facility's row (numbering is serial per facility). Inside a transaction.
    Returns the certificate."""
    Facility.objects.select_for_update(of=("self",)).filter(pk=facility.pk).first()
    number = (facility.cell_certificates.aggregate(n=Max("number"))["n"] or 0) + 1
    cells = Cell.objects.filter(block__facility=facility)
    totals = capacity_totals(cells)
    certificate = CellCertificate.objects.create(
        facility=facility,
        number=number,
        issued_at=timezone.now(),
        approved_by=user if getattr(user, "pk", None) else None,
        request=request,
        is_baseline=number == 1,
        is_demo=is_demo,
        **totals,
    )
    CertificateLine.objects.bulk_create(
        CertificateLine(
            certificate=certificate,
            cell=cell,
            block_name=cell.block.name,
            number=cell.number,
            accommodation_type=cell.accommodation_type,
            living_space_m2=cell.living_space_m2,
            has_sanitary_annex=cell.has_sanitary_annex,
            design_capacity=cell.design_capacity,
            certified_capacity=cell.certified_capacity,
            operational=cell.status == Cell.Status.IN_USE,
        )
        for cell in cells.certified().select_related("block").order_by("block__name", "number", "id")
    )
    return certificate


def ensure_baseline(facility: Facility, *, user: "User | None" = None, is_demo: bool = False) -> CellCertificate:
    """The facility's baseline certificate (version 1), issued now from its cells when it has none yet;
    the current certificate otherwise. Idempotent."""
    return current_certificate(facility) or issue_certificate(facility, user=user, is_demo=is_demo)


# ---------------------------------------------------------------------------------------------------
# Requests


def pending_conflict_message(cell: Cell, request_id: int | None) -> str:
    """The one message of a cell already named by a pending request."""
    return _(
        "Cell %(number)s is already on pending certification request #%(request)s: decide or withdraw it first."
    ) % {"number": cell.number, "request": request_id or "?"}


def _line_errors(cell: Cell, line: dict, planned_out: int) -> list[str]:
    """What is wrong with ``line`` (action and proposed values) for the locked ``cell``; ``planned_out``:
    persons the request's movement plan takes out of the cell."""
    action = line["action"]
    errors = []
    capacity = line.get("certified_capacity")
    if capacity is not None and not (1 <= capacity <= 1000):
        errors.append(_("Certified capacity is a number of persons from 1 to 1000."))
    if action == Action.BRING_INTO_USE:
        if cell.status != Cell.Status.DRAFT:
            errors.append(_("Cell %(number)s is not a draft: it is already on the record.") % {"number": cell.number})
        if (capacity if capacity is not None else cell.certified_capacity) is None:
            errors.append(_("Give the certified capacity (persons) of new cell %(number)s.") % {"number": cell.number})
    elif action == Action.DECOMMISSION:
        if capacity is not None or line.get("accommodation_type") or line.get("has_sanitary_annex") is not None:
            errors.append(_("A decommissioning proposes no values: leave certified capacity, type and annex empty."))
        if cell.status not in Cell.CERTIFIED_STATUSES:
            errors.append(
                _("Room %(number)s is not on the record (%(status)s).")
                % {"number": cell.number, "status": cell.get_status_display()}
            )
        elif (cell.occupancy or 0) - planned_out > 0:
            errors.append(
                ngettext(
                    "Room %(number)s holds %(persons)s person: move them out (a movement) before it is decommissioned.",
                    "Room %(number)s holds %(persons)s persons: move them out (a movement) before it is decommissioned.",
                    (cell.occupancy or 0) - planned_out,
                )
                % {"number": cell.number, "persons": (cell.occupancy or 0) - planned_out}
            )
    elif action == Action.CHANGE:
        if cell.status not in Cell.CERTIFIED_STATUSES:
            errors.append(
                _("Cell %(number)s is not on the record (%(status)s).")
                % {"number": cell.number, "status": cell.get_status_display()}
            )
        proposed = {
            "certified_capacity": capacity,
            "accommodation_type": line.get("accommodation_type") or None,
            "has_sanitary_annex": line.get("has_sanitary_annex"),
        }
        if not any(value is not None and value != getattr(cell, name) for name, value in proposed.items()):
            errors.append(_("The line for cell %(number)s changes nothing.") % {"number": cell.number})
    else:
        errors.append(_("Unknown action %(action)s.") % {"action": action})
    kind = line.get("accommodation_type") or cell.accommodation_type
    if kind == AccommodationType.SINGLE and action != Action.DECOMMISSION:
        if (capacity if capacity is not None else cell.certified_capacity) not in (None, 1):
            errors.append(_("A single-occupancy cell is certified for exactly 1 person."))
        if cell.design_capacity != 1:
            errors.append(
                _(
                    "Cell %(number)s was built for %(design)s persons: a single-occupancy cell has a design capacity "
                    "of 1 (register the new single cells instead)."
                )
                % {"number": cell.number, "design": cell.design_capacity if cell.design_capacity is not None else "?"}
            )
    if (
        action != Action.DECOMMISSION
        and capacity is not None
        and cell.design_capacity is not None
        and capacity > cell.design_capacity
    ):
        errors.append(
            _("Cell %(number)s was built for %(design)s persons: it cannot be certified for %(capacity)s.")
            % {"number": cell.number, "design": cell.design_capacity, "capacity": capacity}
        )
    return errors


def kind_of(lines: list[dict], *, conversion: bool = False) -> str:
    """The request's kind from its lines: CONVERSION when it completes a conversion, else the one kind its
    lines share, else MIXED."""
    if conversion:
        return Kind.CONVERSION
    kinds = set()
    for line in lines:
        if line["action"] == Action.BRING_INTO_USE:
            kinds.add(Kind.NEW_CELLS)
        elif line["action"] == Action.DECOMMISSION:
            kinds.add(Kind.DECOMMISSIONING)
        else:
            if line.get("certified_capacity") is not None:
                kinds.add(Kind.CAPACITY)
            if line.get("accommodation_type"):
                kinds.add(Kind.ACCOMMODATION_TYPE)
            if line.get("has_sanitary_annex") is not None:
                kinds.add(Kind.SANITARY_ANNEX)
    return kinds.pop() if len(kinds) == 1 else Kind.MIXED


def _planned_out(moves: Iterable[Move]) -> dict[int, int]:
    out: dict[int, int] = {}
    for move in moves:
        out[move.from_cell] = out.get(move.from_cell, 0) + move.persons
    return out


@transaction.atomic
def open_request(
    *,
    user: "User",
    facility: Facility,
    reason: str,
    lines: list[dict],
    movement_plan: list[dict] | None = None,
    project=None,
    is_demo: bool = False,
) -> CertificationRequest:
    """Open a pending certification request for ``facility`` by ``user`` (a ministry editor of its region or
    an administrator: decisions.check_may_request_certification).

    ``lines``: dicts with ``cell`` (a Cell of the facility), ``action`` (CertificationLine.Action) and, for
    ``change`` or ``bring_into_use``, any of ``certified_capacity`` (persons), ``accommodation_type``,
    ``has_sanitary_annex``. ``movement_plan``: the movements applied on approval (parse_plan's shape); a
    room being decommissioned must be empty once they are applied. ``project``: the conversion project
    whose completion opens it (kind CONVERSION).

    Locks the cells in id order; a cell already on a pending request raises ConflictError (409). Raises
    PermissionDenied, ValidationError ``{field: [reasons]}`` (``lines[2]``: the line, 0-based). Returns the
    request with its lines (values before recorded)."""
    decisions.check_may_request_certification(user, facility.region_id)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the request.")]
    else:
        try:
            validate_free_text(reason)
        except ValidationError as error:
            errors["reason"] = error.messages
    if not lines:
        errors["lines"] = [_("Name at least one cell.")]
    moves = parse_plan(movement_plan or [])
    if errors:
        raise ValidationError(errors)
    cells = lock_cells([line["cell"].pk for line in lines] + [m.from_cell for m in moves] + [m.to_cell for m in moves])
    out = _planned_out(moves)
    seen = set()
    for index, line in enumerate(lines):
        cell = cells.get(line["cell"].pk)
        if cell is None or cell.block.facility_id != facility.pk:
            errors[f"lines[{index}]"] = [_("This cell is not in this institution.")]
            continue
        if cell.pk in seen:
            errors[f"lines[{index}]"] = [_("Cell %(number)s is named twice.") % {"number": cell.number}]
            continue
        seen.add(cell.pk)
        line_errors = _line_errors(cell, line, out.get(cell.pk, 0))
        if line_errors:
            errors[f"lines[{index}]"] = line_errors
    if moves:
        arriving = {line["cell"].pk for line in lines if line["action"] == Action.BRING_INTO_USE}
        try:
            check_moves(moves, cells, timezone.localdate(), arriving=arriving, facility_id=facility.pk)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    request = CertificationRequest.objects.create(
        facility=facility,
        kind=kind_of(lines, conversion=project is not None),
        reason=reason,
        project=project,
        movement_plan=[m.as_dict() for m in moves],
        requested_by=user,
        is_demo=is_demo,
    )
    rows = []
    for line in lines:
        cell = cells[line["cell"].pk]
        rows.append(
            CertificationLine(
                request=request,
                cell=cell,
                action=line["action"],
                certified_capacity=line.get("certified_capacity"),
                accommodation_type=line.get("accommodation_type") or "",
                has_sanitary_annex=line.get("has_sanitary_annex"),
                before_status=cell.status,
                before_certified_capacity=cell.certified_capacity,
                before_accommodation_type=cell.accommodation_type,
                before_has_sanitary_annex=cell.has_sanitary_annex,
            )
        )
    try:
        with transaction.atomic():
            CertificationLine.objects.bulk_create(rows)
    except IntegrityError:
        taken = CertificationLine.objects.filter(pending=True, cell__in=[r.cell for r in rows]).exclude(request=request)
        other = taken.select_related("cell").first()
        raise ConflictError(
            pending_conflict_message(other.cell, other.request_id)
            if other
            else _("A cell is on another pending request.")
        ) from None
    return request


def _locked_request(request: CertificationRequest) -> CertificationRequest:
    current = lock(CertificationRequest.objects.select_related("facility", "requested_by", "decided_by"), request.pk)
    if current.status != CertificationRequest.Status.PENDING:
        decider = type(current.requested_by).objects.filter(pk=current.decided_by_id).first()  # read after the lock
        who = decider.get_username() if decider else _("the system")
        raise AlreadyDone(
            _("This certification request is already %(status)s (%(user)s, %(date)s).")
            % {
                "status": current.get_status_display(),
                "user": who,
                "date": f"{timezone.localtime(current.decided_at):%Y-%m-%d %H:%M}" if current.decided_at else "?",
            },
            current.version,
        )
    return current


def _close(request: CertificationRequest, status: str, user: "User", note: str, record: dict | None = None) -> None:
    request.status, request.decided_by, request.decided_at = status, user, timezone.now()
    request.decision_note = note
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    if record is not None:
        request.decision_record = record
        fields.append("decision_record")
    save_changes(request, fields, user=user)
    request.lines.update(pending=False)


@transaction.atomic
def approve(
    *, user: "User", request: CertificationRequest, expected_version: int | None = None, note: str = ""
) -> CellCertificate:
    """Approve a pending request and apply it in one transaction: the facility's baseline certificate
    issued first if it has none, then the movements of the plan (cells.movements), each line (new cells
    in use with their certified places; changes of certified capacity, accommodation type, sanitary annex;
    rooms decommissioned, holding nobody), the block of a conversion marked as cells, and the facility's
    next certificate issued (version N+1 with the new totals).

    By a certification reviewer of the region or an administrator, never the requester
    (decisions.check_may_decide_certification: PermissionDenied, the API's 403). Raises AlreadyDone (409)
    when the request is no longer pending, StaleVersion for a stale ``expected_version``, ValidationError
    when the cells changed since the request so that it no longer applies (nothing is written). Returns the
    certificate issued."""
    decisions.check_may_decide_certification(user, request.facility.region_id, request.requested_by_id)
    current = _locked_request(request)
    decisions.check_may_decide_certification(user, current.facility.region_id, current.requested_by_id)
    check_version(current, expected_version)
    # The facility's row before any cell: two approvals in one facility serialise here (the certificate's
    # numbering needs it anyway) instead of deadlocking over cells, history and the facility.
    Facility.objects.select_for_update(of=("self",)).filter(pk=current.facility_id).first()
    record = decision_record(current)
    ensure_baseline(current.facility, user=None, is_demo=current.is_demo)
    lines = list(current.lines.order_by("cell_id"))
    moves = parse_plan(current.movement_plan)
    cells = lock_cells([line.cell_id for line in lines] + [m.from_cell for m in moves] + [m.to_cell for m in moves])
    out = _planned_out(moves)
    errors = []
    for line in lines:
        cell = cells[line.cell_id]
        spec = {
            "action": line.action,
            "certified_capacity": line.certified_capacity,
            "accommodation_type": line.accommodation_type,
            "has_sanitary_annex": line.has_sanitary_annex,
        }
        errors += _line_errors(cell, spec, out.get(cell.pk, 0))
    arriving = {line.cell_id for line in lines if line.action == Action.BRING_INTO_USE}
    date = timezone.localdate()
    for line in lines:  # new cells come into use first, so that persons can move into them
        if line.action == Action.BRING_INTO_USE:
            cells[line.cell_id].status = Cell.Status.IN_USE
    try:
        if moves:
            check_moves(moves, cells, date, arriving=arriving, facility_id=current.facility_id)
    except ValidationError as error:
        errors += [message for messages in error.message_dict.values() for message in messages]
    if errors:
        raise ValidationError(
            {"request": [_("The cells changed since the request; it no longer applies: ") + " ".join(errors)]}
        )
    reason = REASON_APPROVED % current.pk
    for line in lines:
        cell = cells[line.cell_id]
        fields = []
        if line.action == Action.BRING_INTO_USE:
            fields.append("status")
            cell.occupancy = cell.occupancy or 0
            cell.occupancy_date = cell.occupancy_date or date
            fields += ["occupancy", "occupancy_date"]
        if line.certified_capacity is not None:
            cell.certified_capacity = line.certified_capacity
            fields.append("certified_capacity")
        if line.accommodation_type:
            cell.accommodation_type = line.accommodation_type
            fields.append("accommodation_type")
        if line.has_sanitary_annex is not None:
            cell.has_sanitary_annex = line.has_sanitary_annex
            fields.append("has_sanitary_annex")
        if fields:
            try:
                cell.full_clean(exclude=["block", "number"], validate_unique=False)
            except ValidationError as error:
                raise ValidationError(
                    {
                        "request": [
                            _("The request no longer applies to cell %(number)s: ") % {"number": cell.number}
                            + " ".join(error.messages)
                        ]
                    }
                ) from None
            save_changes(cell, fields, user=user, reason=reason)
    apply_moves(moves, cells, date=date, reason=reason, user=user, request=current)
    for line in lines:
        if line.action == Action.DECOMMISSION:
            cell = cells[line.cell_id]
            cell.status, cell.occupancy, cell.certified_capacity = Cell.Status.DECOMMISSIONED, 0, None
            save_changes(cell, ["status", "occupancy", "certified_capacity"], user=user, reason=reason)
    if current.project is not None:
        block = lock(ResidentialBlock.objects.all(), current.project.block_id)
        if block.accommodation_type != ResidentialBlock.Accommodation.CELL:
            block.accommodation_type = ResidentialBlock.Accommodation.CELL
            save_changes(block, ["accommodation_type"], user=user, reason=reason)
    _close(current, CertificationRequest.Status.APPROVED, user, note, record)
    certificate = issue_certificate(current.facility, user=user, request=current, is_demo=current.is_demo)
    schedule_recalculation(current.facility_id)
    return certificate


@transaction.atomic
def reject(
    *, user: "User", request: CertificationRequest, note: str, expected_version: int | None = None
) -> CertificationRequest:
    """Reject a pending request with ``note`` (the reviewer's reason, required): nothing on the record
    changes; its cells are free for another request. Who may: as approve. Raises PermissionDenied,
    AlreadyDone, StaleVersion, ValidationError ``{"note": [...]}``."""
    decisions.check_may_decide_certification(user, request.facility.region_id, request.requested_by_id)
    if not (note or "").strip():
        raise ValidationError({"note": [_("Give the reason for the rejection.")]})
    current = _locked_request(request)
    check_version(current, expected_version)
    _close(current, CertificationRequest.Status.REJECTED, user, note.strip(), decision_record(current))
    return current


def may_withdraw(user: "User", request: CertificationRequest) -> bool:
    """The requester (still an editor of the region) or an administrator withdraws a pending request."""
    from facilities import scoping

    if scoping.ADMIN in scoping.roles(user):
        return True
    return user.pk == request.requested_by_id and decisions.may_request_certification(user, request.facility.region_id)


def check_may_withdraw(user: "User", request: CertificationRequest) -> None:
    """Raise PermissionDenied (one message: service, API and page) unless may_withdraw(user, request)."""
    from django.core.exceptions import PermissionDenied

    if not may_withdraw(user, request):
        raise PermissionDenied(_("Only the requester or an administrator withdraws a certification request."))


@transaction.atomic
def withdraw(
    *, user: "User", request: CertificationRequest, note: str = "", expected_version: int | None = None
) -> CertificationRequest:
    """Withdraw a pending request (its requester or an administrator): nothing on the record changes.
    Raises PermissionDenied, AlreadyDone, StaleVersion."""
    check_may_withdraw(user, request)
    current = _locked_request(request)
    check_version(current, expected_version)
    _close(current, CertificationRequest.Status.WITHDRAWN, user, (note or "").strip())
    return current


# ---------------------------------------------------------------------------------------------------
# What the reviewer sees before deciding


def proposed_measurements(line: CertificationLine, persons: int | None = None) -> dict:
    """The measurements of ``line``'s cell as the request would leave it, for the design check
    (cells.compliance.design_check.evaluate_measurements, the rule expressions of stored cells): the stored
    measurements (m², m) with the proposed accommodation type and sanitary annex where the line changes
    them; as the design capacity the places the cell would be certified for (the proposed certified
    capacity, else the certified one, else the design capacity; persons); as the occupancy ``persons``
    (the persons it would hold once the request's movements are applied), else the count stored."""
    cell = line.cell
    capacity = line.certified_capacity
    if capacity is None:
        capacity = cell.certified_capacity if cell.certified_capacity is not None else cell.design_capacity
    return {
        "accommodation_type": line.accommodation_type or cell.accommodation_type,
        "living_space_m2": cell.living_space_m2,
        "design_capacity": capacity,
        "occupancy": persons if persons is not None else cell.occupancy,
        "has_sanitary_annex": (
            line.has_sanitary_annex if line.has_sanitary_annex is not None else cell.has_sanitary_annex
        ),
        "sanitary_annex_partitioned": cell.sanitary_annex_partitioned,
        "min_wall_distance_m": cell.min_wall_distance_m,
        "ceiling_height_m": cell.ceiling_height_m,
        "has_natural_light": cell.has_natural_light,
    }


def decision_record(request: CertificationRequest) -> dict:
    """What the reviewer saw when deciding ``request`` (read under its lock, before anything changes): the
    lines' results (proposed_results, by line id as text) and the movement plan per room
    (movements.summarise_plan, with the counts of that moment). Kept on the decided request, so that its page
    shows the figures it was decided on, not today's."""
    results = proposed_results(request, live=True)
    return {
        "decided_on": timezone.localdate().isoformat(),
        "results": {str(pk): value for pk, value in results.items()},
        "plan": summarise_plan(request.movement_plan or []),
    }


def plan_rows(request: CertificationRequest) -> list[dict]:
    """The request's movement plan per room (movements.summarise_plan's rows): as it stood when the request
    was decided (its decision record), else with today's counts."""
    record = request.decision_record or {}
    if request.status != CertificationRequest.Status.PENDING and "plan" in record:
        return record["plan"]
    return summarise_plan(request.movement_plan or [])


def proposed_results(
    request: CertificationRequest, profiles=None, *, live: bool = False
) -> dict[int, list[dict] | None]:
    """Each line's compliance under every active profile (or ``profiles``) on the measurements it proposes
    (proposed_measurements, the occupancy after the request's movement plan), by the engine's rule
    expressions (design_check.evaluate_measurements: one query per line), so that the reviewer sees each
    cell's result before deciding: ``{line.id: [{"code", "title", "verified", "status", "rules": [...]},
    ...]}``; None for a decommissioning (the room leaves the record) and for every line when no profile is
    active. Reads ``request.lines`` (with their cells). A decided request (unless ``live``) answers the
    results it was decided on (its decision record; none for a withdrawn one): the cells have changed since."""
    from .compliance.design_check import evaluate_measurements
    from .models import StandardProfile

    if request.status != CertificationRequest.Status.PENDING and not live:
        recorded = (request.decision_record or {}).get("results", {})
        return {line.pk: recorded.get(str(line.pk)) for line in request.lines.all()}

    if profiles is None:
        profiles = list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))
    try:
        moves = parse_plan(request.movement_plan or [])
    except ValidationError:
        moves = []
    change: dict[int, int] = {}
    for move in moves:
        change[move.from_cell] = change.get(move.from_cell, 0) - move.persons
        change[move.to_cell] = change.get(move.to_cell, 0) + move.persons
    results: dict[int, list[dict] | None] = {}
    for line in request.lines.all():
        if line.action == Action.DECOMMISSION or not profiles:
            results[line.pk] = None
            continue
        persons = max((line.cell.occupancy or 0) + change.get(line.cell_id, 0), 0)
        results[line.pk] = evaluate_measurements(proposed_measurements(line, persons), profiles)
    return results


def may_resubmit(user: "User", request: CertificationRequest) -> bool:
    """Whether ``user`` submits ``request`` again: it was rejected or withdrawn, and the user requests
    certifications in its region (decisions.may_request_certification)."""
    done = (CertificationRequest.Status.REJECTED, CertificationRequest.Status.WITHDRAWN)
    return request.status in done and decisions.may_request_certification(user, request.facility.region_id)


@transaction.atomic
def resubmit(
    *, user: "User", request: CertificationRequest, reason: str = "", movement_plan: list[dict] | None = None
) -> CertificationRequest:
    """Submit a rejected or withdrawn ``request`` again as a new pending request: the same lines (cells,
    actions, proposed values; values before read again), the same conversion project, and
    ``movement_plan`` (parse_plan's shape; None: the plan of ``request`` as it was confirmed). ``reason``:
    what changed (None/blank: "Submitted again: <the earlier reason>"). The rules are open_request's: a plan
    that no longer fits the rooms' counts is refused naming them (ValidationError ``movement_plan``), and the
    editor gives another. Raises PermissionDenied, ValidationError, ConflictError (a cell on another pending
    request: 409). Returns the new request."""
    from django.core.exceptions import PermissionDenied

    request = lock(CertificationRequest.objects.select_related("facility", "project"), request.pk)
    if not may_resubmit(user, request):
        if request.status not in (CertificationRequest.Status.REJECTED, CertificationRequest.Status.WITHDRAWN):
            raise ValidationError({"request": [_("Only a rejected or withdrawn request is submitted again.")]})
        raise PermissionDenied(_("Only a ministry editor of this region or an administrator requests a certification."))
    lines = [
        {
            "cell": line.cell,
            "action": line.action,
            "certified_capacity": line.certified_capacity,
            "accommodation_type": line.accommodation_type,
            "has_sanitary_annex": line.has_sanitary_annex,
        }
        for line in request.lines.select_related("cell").order_by("id")
    ]
    text = (reason or "").strip() or _("Submitted again (request #%(number)s): %(reason)s") % {
        "number": request.pk,
        "reason": request.reason,
    }
    return open_request(
        user=user,
        facility=request.facility,
        reason=text,
        lines=lines,
        movement_plan=request.movement_plan if movement_plan is None else movement_plan,
        project=request.project,
        is_demo=request.is_demo,
    )
