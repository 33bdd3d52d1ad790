"""Exports safe to open in a spreadsheet: CSV (UTF-8 with BOM) and XLSX, RFC 5987 file names, formulas
neutralised in text columns, numbers kept numeric.

Every HTML list answers ``?export=csv`` or ``?export=xlsx`` at its own URL with the rows its filters
select (``export_response``); an unknown format is a 400 naming the accepted ones.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Number
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.translation import gettext as _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One exported column: its header and kind (``text``, ``number``, ``date`` or ``bool``).

    Only ``text`` cells are neutralised; ``number`` cells stay numeric (int, Decimal or float; None is empty).
    """

    header: str
    kind: str = "text"


class _Echo:
    def write(self, value: str) -> str:
        return value


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula
    (it starts with = + - @ tab or carriage return; OWASP "CSV injection")."""
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_cell(value: Any, kind: str = "text") -> Any:
    """A value for a CSV or XLSX cell: numbers stay numbers; booleans are yes/no; dates ISO; None empty;
    text (and anything else in a text column) is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind in ("number", "date") or (kind == "text" and isinstance(value, Number)):
        if isinstance(value, (Number, datetime.date)):
            return value
    return neutralise(str(value))


UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 (XLSX) cannot hold


def safe_filename(filename: str) -> str:
    """``filename`` without control characters, quotes, path separators or ``;`` (each run becomes "-");
    letters of any script are kept. Never empty."""
    return UNSAFE_NAME.sub("-", filename).strip(" .-") or "export"


def _disposition(filename: str, extension: str) -> str:
    """RFC 6266 attachment with an ASCII fallback and the UTF-8 name (RFC 5987, every byte encoded)."""
    name = safe_filename(filename)
    ascii_name = re.sub(r"[^A-Za-z0-9._]+", "-", name.encode("ascii", "ignore").decode()).strip("-") or "export"
    return f"attachment; filename=\"{ascii_name}.{extension}\"; filename*=UTF-8''{quote(name, safe='')}.{extension}"


def _normalise(columns: Iterable[Column | str]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(str(c)) for c in columns]


def csv_response(
    filename: str, columns: Iterable[Column | str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream ``rows`` (iterables of values, one per column) as ``filename``.csv, UTF-8 with a BOM.

    ``columns``: Column objects or plain header strings (text columns). The name may hold Cyrillic or
    Kazakh letters (RFC 5987 ``filename*``; an ASCII fallback for old clients).
    """
    columns = _normalise(columns)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([c.header for c in columns])
        for row in rows:
            yield writer.writerow([safe_cell(value, c.kind) for value, c in zip(row, columns)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename, "csv")
    return response


def xlsx_response(
    filename: str, columns: Iterable[Column | str], rows: Iterable[Sequence[Any]], sheet: str = ""
) -> HttpResponse:
    """``rows`` as ``filename``.xlsx (one sheet, header row bold, frozen). Text cells are stored as
    strings, never formulas; numbers and dates keep their types."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    columns = _normalise(columns)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet((sheet or filename)[:31].translate(str.maketrans("[]:*?/\\", "_______")))
    worksheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(worksheet, value=column.header)
        cell.font = Font(bold=True)
        header.append(cell)
    worksheet.append(header)
    for row in rows:
        cells = []
        for value, column in zip(row, columns):
            value = safe_cell(value, column.kind)
            if isinstance(value, Decimal):
                value = float(value)
            if isinstance(value, str):
                value = CONTROL.sub("\ufffd", value)  # e.g. Word's vertical tab: not allowed in XLSX
            cell = WriteOnlyCell(worksheet, value=None if value == "" else value)
            if isinstance(value, str):
                cell.data_type = "s"  # a string, even one openpyxl would take for a formula
            cells.append(cell)
        worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _disposition(filename, "xlsx")
    return response


def list_query(request: HttpRequest) -> str:
    """The request's query string without ``page`` and ``export``: the filters, for the pagination and
    export links of a list."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


def export_response(
    request: HttpRequest,
    filename: str,
    columns: Iterable[Column | str],
    rows: Iterable[Sequence[Any]] | Callable[[], Iterable[Sequence[Any]]],
    errors: dict[str, list[Any]] | None = None,
) -> HttpResponse | StreamingHttpResponse | None:
    """The export the request asks for with ``?export=csv|xlsx``, or None when it asks for none.

    ``rows`` may be a callable returning the rows (evaluated only when an export is asked for).
    An unknown format answers 400 with the accepted formats; ``errors`` (a form's or filterset's errors,
    ``{field: [reason]}``) answer 400 with each field and reason, never an empty or unfiltered file.
    """
    fmt = request.GET.get("export")
    if fmt is None:
        return None
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            _("Unknown export format %(format)r: use csv or xlsx.") % {"format": fmt[:20]},
            content_type="text/plain; charset=utf-8",
        )
    if errors:
        lines = [f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in errors.items()]
        return HttpResponseBadRequest(
            "\n".join([_("The filters are not valid; nothing was exported.")] + lines),
            content_type="text/plain; charset=utf-8",
        )
    rows = rows() if callable(rows) else rows
    if fmt == "csv":
        return csv_response(filename, columns, rows)
    return xlsx_response(filename, columns, rows)


@dataclass(frozen=True)
class Field:
    """An exported column of a list with how to read it from one object of the list (``value(obj)``),
    so that the header and the value are declared together, once per list (e.g. cells.exports)."""

    column: Column
    value: Callable[[Any], Any]


def field(header: Any, value: Callable[[Any], Any], kind: str = "text") -> Field:
    """A Field: ``header`` (a string or a lazy translation, read when the export is made), ``kind`` as for
    Column, ``value`` reading one object."""
    return Field(Column(header, kind), value)


def export_list(
    request: HttpRequest,
    filename: str,
    fields: Sequence[Field],
    objects: Iterable[Any] | Callable[[], Iterable[Any]],
    errors: dict[str, list[Any]] | None = None,
) -> HttpResponse | StreamingHttpResponse | None:
    """export_response for a list declared as ``fields``: one row per object of ``objects`` (or of what
    the callable returns, evaluated only when an export is asked for)."""

    def rows() -> Iterator[list[Any]]:
        for obj in objects() if callable(objects) else objects:
            yield [f.value(obj) for f in fields]

    columns = [Column(str(f.column.header), f.column.kind) for f in fields]  # lazy headers: the request's language
    return export_response(request, filename, columns, rows, errors=errors)
