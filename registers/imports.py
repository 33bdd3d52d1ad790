"""Imports of the ministry's registers: facilities, blocks, cell surveys, headcounts, population by home
region. Every import is a dry run first; confirming writes every row in one transaction, or nothing.

Rows are checked with the same rules as the pages and the API (cells.services.prepare_cell,
check_headcount, the models' validators and clean()); rows are matched on natural keys, so importing
the same file twice changes nothing and a corrected file updates in place. A missing row never deletes.
Row numbers are those of the file (the header is row 1).
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cells import services as cell_services
from cells.models import Cell
from core import tabular
from core.tabular import TabularError
from core.validators import future_errors, future_message, is_in_future
from facilities import decisions
from facilities.bounds import FACILITY_PERSONS
from facilities.models import Facility, Region, ResidencePopulation, ResidentialBlock
from facilities.regions import find_region, parse_region_code, unknown_region_message

from .columns import COLUMNS

ERRORS_SHOWN = 20


@dataclass
class Outcome:
    """Counts and errors of one import: ``errors`` are ``{"row", "column", "reason"}``."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)
    facilities: set = field(default_factory=set)
    writes: list = field(default_factory=list, repr=False)  # (model, instance, changed fields or None)

    def reject(self, row: int, column: str, reason: str):
        self.errors.append({"row": row, "column": column, "reason": reason})


class _Context:
    """Lookups loaded once per import, within the user's regions."""

    def __init__(self, user):
        self.user = user
        self.regions = {r.code: r for r in Region.objects.all()}
        # Codes are matched ignoring case: "ак-159/7" is АК-159/7, never a new facility.
        self.facilities = {f.code.casefold(): f for f in Facility.objects.visible_to(user).select_related("region")}

    def facility(self, code):
        facility = self.facilities.get(code.casefold())
        if facility is None:
            raise ValidationError({"facility_code": [_("No facility '%(code)s' in your regions.") % {"code": code}]})
        return facility

    def check_region(self, region_id, column):
        if not decisions.may_edit_cells(self.user, region_id):
            raise ValidationError({column: [_("Outside your regions.")]})


def _changes(instance, values: dict) -> list[str]:
    return [name for name, value in values.items() if getattr(instance, name) != value]


def _update(instance, values: dict) -> list[str]:
    """Set the values that differ on ``instance``; returns their names (empty: unchanged)."""
    changed = _changes(instance, values)
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _plan_facility(ctx, row, out):
    region = find_region(row.get("region"), ctx.regions)
    if region is None:
        raise ValidationError({"region": [unknown_region_message(row.get("region"))]})
    ctx.check_region(region.pk, "region")
    values = {k: v for k, v in row.items() if k not in ("region",) and v is not None}
    values["region_id"] = region.pk
    if existing_code := Facility.objects.filter(code__iexact=row["code"]).values_list("code", flat=True).first():
        values["code"] = existing_code
    existing = Facility.objects.filter(code__iexact=row["code"]).select_related("region").first()
    if existing is not None:
        if not decisions.may_edit_cells(ctx.user, existing.region_id):
            raise ValidationError({"code": [_("This facility is outside your regions.")]})
        changed = _update(existing, values)
        if not changed:
            return existing, None
        instance = existing
    else:
        instance = Facility(**values)
        changed = None
    instance.full_clean(exclude=["region"], validate_unique=False)
    return instance, changed


def _plan_block(ctx, row, out):
    facility = ctx.facility(row["facility_code"])
    ctx.check_region(facility.region_id, "facility_code")
    values = {k: v for k, v in row.items() if k != "facility_code" and v is not None}
    existing = ctx.blocks.get((facility.pk, row["name"]))
    if existing is not None:
        changed = _update(existing, values)
        if not changed:
            return existing, None
        instance = existing
    else:
        instance, changed = ResidentialBlock(facility=facility, **values), None
    instance.full_clean(exclude=["facility"], validate_unique=False)
    out.facilities.add(facility.pk)
    return instance, changed


def _plan_cell(ctx, row, out):
    facility = ctx.facility(row["facility_code"])
    block = ctx.blocks.get((facility.pk, row["block_name"]))
    if block is None:
        raise ValidationError(
            {
                "block_name": [
                    _("No block '%(block)s' in %(facility)s.") % {"block": row["block_name"], "facility": facility.code}
                ]
            }
        )
    # An empty cell of the file leaves the stored value as it is (a new cell: unknown).
    values = {k: v for k, v in row.items() if k in cell_services.CELL_FIELDS and v is not None}
    existing = ctx.cells.get((block.pk, row["number"]))
    if existing is not None:
        changed = _changes(existing, values)
        if not changed:
            return existing, None
        before = {name: getattr(existing, name) for name in changed}
        try:
            instance = cell_services.prepare_cell(
                user=ctx.user, data={"block": block, **values}, cell=existing, check_unique=False
            )
        except ValidationError:
            for name, value in before.items():
                setattr(existing, name, value)
            raise
    else:
        instance = cell_services.prepare_cell(user=ctx.user, data={"block": block, **values}, check_unique=False)
        changed = None
    out.facilities.add(facility.pk)
    return instance, changed


def _plan_headcount(ctx, row, out):
    facility = ctx.facility(row["facility_code"])
    decisions.check_may_update_headcount(ctx.user, facility.region_id)
    occupancy, date = row["occupancy"], row["count_date"]
    if row.get("block_name") and not row.get("cell_number"):
        raise ValidationError(
            {"cell_number": [_("Give the cell number, or leave the block empty for a count of the whole facility.")]}
        )
    if row.get("cell_number"):
        block = ctx.blocks.get((facility.pk, row.get("block_name") or ""))
        cell = ctx.cells.get((block.pk, row["cell_number"])) if block else None
        if cell is None:
            raise ValidationError(
                {
                    "cell_number": [
                        _("No cell '%(block)s / %(cell)s' in %(facility)s.")
                        % {"block": row.get("block_name"), "cell": row["cell_number"], "facility": facility.code}
                    ]
                }
            )
        if (cell.occupancy, cell.occupancy_date) == (occupancy, date):
            return cell, None
        cell_services.check_headcount(cell, occupancy, date)
        cell.occupancy, cell.occupancy_date = occupancy, date
        out.facilities.add(facility.pk)
        return cell, ["occupancy", "occupancy_date"]
    if (facility.population, facility.population_date) == (occupancy, date):
        return facility, None
    errors = {}
    if not FACILITY_PERSONS.contains(occupancy):
        errors["occupancy"] = [
            _("The population of a facility is a number of persons from %(min)s to %(max)s.")
            % FACILITY_PERSONS.params()
        ]
    if is_in_future(date):
        errors["count_date"] = [future_message()]
    elif facility.population_date and date < facility.population_date:
        errors["count_date"] = [
            _("A newer count, of %(date)s, is already recorded.") % {"date": f"{facility.population_date:%Y-%m-%d}"}
        ]
    if errors:
        raise ValidationError(errors)
    facility.population, facility.population_date = occupancy, date
    return facility, ["population", "population_date"]


def _plan_residence(ctx, row, out):
    facility = ctx.facility(row["facility_code"])
    ctx.check_region(facility.region_id, "facility_code")
    home = find_region(row.get("home_region"), ctx.regions)
    if home is None:
        raise ValidationError({"home_region": [unknown_region_message(row.get("home_region"))]})
    if errors := future_errors(count_date=row["count_date"]):
        raise ValidationError(errors)
    existing = ctx.residence.get((facility.pk, home.pk, row["count_date"]))
    if existing is not None:
        if existing.persons == row["persons"]:
            return existing, None
        existing.persons = row["persons"]
        existing.full_clean(exclude=["facility", "home_region"], validate_unique=False)
        return existing, ["persons"]
    instance = ResidencePopulation(facility=facility, home_region=home, date=row["count_date"], persons=row["persons"])
    instance.full_clean(exclude=["facility", "home_region"], validate_unique=False)
    return instance, None


def row_key(row: dict, key_columns: tuple[str, ...]) -> tuple:
    """The values that identify the record a row writes, compared as the plans match them: facility codes
    ignoring case (_Context.facility), region codes as parse_region_code reads them (``kz-35`` is KZ-35);
    so two rows naming one record in different letter case are a duplicate, never two writes."""

    def fold(column: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if column in ("code", "facility_code"):
            return value.casefold()
        if column == "home_region":
            try:
                return parse_region_code(value)
            except ValueError:  # malformed: the plan rejects the row
                return value
        return value

    return tuple(fold(column, row.get(column)) for column in key_columns)


PLANS = {
    "facilities": (_plan_facility, ("code",)),
    "blocks": (_plan_block, ("facility_code", "name")),
    "cells": (_plan_cell, ("facility_code", "block_name", "number")),
    "headcounts": (_plan_headcount, ("facility_code", "block_name", "cell_number")),
    "residence": (_plan_residence, ("facility_code", "home_region", "count_date")),
}


def _load(ctx, kind):
    facility_ids = [f.pk for f in ctx.facilities.values()]
    ctx.blocks = {}
    ctx.cells = {}
    ctx.residence = {}
    if kind in ("blocks", "cells", "headcounts"):
        blocks = ResidentialBlock.objects.filter(facility_id__in=facility_ids).select_related("facility")
        ctx.blocks = {(b.facility_id, b.name): b for b in blocks}
    if kind in ("cells", "headcounts"):
        cells = Cell.objects.filter(block__facility_id__in=facility_ids).select_related("block__facility")
        ctx.cells = {(c.block_id, c.number): c for c in cells.iterator(chunk_size=5000)}
    if kind == "residence":
        ctx.residence = {
            (r.facility_id, r.home_region_id, r.date): r
            for r in ResidencePopulation.objects.filter(facility_id__in=facility_ids)
        }


def check_file(kind: str, data: bytes, *, user, encoding: str | None = None, sheet: str | None = None) -> Outcome:
    """The dry run: read and check every row of ``data``; nothing is written.

    Returns an Outcome whose ``writes`` are ready for write(). Raises TabularError when the file as a
    whole cannot be read, PermissionDenied when the user imports nothing at all.
    """
    if kind not in PLANS:
        raise TabularError(
            _("Unknown kind '%(kind)s'. Use one of: %(kinds)s.") % {"kind": kind, "kinds": ", ".join(PLANS)}
        )
    decisions.check_may_import(user, kind)
    columns = {c.name: c for c in COLUMNS[kind]}
    table = tabular.read_table(data, COLUMNS[kind], encoding=encoding, sheet=sheet)
    plan, key_columns = PLANS[kind]
    ctx = _Context(user)
    _load(ctx, kind)
    out = Outcome()
    seen = {}
    for number, raw in table.rows:
        out.rows += 1
        row, failed = {}, False
        for name, value in raw.items():
            try:
                row[name] = columns[name].parse(value) if columns[name].parse else value
            except ValueError as error:
                out.reject(number, name, str(error))
                failed = True
        for name, column in columns.items():
            if (
                column.required
                and row.get(name) in (None, "")
                and not any(e["row"] == number and e["column"] == name for e in out.errors)
            ):
                out.reject(number, name, _("A value is required."))
                failed = True
        if failed:
            out.rejected += 1
            continue
        key = row_key(row, key_columns)
        if key in seen:
            out.reject(
                number,
                key_columns[-1],
                _("The same key as row %(row)s (%(key)s).")
                % {"row": seen[key], "key": " / ".join(str(row.get(k)) for k in key_columns)},
            )
            out.rejected += 1
            continue
        seen[key] = number
        try:
            instance, changed = plan(ctx, row, out)
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for name, reasons in messages.items():
                out.reject(number, name if name != "__all__" else "", " ".join(reasons))
            out.rejected += 1
            continue
        except PermissionDenied as error:
            out.reject(number, "", str(error))
            out.rejected += 1
            continue
        if instance.pk is None:
            out.created += 1
            out.writes.append((type(instance), instance, None))
        elif changed:
            out.updated += 1
            out.writes.append((type(instance), instance, changed))
        else:
            out.unchanged += 1
    if out.rows == 0:
        raise TabularError(_("The file has a header but no rows."))
    for error in out.errors:  # name the columns as the file does
        error["column"] = table.headers.get(error["column"], error["column"])
    return out


@transaction.atomic
def write(out: Outcome, *, user, reason: str) -> None:
    """Write a checked import in one transaction (history rows carry ``reason`` and the user), then
    recompute compliance of the facilities it touched once it commits. Refuses an import with rejected
    rows: all or nothing."""
    if out.rejected:
        raise ValidationError(_("The file has rejected rows; correct them and check the file again."))
    by_model = {}
    for model, instance, changed in out.writes:
        creates, updates, fields = by_model.setdefault(model, ([], [], set()))
        if changed is None:
            creates.append(instance)
        else:
            updates.append(instance)
            fields.update(changed)
    for model in (Facility, ResidentialBlock, Cell, ResidencePopulation):
        if model not in by_model:
            continue
        creates, updates, fields = by_model[model]
        if creates:
            bulk_create_with_history(creates, model, batch_size=2000, default_user=user, default_change_reason=reason)
        if updates:
            bulk_update_with_history(
                updates, model, sorted(fields), batch_size=2000, default_user=user, default_change_reason=reason
            )
    cell_services.schedule_recalculation(*out.facilities)
