"""Imports of the ministry's registers: facilities, blocks, cell surveys, headcounts, population by home
region; and of a mechanism's recommendations (registers.recommendations). Every import is a dry run first;
confirming writes every row in one transaction, or nothing.

Rows are checked with the same rules as the pages and the API (cells.services.prepare_cell,
check_cell_change, check_headcount, the models' validators and clean()): a new cell of the cell survey is
a draft, and a certified fact of a cell on the record changes only through a certification request; rows are matched on natural keys, so importing
the same file twice changes nothing and a corrected file updates in place. A missing row never deletes.
Row numbers are those of the file (the header is row 1).
"""

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cells import services as cell_services
from cells.models import Cell
from core import tabular, versioning
from core.tabular import TabularError
from core.validators import (
    future_errors,
    future_message,
    identity_key,
    is_in_future,
    is_older_count,
    older_count_message,
)
from facilities import decisions
from facilities.bounds import FACILITY_PERSONS
from facilities.models import Facility, Region, ResidencePopulation, ResidentialBlock
from facilities.regions import find_region, parse_region_code, unknown_region_message
from inspections.models import Action, Finding, SourceDocument

from . import recommendations
from .columns import COLUMNS

MAX_CHANGES = 10_000  # rows of the dry run's changes kept (shown on the page, in the report)

ERRORS_SHOWN = 20
BATCH_ROWS = 2000  # rows planned, locked and written together (one bulk write per model and batch)
MODELS = {
    "facility": Facility,
    "block": ResidentialBlock,
    "cell": Cell,
    "residence": ResidencePopulation,
    recommendations.LABEL: Finding,
    recommendations.DOCUMENT_LABEL: SourceDocument,
    "action": Action,
}
LABELS = {model: label for label, model in MODELS.items()}


def version_of(instance) -> int | None:
    """The record's version (core.versioning.Versioned: every write raises it), None for a model without
    one (ResidencePopulation: its rows are written by imports only)."""
    return getattr(instance, "version", None)


@dataclass
class Outcome:
    """Counts and errors of one import: ``errors`` are ``{"row", "column", "reason"}``; ``versions`` are
    ``{model label: {pk: version}}`` of every existing record a row matched (the dry run's, compared when
    the import is confirmed); ``changed`` counts rows whose record changed since the check.

    ``changes`` (the dry run's, at most MAX_CHANGES) say row by row what would be written:
    ``{"row", "model", "object", "created", "older", "fields": [[column, before, after], ...]}``, values as
    JSON (decimals and dates as text; ``before`` None for a created row); ``older`` marks a count older than
    the stored one, written only because the user confirmed it (``allow_older``), and ``older`` of the
    Outcome counts those rows."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    changed: int = 0
    older: int = 0
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    facilities: set = field(default_factory=set)
    versions: dict = field(default_factory=dict)

    def reject(self, row: int, column: str, reason: str):
        self.errors.append({"row": row, "column": column, "reason": reason})


class RejectedImport(Exception):
    """Confirming found rejected rows (or rows whose record changed since the check): nothing was written.
    ``outcome`` holds the counts and the errors."""

    def __init__(self, outcome: Outcome):
        super().__init__(_("The file has rejected rows; correct them and check the file again."))
        self.outcome = outcome


class _Context:
    """Lookups of one import, within the user's regions: indexes (identifier -> pk) loaded once, the
    records of a batch fetched (and with ``lock``, locked in id order) before its rows are planned.

    ``lock`` is also the confirm: the rows were validated by the dry run against the records as they were
    then, and a row whose record changed since is rejected (versions), so the model validation is not run
    again (validate()); the permission checks are.
    """

    def __init__(self, user, kind: str, lock: bool = False, allow_older: bool = False):
        self.user, self.kind, self.lock, self.allow_older = user, kind, lock, allow_older
        # Per row: the stored values of the records it names, before the plan changes them (the dry run's
        # changes), and whether it writes a count older than the stored one.
        self.before: dict = {}
        self.older = False
        self.seen: dict[str, set] = {}  # label -> pks of the records the rows matched (the confirm's)
        # The row being planned (its number in the file), the dry run's versions in the confirm (None in the
        # dry run), and what a row writes besides its record (``(instance, changed)``: a recommendation's
        # document and action) with its changes column by column (registers.recommendations).
        self.number = 0
        self.versions: dict | None = None
        self.extra: list = []
        self.row_fields: list = []
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_codes = {r.pk: r.code for r in self.regions.values()}
        # Codes are matched ignoring case: "ак-159/7" is АК-159/7, never a new facility.
        self.facilities = {
            identity_key(f.code): f for f in Facility.objects.visible_to(user).select_related("region").order_by("pk")
        }
        facility_ids = [f.pk for f in self.facilities.values()]
        self.codes, self.blocks, self.cells, self.residence = {}, {}, {}, {}
        if kind == "facilities":  # every code, for uniqueness; only the user's are ever named (_plan_facility)
            self.codes = {identity_key(code): pk for pk, code in Facility.objects.values_list("pk", "code")}
        if kind in ("blocks", "cells", "headcounts", "recommendations"):
            blocks = ResidentialBlock.objects.filter(facility_id__in=facility_ids).select_related("facility")
            # a block by its name as stored or as the pages show it in Russian or Kazakh (name_ru, name_kk:
            # core.i18n); the stored name wins where a translation equals another block's name
            self.blocks = {
                (b.facility_id, identity_key(text)): b for b in blocks for text in (b.name_kk, b.name_ru) if text
            }
            self.blocks.update({(b.facility_id, identity_key(b.name)): b for b in blocks})
        if kind in ("cells", "headcounts"):
            rows = Cell.objects.filter(block__facility_id__in=facility_ids).values_list("pk", "block_id", "number")
            self.cells = {
                (block_id, identity_key(number)): pk for pk, block_id, number in rows.iterator(chunk_size=5000)
            }
        if kind == "residence":
            rows = ResidencePopulation.objects.filter(facility_id__in=facility_ids)
            self.residence = {
                key[1:]: key[0] for key in rows.values_list("pk", "facility_id", "home_region_id", "date")
            }
        # The newest count stored per facility and home region: an older one is refused (is_older_count).
        self.latest_residence: dict = {}
        for facility_id, home_id, date in self.residence:
            if date > self.latest_residence.get((facility_id, home_id), date.min):
                self.latest_residence[(facility_id, home_id)] = date
        self.batch: dict = {}
        self.recommendations = recommendations.Lookups.load() if kind == recommendations.KIND else None

    def validate(self, instance, exclude: list[str]) -> None:
        """The model's validation of a planned row (its full_clean), in the dry run only (see the class)."""
        if not self.lock:
            instance.full_clean(exclude=exclude, validate_unique=False)

    def facility(self, code):
        facility = self.facilities.get(identity_key(code))
        if facility is None:
            raise ValidationError({"facility_code": [_("No facility '%(code)s' in your regions.") % {"code": code}]})
        return facility

    def check_region(self, region_id, column):
        if not decisions.may_edit_cells(self.user, region_id):
            raise ValidationError({column: [_("Outside your regions.")]})

    def fetch(self, model, pks) -> None:
        """Load (with ``lock``: lock, in id order) the records ``pks`` of ``model`` for the batch."""
        records = model.objects.filter(pk__in=sorted(set(pks))).order_by("pk")
        if self.lock:
            # The table's write lock before the rows' (as core.versioning.lock): never a deadlock with a
            # compliance run that holds the cells table in SHARE mode and waits for a locked row.
            versioning.lock_table_for_writes(model)
            records = records.select_for_update(of=("self",))
        if model is ResidentialBlock:
            records = records.select_related("facility")
        self.batch.update({(model, r.pk): r for r in records})

    def record(self, model, pk):
        """The batch's record ``pk`` of ``model`` (None: none); in the dry run its stored values are kept
        (``before``) for the row's changes."""
        record = self.batch.get((model, pk)) if pk is not None else None
        if record is not None and not self.lock and (model, pk) not in self.before:
            self.before[(model, pk)] = dict(record.__dict__)
        return record

    def older_count_error(self, date, stored) -> str | None:
        """The rule of a count dated ``date`` where one of ``stored`` is recorded (core.validators
        .is_older_count, the headcounts' rule): the reason it is refused, or None; an older count the user
        allowed (``allow_older``) passes, and the row is marked older."""
        if not is_older_count(date, stored):
            return None
        if self.allow_older:
            self.older = True
            return None
        return older_count_message(stored)

    def prepare(self, rows: list[dict]) -> None:
        """Fetch the existing records the rows of one batch name (one query per model)."""
        if self.kind == recommendations.KIND:
            recommendations.prepare(self, rows)
            return
        self.batch = {}
        facility_pks, cell_pks, block_pks, residence_pks = [], [], [], []
        for row in rows:
            if self.kind == "facilities":
                facility_pks.append(self.codes.get(identity_key(row.get("code"))))
                continue
            facility = self.facilities.get(identity_key(row.get("facility_code")))
            if facility is None:
                continue
            if self.kind == "blocks":
                block_pks.append(getattr(self.blocks.get((facility.pk, identity_key(row.get("name")))), "pk", None))
            elif self.kind in ("cells", "headcounts"):
                name = row.get("block_name") or ""
                block = self.blocks.get((facility.pk, identity_key(name)))
                number = row.get("number") if self.kind == "cells" else row.get("cell_number")
                if block is not None and number:
                    cell_pks.append(self.cells.get((block.pk, identity_key(number))))
                elif self.kind == "headcounts" and not number:
                    facility_pks.append(facility.pk)
            elif self.kind == "residence":
                home = find_region(row.get("home_region"), self.regions)
                if home is not None:
                    residence_pks.append(self.residence.get((facility.pk, home.pk, row.get("count_date"))))
        for model, pks in ((Facility, facility_pks), (ResidentialBlock, block_pks), (Cell, cell_pks)):
            if pks := [pk for pk in pks if pk is not None]:
                self.fetch(model, pks)
        if pks := [pk for pk in residence_pks if pk is not None]:
            self.fetch(ResidencePopulation, pks)


def _changes(instance, values: dict) -> list[str]:
    return [name for name, value in values.items() if getattr(instance, name) != value]


def _update(instance, values: dict) -> list[str]:
    """Set the values that differ on ``instance``; returns their names (empty: unchanged)."""
    changed = _changes(instance, values)
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _plan_facility(ctx, row, out):
    pk = ctx.codes.get(identity_key(row["code"]))
    if pk is not None and identity_key(row["code"]) not in ctx.facilities:
        # A code of a facility outside the user's regions: the message names nothing of it (not its region,
        # its name nor how its code is written), and is the same whatever the facility is.
        raise ValidationError(
            {
                "code": [
                    _("The code '%(code)s' cannot be registered from your account; ask an administrator.")
                    % {"code": row["code"]}
                ]
            }
        )
    region = find_region(row.get("region"), ctx.regions)
    if region is None:
        raise ValidationError({"region": [unknown_region_message(row.get("region"))]})
    ctx.check_region(region.pk, "region")
    values = {k: v for k, v in row.items() if k not in ("region",) and v is not None}
    values["region_id"] = region.pk
    existing = ctx.record(Facility, pk)
    if existing is not None:
        values["code"] = existing.code  # the stored spelling stays
        if not decisions.may_edit_cells(ctx.user, existing.region_id):
            raise ValidationError({"code": [_("This facility is outside your regions.")]})
        changed = _update(existing, values)
        if not changed:
            return existing, None
        instance = existing
    else:
        instance = Facility(**values)
        changed = None
    ctx.validate(instance, ["region"])
    return instance, changed


def _plan_block(ctx, row, out):
    facility = ctx.facility(row["facility_code"])
    ctx.check_region(facility.region_id, "facility_code")
    values = {k: v for k, v in row.items() if k != "facility_code" and v is not None}
    known = ctx.blocks.get((facility.pk, identity_key(row["name"])))
    existing = ctx.record(ResidentialBlock, known.pk if known else None)
    if existing is not None:
        values["name"] = existing.name  # matched ignoring case: the stored spelling stays
        changed = _update(existing, values)
        if not changed:
            return existing, None
        instance = existing
    else:
        instance, changed = ResidentialBlock(facility=facility, **values), None
    ctx.validate(instance, ["facility"])
    out.facilities.add(facility.pk)
    return instance, changed


def _block(ctx, facility, name, column="block_name"):
    block = ctx.blocks.get((facility.pk, identity_key(name or "")))
    if block is None:
        raise ValidationError(
            {column: [_("No block '%(block)s' in %(facility)s.") % {"block": name, "facility": facility.code}]}
        )
    return block


def _plan_cell(ctx, row, out):
    """A row of the cell survey, under the rules of cells.services.prepare_cell: a new cell is registered
    as a draft (its status column is not read; counted nowhere until a certification request brings it
    into use); a cell on the record keeps its accommodation type and sanitary annex (a change is refused
    with cells.services.by_certification_message, a certification request's); statuses draft,
    deactivated and decommissioned are neither set nor left (status_by_service_message); a draft on a
    pending certification request is not changed; a new count is a headcount."""
    facility = ctx.facility(row["facility_code"])
    block = _block(ctx, facility, row["block_name"])
    # An empty cell of the file leaves the stored value as it is (a new cell: unknown).
    values = {k: v for k, v in row.items() if k in cell_services.CELL_FIELDS and v is not None}
    existing = ctx.record(Cell, ctx.cells.get((block.pk, identity_key(row["number"]))))
    if existing is not None:
        existing.block = block
        values["number"] = existing.number  # matched ignoring case: the stored spelling stays
        changed = _changes(existing, values)
        if not changed:
            return existing, None
        if {"occupancy", "occupancy_date"} & set(changed):  # a new count: an older one only if allowed
            ctx.older_count_error(values.get("occupancy_date"), existing.occupancy_date)
    else:
        changed = None
    if ctx.lock:  # the confirm: validated by the dry run (see _Context); who may write it is checked again
        cell_services.check_can_edit_cells(ctx.user, existing)
        ctx.check_region(facility.region_id, "block_name")
        if existing is not None:  # and the rules of a change (a pending request does not raise the version)
            cell_services.check_cell_change(
                existing, {"block": block, **values}, edit=False, allow_older=ctx.allow_older
            )
        instance = existing or Cell(block=block)
        for name, value in values.items():
            setattr(instance, name, value)
        if existing is None:  # a new cell is a draft (cells.services.prepare_cell)
            instance.status, instance.certified_capacity = Cell.Status.DRAFT, None
    elif existing is not None:
        before = {name: getattr(existing, name) for name in changed}
        try:
            instance = cell_services.prepare_cell(
                user=ctx.user,
                data={"block": block, **values},
                cell=existing,
                check_unique=False,
                allow_older=ctx.allow_older,
            )
        except ValidationError:
            for name, value in before.items():
                setattr(existing, name, value)
            raise
    else:
        instance = cell_services.prepare_cell(user=ctx.user, data={"block": block, **values}, check_unique=False)
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
        block = ctx.blocks.get((facility.pk, identity_key(row.get("block_name") or "")))
        cell = ctx.record(Cell, ctx.cells.get((block.pk, identity_key(row["cell_number"])))) if block else None
        if cell is None:
            raise ValidationError(
                {
                    "cell_number": [
                        _("No cell '%(block)s / %(cell)s' in %(facility)s.")
                        % {"block": row.get("block_name"), "cell": row["cell_number"], "facility": facility.code}
                    ]
                }
            )
        cell.block = block
        if (cell.occupancy, cell.occupancy_date) == (occupancy, date):
            return cell, None
        try:
            cell_services.check_headcount(cell, occupancy, date, allow_older=ctx.allow_older)
        except ValidationError as error:  # named by the file's column: the date of a headcount is count_date
            errors = error.message_dict
            raise ValidationError(
                {FIELD_COLUMNS.get(k, k) if k == "occupancy_date" else k: v for k, v in errors.items()}
            ) from None
        ctx.older_count_error(date, cell.occupancy_date)  # marks an allowed older count
        cell.occupancy, cell.occupancy_date = occupancy, date
        out.facilities.add(facility.pk)
        return cell, ["occupancy", "occupancy_date"]
    facility = ctx.record(Facility, facility.pk)
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
    elif reason := ctx.older_count_error(date, facility.population_date):
        errors["count_date"] = [reason]
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
    existing = ctx.record(ResidencePopulation, ctx.residence.get((facility.pk, home.pk, row["count_date"])))
    if existing is None and (
        reason := ctx.older_count_error(row["count_date"], ctx.latest_residence.get((facility.pk, home.pk)))
    ):
        raise ValidationError({"count_date": [reason]})
    if existing is not None:
        if existing.persons == row["persons"]:
            return existing, None
        existing.persons = row["persons"]
        existing.full_clean(exclude=["facility", "home_region"], validate_unique=False)
        return existing, ["persons"]
    instance = ResidencePopulation(facility=facility, home_region=home, date=row["count_date"], persons=row["persons"])
    instance.full_clean(exclude=["facility", "home_region"], validate_unique=False)
    return instance, None


# The column of the file a field written by a kind stands for, where their names differ.
FIELD_COLUMNS = {
    "region_id": "region",
    "population": "occupancy",
    "population_date": "count_date",
    "occupancy_date": "count_date",
}


def _json(value: Any) -> Any:
    """``value`` as JSON: decimals as text, dates ISO; None, booleans, numbers and text as they are."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _change(ctx, number: int, row: dict, instance, changed) -> dict:
    """One row's entry of Outcome.changes: a created record with the row's values, an updated one with
    each changed field's stored and new value (named by the file's column)."""
    key = " / ".join(str(_json(row[k])) for k in PLANS[ctx.kind][1] if row.get(k) not in (None, ""))
    entry = {"row": number, "model": LABELS[type(instance)], "object": key, "created": changed is None}
    entry["older"] = ctx.older
    if ctx.kind == recommendations.KIND:  # the plan listed them, the document's and action's included
        entry["fields"] = [[column, _json(old), _json(new)] for column, old, new in ctx.row_fields]
        return entry
    if changed is None:  # the record's value where the row names a field of it (a new cell is a draft)
        own = {f.name for f in type(instance)._meta.concrete_fields if not f.is_relation}
        fields = []
        for name, value in row.items():
            value = getattr(instance, name) if name in own else value
            if value not in (None, ""):
                fields.append([name, None, _json(value)])
        entry["fields"] = fields
        return entry
    before = ctx.before.get((type(instance), instance.pk), {})
    fields = []
    for name in changed:
        column = name if name in row or ctx.kind == "facilities" else FIELD_COLUMNS.get(name, name)
        old, new = before.get(name), getattr(instance, name)
        if name == "region_id":
            column, old, new = "region", ctx.region_codes.get(old), ctx.region_codes.get(new)
        if _json(old) != _json(new):  # a headcount writes its number and date: list only what differs
            fields.append([column, _json(old), _json(new)])
    entry["fields"] = fields
    return entry


IDENTIFIERS = (
    "code",
    "facility_code",
    "name",
    "block_name",
    "number",
    "cell_number",
    "document_reference",
    "paragraph",
)


def row_key(row: dict, key_columns: tuple[str, ...]) -> tuple:
    """The values that identify the record a row writes, compared as the plans match them: identifiers
    (facility codes, block names, cell numbers) by identity_key(), region codes as parse_region_code reads them
    (``kz-35`` is KZ-35); so two rows naming one record in different letter case are a duplicate, never two
    writes of which the last silently wins."""

    def fold(column: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if column in IDENTIFIERS:
            return identity_key(value)
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
    recommendations.KIND: (recommendations.plan, recommendations.KEY_COLUMNS),
}


PARSED_KEPT = 5000  # distinct values of a column whose reading is kept (dates, choices, areas repeat)


def _parse(column, value, kept: dict):
    """``column``'s reading of ``value`` (or the ValueError saying why not), kept per distinct value: the
    parsers are pure, and a register repeats its dates, choices and measurements on most rows."""
    if column.parse is None:
        return value
    try:
        return kept[value]
    except KeyError:
        pass
    except TypeError:  # an unhashable value (never from CSV or XLSX): read it each time
        kept = {}
    try:
        result = column.parse(value)
    except ValueError as error:
        result = error
    if len(kept) < PARSED_KEPT:
        kept[value] = result
    return result


def _parsed_rows(kind: str, table, out: Outcome) -> Iterator[tuple[int, dict]]:
    """The rows of ``table`` whose values parse and whose key is new in the file; the others rejected."""
    columns = {c.name: c for c in COLUMNS[kind]}
    key_columns = PLANS[kind][1]
    seen = {}
    parsed: dict[str, dict] = {name: {} for name in columns}  # column -> raw value -> value or ValueError
    for number, raw in table.rows:
        out.rows += 1
        row, failed = {}, set()
        for name, value in raw.items():
            result = _parse(columns[name], value, parsed[name])
            if isinstance(result, ValueError):
                out.reject(number, name, str(result))
                failed.add(name)
            else:
                row[name] = result
        for name, column in columns.items():
            if column.required and name not in failed and row.get(name) in (None, ""):
                out.reject(number, name, _("A value is required."))
                failed.add(name)
        if failed:
            out.rejected += 1
            continue
        key = "\x1f".join(map(repr, row_key(row, key_columns)))  # one string: 100,000 keys stay small
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
        yield number, row


def _planned(
    kind: str,
    data: bytes,
    *,
    user,
    out: Outcome,
    encoding,
    sheet,
    lock: bool,
    versions: dict | None,
    progress=None,
    allow_older: bool = False,
):
    """Plan the file batch by batch: yields, per batch of BATCH_ROWS rows, the ``(instance, changed
    fields or None for a new record)`` to write. With ``versions`` (the dry run's), a row whose record
    is new since the check, or whose version differs, is rejected as changed since the check. A count older
    than the stored one is refused unless ``allow_older``. The dry run (no ``versions``) records each
    row's changes in ``out.changes``."""
    if kind not in PLANS:
        raise TabularError(
            _("Unknown kind '%(kind)s'. Use one of: %(kinds)s.") % {"kind": kind, "kinds": ", ".join(PLANS)}
        )
    decisions.check_may_import(user, kind)
    table = tabular.read_table(data, COLUMNS[kind], encoding=encoding, sheet=sheet)
    plan = PLANS[kind][0]
    ctx = _Context(user, kind, lock=lock, allow_older=allow_older)
    ctx.versions = versions
    rows = _parsed_rows(kind, table, out)
    while batch := list(itertools.islice(rows, BATCH_ROWS)):
        ctx.prepare([row for _number, row in batch])
        writes = []
        for number, row in batch:
            ctx.before, ctx.older, ctx.number, ctx.extra, ctx.row_fields = {}, False, number, [], []
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
            if instance.pk is not None:
                label = LABELS[type(instance)]
                if versions is None:
                    out.versions.setdefault(label, {})[instance.pk] = version_of(instance)
                    stale = False
                else:
                    ctx.seen.setdefault(label, set()).add(instance.pk)
                    stale = versions.get(label, {}).get(instance.pk, "new") != version_of(instance)
                if stale:
                    out.reject(
                        number,
                        "",
                        _(
                            "Changed since the check: this record was written by someone else after the file was "
                            "checked; check the file again."
                        ),
                    )
                    out.rejected += 1
                    out.changed += 1
                    continue
            if instance.pk is None:
                out.created += 1
                writes.append((instance, None))
            elif changed:
                out.updated += 1
                writes.append((instance, changed))
            elif ctx.extra:  # the record as it is; its document or action changes
                out.updated += 1
            else:
                out.unchanged += 1
                continue
            # A recommendation's document and action (_write_batch creates documents, then recommendations,
            # then actions: each names the one before, whose key is set once it is written).
            writes.extend(ctx.extra)
            out.older += ctx.older
            if versions is None and len(out.changes) < MAX_CHANGES:
                out.changes.append(_change(ctx, number, row, instance, changed))
        yield writes
        if progress is not None:
            progress(out.rows)
    if out.rows == 0:
        raise TabularError(_("The file has a header but no rows."))
    if versions is not None and not out.rejected:
        gone = sum(len(set(known) - ctx.seen.get(label, set())) for label, known in versions.items())
        if gone:  # a record the check matched no longer exists (or is no longer named by any row)
            out.reject(
                0,
                "",
                _(
                    "Changed since the check: %(count)s record(s) the check matched no longer exist; check the file again."
                )
                % {"count": gone},
            )
            out.rejected += 1
            out.changed += gone
    for error in out.errors:  # name the columns as the file does
        error["column"] = table.headers.get(error["column"], error["column"])


def check_file(
    kind: str,
    data: bytes,
    *,
    user,
    encoding: str | None = None,
    sheet: str | None = None,
    progress=None,
    allow_older: bool = False,
) -> Outcome:
    """The dry run: read and check every row of ``data``; nothing is written.

    Returns an Outcome with the counts, the errors and the versions of the records the rows match.
    Raises TabularError when the file as a whole cannot be read, PermissionDenied when the user imports
    nothing at all (or not this kind). ``progress`` (optional) is called with the rows read so far after
    each batch. ``allow_older``: counts older than the stored ones pass (the user confirmed them), marked
    in the changes.
    """
    out = Outcome()
    for _writes in _planned(
        kind,
        data,
        user=user,
        out=out,
        encoding=encoding,
        sheet=sheet,
        lock=False,
        versions=None,
        progress=progress,
        allow_older=allow_older,
    ):
        pass
    return out


def write_file(
    kind: str,
    data: bytes,
    *,
    user,
    reason: str,
    versions: dict,
    encoding: str | None = None,
    sheet: str | None = None,
    progress=None,
    allow_older: bool = False,
) -> Outcome:
    """Confirm a checked file: check every row again, batch by batch, with the records it writes locked
    (``select_for_update``, in id order), and write each batch in bulk (history rows carry ``reason`` and
    the user; an update writes only the fields it changes). ``versions`` are the dry run's
    (Outcome.versions): a row whose record changed since is rejected ("changed since the check").

    All or nothing: runs in one transaction and raises RejectedImport (everything rolled back) when any
    row is rejected; TabularError and PermissionDenied as check_file. Schedules the compliance recompute of
    the facilities written once the transaction commits. Returns the Outcome.
    """
    out = Outcome()
    versions = {label: {int(pk): version for pk, version in known.items()} for label, known in versions.items()}
    with transaction.atomic():
        for writes in _planned(
            kind,
            data,
            user=user,
            out=out,
            encoding=encoding,
            sheet=sheet,
            lock=True,
            versions=versions,
            progress=progress,
            allow_older=allow_older,
        ):
            if not out.rejected:
                _write_batch(writes, user=user, reason=reason)
        if out.rejected:
            transaction.set_rollback(True)
            raise RejectedImport(out)
        cell_services.schedule_recalculation(*out.facilities)
    return out


def _write_batch(writes: list, *, user, reason: str) -> None:
    """Bulk-write one batch: creates per model, updates per model and set of changed fields (only those
    fields, and the version, are written), each with its history rows (user, reason)."""
    creates, updates = {}, {}
    for instance, changed in writes:
        model = type(instance)
        if changed is None:
            creates.setdefault(model, []).append(instance)
        else:
            updates.setdefault((model, frozenset(changed)), []).append(instance)
    for model in (Facility, ResidentialBlock, Cell, ResidencePopulation, SourceDocument, Finding, Action):
        if model in creates:
            model._default_manager.bulk_create(creates[model], batch_size=BATCH_ROWS)
            _write_history(model, creates[model], created=True, user=user, reason=reason)
    for (model, changed), instances in updates.items():
        fields = set(changed)
        if issubclass(model, versioning.Versioned):
            fields.add(versioning.bump(instances))  # a bulk write raises the versions itself
        _update_rows(model, instances, sorted(fields))
        _write_history(model, instances, created=False, user=user, reason=reason)


def _write_history(model, instances: list, *, created: bool, user, reason: str) -> None:
    """The django-simple-history rows of ``instances`` just written (``+`` created, ``~`` changed), with
    ``user`` and ``reason``. On PostgreSQL copied from the stored rows by one ``INSERT ... SELECT`` per batch
    (building a historical object per row took a third of an import's time); elsewhere
    bulk_history_create."""
    history = model.history.model
    if connection.vendor != "postgresql":
        model.history.bulk_history_create(
            instances, batch_size=BATCH_ROWS, update=not created, default_user=user, default_change_reason=reason
        )
        return
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    copied = [f.column for f in history._meta.concrete_fields if f.name not in own]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in copied)
    user_column = quote(history._meta.get_field("history_user").column)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {quote('history_date')}, "
        f"{quote('history_change_reason')}, {quote('history_type')}, {user_column}) "
        f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = ANY(%s)"
    )
    now, user_id = timezone.now(), getattr(user, "pk", None)
    with connection.cursor() as cursor:
        for start in range(0, len(instances), BATCH_ROWS):
            pks = [instance.pk for instance in instances[start : start + BATCH_ROWS]]
            cursor.execute(sql, [now, reason or None, "+" if created else "~", user_id, pks])


def _update_rows(model, instances: list, fields: list[str]) -> None:
    """Write ``fields`` of ``instances`` (stored rows of ``model``) in one statement per batch. On PostgreSQL
    ``UPDATE ... FROM (VALUES ...)``: Django's bulk_update builds a CASE per field and row, which took most
    of a 100,000-row import's time (docs/performance.md, Imports); elsewhere bulk_update."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(instances, fields, batch_size=BATCH_ROWS)
        return
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(c.column)} = CAST(v.{quote(c.column)} AS {c.db_type(connection)})" for c in columns
    )
    names = ", ".join(quote(name) for name in ["pk", *[c.column for c in columns]])
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(instances), BATCH_ROWS):
            batch = instances[start : start + BATCH_ROWS]
            params = []
            for instance in batch:
                params.append(instance.pk)
                params.extend(c.get_db_prep_save(getattr(instance, c.attname), connection) for c in columns)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {', '.join([row] * len(batch))}) AS v({names}) "
                f"WHERE t.{quote(model._meta.pk.column)} = v.{quote('pk')}",
                params,
            )
