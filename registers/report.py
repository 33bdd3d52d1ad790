"""The dry run's changes of an import (registers.imports.Outcome.changes, kept on the ImportRecord) as the
reader reads them, in the active language: row by row, the object, and each field as
``field: before -> after`` (a created record: ``field: value``), choices by their labels, yes/no in words,
decimal commas and DD.MM.YYYY dates in ru and kk.
The page shows them and the report (CSV) lists them, one line per field."""

import datetime

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cells.models import Cell
from core import tabular
from facilities.models import Facility, ResidencePopulation, ResidentialBlock

from .columns import COLUMNS, column_label

MODELS = {"facility": Facility, "block": ResidentialBlock, "cell": Cell, "residence": ResidencePopulation}
# Records whose name in the changes is not their model's (a mechanism's recommendation is a Finding).
NAMES = {"recommendation": gettext_lazy("recommendation")}
EMPTY = "—"  # a value not recorded


def _value(column, value) -> str:
    """A stored or imported value (JSON) of ``column`` for the reader: a choice's label, yes/no, — for none."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    parse = getattr(column, "parse", None)
    choices = getattr(parse, "choices", None)
    if choices is not None:
        return str(dict(choices).get(value, value))
    local = (get_language() or "en")[:2] in ("ru", "kk")  # decimal commas, as they are typed
    if local and parse is tabular.decimal:
        return str(value).replace(".", ",")
    if parse is tabular.date:  # DD.MM.YYYY in every language (issue 18, item 4)
        try:
            return f"{datetime.date.fromisoformat(value):%d.%m.%Y}"
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def entries(kind: str, changes: list) -> list[dict]:
    """``changes`` of an import of ``kind`` for the page: ``{"row", "object", "created", "older", "fields":
    [{"field", "before", "after"}], "lines": ["field: before -> after", ...]}``."""
    columns = {c.name: c for c in COLUMNS.get(kind, [])}
    result = []
    for change in changes:
        model = MODELS.get(change.get("model"))
        name = str(model._meta.verbose_name) if model else str(NAMES.get(change.get("model"), change.get("model", "")))
        fields, lines = [], []
        for column_name, before, after in change.get("fields", []):
            column = columns.get(column_name)
            label = column_label(column) if column else column_name
            item = {"field": label, "before": _value(column, before), "after": _value(column, after)}
            fields.append(item)
            if change.get("created"):
                lines.append(f"{label}: {item['after']}")
            else:
                lines.append(f"{label}: {item['before']} -> {item['after']}")
        result.append(
            {
                "row": change.get("row"),
                "object": f"{name} {change.get('object', '')}".strip(),
                "created": bool(change.get("created")),
                "older": bool(change.get("older")),
                "fields": fields,
                "lines": lines,
            }
        )
    return result


def report_header() -> list[str]:
    """The header of the changes report, in the active language."""
    return [_("Row"), _("Object"), _("Change"), _("Field"), _("Before"), _("After"), _("Note")]


def report_rows(kind: str, changes: list):
    """The lines of the changes report (one per field of each row), in the active language."""
    for entry in entries(kind, changes):
        action = _("created") if entry["created"] else _("updated")
        note = _("count older than the stored one") if entry["older"] else ""
        for item in entry["fields"]:
            before = "" if entry["created"] else item["before"]
            yield [entry["row"], entry["object"], action, item["field"], before, item["after"], note]
