"""Forms of the cells app: a cell, its deactivation and reactivation, and the completion of a conversion
project with its new cells."""

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import tabular
from core.bounds import DATES, FREE_TEXT
from core.forms import (
    DateField,
    DecimalField,
    IntegerField,
    ServiceValidatedModelForm,
    VersionedFormMixin,
    add_service_errors,
)
from core.i18n import localised
from core.validators import normalize_identifier, validate_name
from core.widgets import DATE, MoneyInput, searchable

from . import bounds, services
from .models import Cell, CellDeactivation

_TRI_STATE_VALUES: dict[Any, bool | None] = {
    True: True,
    "True": True,
    "true": True,
    "2": True,
    False: False,
    "False": False,
    "false": False,
    "3": False,
    None: None,
    "": None,
    "unknown": None,
    "1": None,
}


class TriStateSelect(forms.NullBooleanSelect):
    """The yes / no / unknown select; a submitted value outside its choices is passed on as it came, for
    TriStateField to refuse (Django's NullBooleanSelect reads it as "unknown")."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        return _TRI_STATE_VALUES.get(value, value) if isinstance(value, str | bool | None) else value


class TriStateField(forms.NullBooleanField):
    """Yes (True), no (False) or unknown (None); any other value is a form error (issue 16 item 15), never
    stored as unknown."""

    widget = TriStateSelect

    def to_python(self, value: Any) -> bool | None:
        if isinstance(value, bool) or value is None:
            return value
        raise ValidationError(_("Select yes, no or unknown."), code="invalid_choice")


TRI_STATE_FIELDS = ("has_sanitary_annex", "sanitary_annex_partitioned", "has_natural_light")
HEADCOUNT_FIELDS = ("occupancy", "occupancy_date")
# The certified facts the form shows (certified capacity is not on it), and the statuses an edit moves between.
CERTIFIED_FORM_FIELDS = ("accommodation_type", "has_sanitary_annex")
EDITABLE_STATUSES = (Cell.Status.IN_USE, Cell.Status.UNDER_RECONSTRUCTION)


class CellForm(VersionedFormMixin, ServiceValidatedModelForm):
    """A room or cell; the block list holds the blocks the editor may edit. Numbers take ASCII digits only
    (core.forms.DecimalField, IntegerField).

    Changing a cell (``instance`` given): the form carries the ``version`` it was opened with, and has no
    occupancy or date of the count (the headcount's, written by cells.services.update_headcount through the
    API and the headcount import, never by this form). The view passes on only changed_fields().
    Registering one: the first count may be given; it has no status (a new cell is a draft until its
    certification request is approved: cells.services.save_cell).

    A cell on the record (Cell.CERTIFIED_STATUSES) shows its accommodation type and sanitary annex disabled
    (a certification request changes them: cells.services.by_certification_message); its status offers in
    use and under reconstruction only. A draft, deactivated or decommissioned cell shows its status
    disabled (certification, deactivation and reactivation set those). A disabled field is never in
    changed_fields().
    """

    class Meta:
        model = Cell
        fields = ["block", *Cell.WRITABLE_FIELDS]
        widgets = {"occupancy_date": DATE}
        field_classes = dict.fromkeys(TRI_STATE_FIELDS, TriStateField)

    def __init__(self, *args: Any, blocks: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = blocks.select_related("facility")
        searchable(self.fields["block"])
        if self.instance.pk is None:
            del self.fields["status"]
            return
        for name in HEADCOUNT_FIELDS:
            del self.fields[name]
        status = self.instance.status
        if status in Cell.CERTIFIED_STATUSES:
            for name in CERTIFIED_FORM_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = services.by_certification_message()
        if status in EDITABLE_STATUSES:
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                (value, label) for value, label in Cell.Status.choices if value in EDITABLE_STATUSES
            ]
        else:
            self.fields["status"].disabled = True
            self.fields["status"].help_text = services.status_by_service_message()

    def changed_fields(self) -> dict[str, Any]:
        """The cell's fields the user changed ({name: cleaned value}), compared with the cell as the form was
        opened (a stale form is refused by the version before this matters); all of them for a new cell."""
        names = [name for name in self.cleaned_data if name != "version"]
        if self.instance.pk is not None:
            names = [name for name in names if name in self.changed_data]
        return {name: self.cleaned_data[name] for name in names}


# The inputs of the completion's movement plan table: ``move-<room id>`` = persons leaving the room.
PLAN_PREFIX = "move-"
PLAN_SHOWN = "plan"  # a hidden input of the plan's table: the editor saw a plan


class DeactivationForm(VersionedFormMixin, forms.Form):
    """Take a cell (``record``, whose version the form carries) temporarily out of use
    (cells.deactivation.deactivate): reason, its text for "other", since when, expected back, work order."""

    reason = forms.ChoiceField(label=_("Reason"), choices=CellDeactivation.Reason.choices)
    reason_text = forms.CharField(
        label=_("Reason (other)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('Required when the reason is "other".'),
    )
    deactivated_on = DateField(label=_("Out of use since"), widget=DATE, validators=DATES.validators())
    expected_reactivation = DateField(label=_("Expected back in use"), widget=DATE, validators=DATES.validators())
    work_order = forms.CharField(label=_("Work order"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "deactivate")
        super().__init__(*args, **kwargs)
        self.fields["deactivated_on"].initial = timezone.localdate

    def values(self) -> dict[str, Any]:
        """The arguments of cells.deactivation.deactivate (without user, cell and version)."""
        names = ("reason", "reason_text", "deactivated_on", "expected_reactivation", "work_order")
        return {name: self.cleaned_data[name] for name in names}


class ReactivationForm(VersionedFormMixin, forms.Form):
    """Bring a deactivated cell (``record``) back into use (cells.deactivation.reactivate)."""

    reactivated_on = DateField(label=_("Back in use on"), widget=DATE, validators=DATES.validators())
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, help_text=_("Kept in the history (100 characters).")
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "reactivate")
        super().__init__(*args, **kwargs)
        self.fields["reactivated_on"].initial = timezone.localdate

    def values(self) -> dict[str, Any]:
        """The arguments of cells.deactivation.reactivate (without user, cell and version)."""
        return {"reactivated_on": self.cleaned_data["reactivated_on"], "note": self.cleaned_data["note"]}


# The columns of a pasted table of new cells (CompletionForm.table), in order: the key of
# cells.services.complete_conversion's cell dict, its label, and how a value is read (core.tabular: the
# register import's readers, so "6,6" and "да" are read as there).
TABLE_COLUMNS = [
    ("number", _("Cell number"), "text"),
    ("living_space_m2", _("Living space (m², excluding the sanitary annex)"), "decimal"),
    ("has_sanitary_annex", _("In-cell sanitary annex"), "boolean"),
    ("sanitary_annex_partitioned", _("Annex fully partitioned"), "boolean"),
    ("min_wall_distance_m", _("Distance between walls (m)"), "decimal"),
    ("ceiling_height_m", _("Ceiling height (m)"), "decimal"),
    ("has_natural_light", _("Natural light"), "boolean"),
]
MAX_NEW_CELLS = 2000


class CompletionForm(VersionedFormMixin, forms.Form):
    """Completion of a conversion project (``record``, whose version the form carries): the last update and
    the block's new single cells, given either as ``count`` cells of one standard design (numbered
    ``prefix`` + 001, 002, ...) or as a pasted ``table`` of cells of different sizes, one line per cell
    (columns TABLE_COLUMNS, separated by a tab or a semicolon). The form only reads the values; the rules
    of a new cell (numbers unique in the block, bounds of m² and m) are cells.services.complete_conversion's,
    whose errors of a table's cell name its line (:meth:`add_service_errors`)."""

    date = DateField(label=_("Date of the update"), validators=DATES.validators())
    actual_end = DateField(label=_("Actual end of works"), validators=DATES.validators())
    budget_spent_kzt = DecimalField(
        label=_("Spent to date (KZT)"), min_value=0, decimal_places=2, max_digits=16, widget=MoneyInput
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=FREE_TEXT.maximum
    )
    count = IntegerField(label=_("Number of new single cells"), min_value=1, max_value=MAX_NEW_CELLS, required=False)
    prefix = forms.CharField(
        label=_("Cell number prefix"), max_length=10, initial="S", required=False, validators=[validate_name]
    )
    living_space_m2 = DecimalField(
        label=_("Living space per cell (m², excluding the sanitary annex)"),
        decimal_places=2,
        required=False,
        **bounds.LIVING_SPACE_M2.limits(),
    )
    has_sanitary_annex = TriStateField(label=_("In-cell sanitary annex"), initial=True)
    sanitary_annex_partitioned = TriStateField(label=_("Annex fully partitioned"), initial=True)
    min_wall_distance_m = DecimalField(
        label=_("Distance between walls (m)"), decimal_places=2, required=False, **bounds.MIN_WALL_DISTANCE_M.limits()
    )
    ceiling_height_m = DecimalField(
        label=_("Ceiling height (m)"), decimal_places=2, required=False, **bounds.CEILING_HEIGHT_M.limits()
    )
    has_natural_light = TriStateField(label=_("Natural light"), initial=True)
    table = forms.CharField(
        label=_("Or: cells of different sizes, one line per cell"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        max_length=200_000,
        help_text=_(
            "Instead of the number and design above. Columns separated by a tab (pasted from a spreadsheet) or "
            "a semicolon: cell number; living space (m², excluding the sanitary annex); in-cell sanitary "
            "annex (yes/no); annex fully partitioned (yes/no); distance between walls (m); ceiling height "
            "(m); natural light (yes/no). The first two are needed, an empty yes/no is unknown; a first line "
            "of column names is skipped. Example: S-01; 6,6; yes; yes; 2,5; 3,0; yes"
        ),
    )
    persons_moved_in = IntegerField(
        label=_("Persons to move in (one per new cell)"),
        min_value=0,
        initial=0,
        help_text=_(
            "Shown as a movement plan before anything is written: first the block's own persons, then the "
            "most crowded dormitory rooms of the institution."
        ),
    )

    def clean_prefix(self):
        """The prefix in the normal form of cell numbers (core.validators.normalize_identifier)."""
        return normalize_identifier(self.cleaned_data["prefix"])

    def clean_table(self):
        """The pasted table as cell dicts, each with the number of its line (``_line``, from 1, counting
        blank lines and the column names); [] when empty. A value that cannot be read is an error naming
        the line and the column; every line's errors are given at once."""
        rows, errors = [], []
        lines = (self.cleaned_data.get("table") or "").splitlines()
        first = next((index for index, line in enumerate(lines, start=1) if line.strip()), None)
        for index, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            values = [v.strip() for v in line.split("\t" if "\t" in line else ";")]
            if index == first and not any(c in "0123456789" for c in line):
                continue  # the column names: only a first line with no digit at all (a cell's line has its number)
            if len(values) > len(TABLE_COLUMNS):
                errors.append(
                    _("Line %(line)s: %(count)s columns, at most %(most)s.")
                    % {"line": index, "count": len(values), "most": len(TABLE_COLUMNS)}
                )
                continue
            row: dict[str, Any] = {"_line": index}
            unreadable = False
            for (key, label, kind), value in zip(TABLE_COLUMNS, values, strict=False):
                try:
                    row[key] = self._read(kind, value)
                except (ValueError, ValidationError) as error:
                    unreadable = True
                    reason = error.messages[0] if isinstance(error, ValidationError) else str(error)
                    errors.append(
                        _("Line %(line)s, %(column)s: %(reason)s") % {"line": index, "column": label, "reason": reason}
                    )
            if not unreadable and (not row.get("number") or row.get("living_space_m2") is None):
                errors.append(_("Line %(line)s: give the cell number and its living space (m²).") % {"line": index})
            rows.append(row)
        if len(rows) > MAX_NEW_CELLS:
            errors.append(_("At most %(most)s new cells at once.") % {"most": MAX_NEW_CELLS})
        if errors:
            raise ValidationError(errors)
        return rows

    @staticmethod
    def _read(kind: str, value: str) -> Any:
        if kind == "text":
            number = normalize_identifier(value)
            validate_name(number)
            MaxLengthValidator(Cell._meta.get_field("number").max_length)(number)
            return number
        if kind == "decimal":
            return tabular.decimal(value)
        return tabular.boolean(value)

    def clean(self):
        data = super().clean()
        if not data.get("table") and "table" not in self.errors:
            for name in ("count", "living_space_m2"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
        cells = len(self.numbers()) if not self.errors else None
        if cells is not None and data.get("persons_moved_in", 0) > cells:
            self.add_error("persons_moved_in", _("At most one person per single cell."))
        return data

    def numbers(self) -> list[str]:
        """The new cells' numbers, in order: the table's, else ``prefix`` + 001, 002, ..."""
        data = self.cleaned_data
        if data.get("table"):
            return [row.get("number", "") for row in data["table"]]
        width = max(3, len(str(data["count"])))
        return [f"{data['prefix'] or ''}{n:0{width}d}" for n in range(1, data["count"] + 1)]

    def plan_lines(self) -> list[dict] | None:
        """The movement plan as the editor left it in the plan's table (inputs ``move-<room id>``: persons
        leaving the room), as lines for cells.movements.resolve_plan; None when the page showed no plan (no
        ``plan`` input; an empty plan is []). A
        value that is not a whole number of persons from 0 is a form error (and the lines are None)."""
        lines = []
        for key in self.data:
            if not key.startswith(PLAN_PREFIX):
                continue
            room, value = key[len(PLAN_PREFIX) :], (self.data.get(key) or "").strip() or "0"
            if not (room.isascii() and room.isdigit() and value.isascii() and value.isdigit()):
                self.add_error(None, _("The plan's numbers of persons are whole numbers from 0."))
                return None
            lines.append({"from_cell": int(room), "persons": int(value)})
        return lines if PLAN_SHOWN in self.data else None

    def cells(self) -> list[dict]:
        """The new cells as dicts for cells.services.complete_conversion (drafts: nobody in them): the
        table's rows, else ``count`` cells of the form's design."""
        data = self.cleaned_data
        if data.get("table"):
            return [{k: v for k, v in row.items() if k != "_line"} for row in data["table"]]
        return [
            {
                "number": number,
                "living_space_m2": data["living_space_m2"],
                "has_sanitary_annex": data["has_sanitary_annex"],
                "sanitary_annex_partitioned": data["sanitary_annex_partitioned"],
                "min_wall_distance_m": data["min_wall_distance_m"],
                "ceiling_height_m": data["ceiling_height_m"],
                "has_natural_light": data["has_natural_light"],
            }
            for number in self.numbers()
        ]

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's errors on the form (core.forms.add_service_errors); with a table, an error of the
        service's ``cells[i].field`` is put on the table, naming the line and the column
        ("Line 4, Cell number: Number S-01 is already used in this block.")."""
        rows = (getattr(self, "cleaned_data", None) or {}).get("table") or []
        if not rows or not hasattr(error, "error_dict"):
            add_service_errors(self, error)
            return
        labels = {key: label for key, label, _kind in TABLE_COLUMNS}
        rest: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            match = _CELL_KEY.fullmatch(key)
            if match and int(match["index"]) < len(rows):
                line = rows[int(match["index"])]["_line"]
                column = labels.get(match["field"] or "")
                for message in messages:
                    if column:
                        text = _("Line %(line)s, %(column)s: %(reason)s") % {
                            "line": line,
                            "column": column,
                            "reason": message,
                        }
                    else:
                        text = _("Line %(line)s: %(reason)s") % {"line": line, "reason": message}
                    self.add_error("table", text)
            else:
                rest[key] = messages
        if rest:
            add_service_errors(self, ValidationError(rest))


# A key of cells.services.complete_conversion's errors about one new cell: "cells[3]" or "cells[3].number".
_CELL_KEY = re.compile(r"cells\[(?P<index>\d+)\](?:\.(?P<field>\w+))?")


class _CellChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cell) -> str:
        return f"{localised(obj.block, 'name')} / {obj.number} ({obj.occupancy or 0})"


class MovementForm(forms.Form):
    """A movement of persons between cells in use of one institution (``cells``: its cells in use), on its
    own: date, reason and up to ROWS lines (from cell, to cell, persons); for cells.movements.move_persons."""

    ROWS = 5

    date = DateField(label=_("Date of the movement"), widget=DATE, validators=DATES.validators())
    reason = forms.CharField(
        label=_("Reason for the movement"), widget=forms.Textarea(attrs={"rows": 2}), max_length=FREE_TEXT.maximum
    )

    def __init__(self, *args: Any, cells: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cells = cells.select_related("block").order_by("block__name", "number", "id")
        for row in range(self.ROWS):
            self.fields[f"from_{row}"] = _CellChoice(queryset=cells, required=False, label=_("From cell"))
            self.fields[f"to_{row}"] = _CellChoice(queryset=cells, required=False, label=_("To cell"))
            searchable(self.fields[f"from_{row}"], self.fields[f"to_{row}"])
            self.fields[f"persons_{row}"] = IntegerField(
                label=_("Persons"), min_value=1, max_value=1000, required=False
            )

    def rows(self) -> list[tuple]:
        """The line fields by row: ``[(from, to, persons) bound fields]``, for the page's table."""
        return [(self[f"from_{r}"], self[f"to_{r}"], self[f"persons_{r}"]) for r in range(self.ROWS)]

    def clean(self):
        data = super().clean()
        given = 0
        for row in range(self.ROWS):
            values = [data.get(f"{name}_{row}") for name in ("from", "to", "persons")]
            if any(value is not None for value in values):
                given += 1
                if any(value is None for value in values):
                    self.add_error(f"persons_{row}", _("Give the from cell, the to cell and the persons."))
        if not given and not self.errors:
            self.add_error(None, _("Give at least one movement."))
        return data

    def moves(self) -> list[dict]:
        """The lines as cells.movements.parse_plan reads them."""
        data = self.cleaned_data
        return [
            {"from_cell": data[f"from_{r}"].pk, "to_cell": data[f"to_{r}"].pk, "persons": data[f"persons_{r}"]}
            for r in range(self.ROWS)
            if data.get(f"from_{r}") is not None
        ]
