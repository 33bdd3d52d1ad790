"""Exports safe to open in a spreadsheet: CSV (UTF-8 with BOM) and XLSX, RFC 5987 file names, formulas
neutralised in text columns, numbers kept numeric.

Every HTML list answers ``?export=csv`` or ``?export=xlsx`` at its own URL with the rows its filters
select (``export_response``); an unknown format is a 400 naming the accepted ones.

CSV separator (issue 18, item 9): ``&sep=semicolon`` or ``&sep=comma``; without it the separator follows the
active language: ``;`` in Russian and Kazakh (what Excel with a Russian or Kazakh list separator opens into
columns), ``,`` in English. A semicolon file also writes fractional numbers with a decimal comma (``3,5``),
which such an Excel reads as a number (with ``3.5`` it would read text or a date); integers, dates and text
are the same in both. Both keep the BOM and the formula neutralisation. Both formats are
streamed in constant memory (StreamingHttpResponse; a QuerySet read in chunks), so that the size of a list
costs time on the wire, never the server's memory (docs/performance.md, §Exports (issue 16)).
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

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .xlsx import stream_xlsx

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: ``?sep=`` of a CSV export: the name and the character.
SEPARATORS = {"comma": ",", "semicolon": ";"}
#: Languages whose CSV exports use ``;`` unless ``?sep=comma`` (Excel's list separator there is ``;``).
SEMICOLON_LANGUAGES = ("ru", "kk")


def default_separator(language: str | None = None) -> str:
    """``";"`` for Russian and Kazakh (``language``, else the active one), ``","`` otherwise."""
    language = (language or get_language() or "").split("-")[0].lower()
    return ";" if language in SEMICOLON_LANGUAGES else ","


def unknown_separator_message(value: str) -> str:
    """The one message for a ``?sep=`` that is neither comma nor semicolon."""
    return _("Unknown separator %(sep)r: use comma or semicolon.") % {"sep": value[:20]}


def csv_separator(params: Any) -> str:
    """The separator a request's query ``params`` ask for: ``sep=semicolon`` gives ``;``, ``sep=comma``
    ``,``; none (or empty) the default of the active language (default_separator). Raises ValueError with
    unknown_separator_message for any other value."""
    value = (params.get("sep") or "").strip().lower()
    if not value:
        return default_separator()
    if value not in SEPARATORS:
        raise ValueError(unknown_separator_message(params.get("sep")))
    return SEPARATORS[value]


def _decimal_comma(value: Any) -> Any:
    """A fractional number (float or Decimal, not a whole int) as text with a decimal comma (``3,5``);
    anything else unchanged. Used for semicolon CSV files only."""
    if type(value) is float or isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return value


@dataclass(frozen=True)
class Column:
    """One exported column: its header and kind (``text``, ``number``, ``date`` or ``bool``).

    Only ``text`` cells are neutralised; ``number`` cells stay numeric (int, Decimal or float; None is empty).
    """

    header: str
    kind: str = "text"


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula
    (it starts with = + - @ tab or carriage return; OWASP "CSV injection")."""
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_cell(value: Any, kind: str = "text", yes: str | None = None, no: str | None = None) -> Any:
    """A value for a CSV or XLSX cell: numbers stay numbers; booleans are yes/no (``yes`` and ``no``: their
    translations, looked up once per export by the writers; else here); dates ISO; None empty; text (and
    anything else in a text column) is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if yes is None or no is None:
            return _("yes") if value else _("no")
        return yes if value else no
    if kind in ("number", "date") or (kind == "text" and isinstance(value, Number)):
        if isinstance(value, (Number, datetime.date)):
            return value
    return neutralise(str(value))


_PLAIN_NUMBERS = (int, float, Decimal)


def _converter(kind: str, yes: str, no: str) -> Callable[[Any], Any]:
    """safe_cell for one column of ``kind``, with the common cases first (text, plain numbers, None):
    the same value as safe_cell(value, kind, yes, no) for every value, at a fraction of its cost."""
    numbers = _PLAIN_NUMBERS if kind in ("text", "number", "date") else ()

    def convert(value: Any) -> Any:
        cls = type(value)
        if cls is str:
            return neutralise(value)
        if cls in numbers:
            return value
        if value is None:
            return ""
        return safe_cell(value, kind, yes, no)

    return convert


UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;\ud800-\udfff\ufffe\uffff]+')


def safe_filename(filename: str) -> str:
    """``filename`` without control characters, lone surrogates, U+FFFE/U+FFFF, quotes, path separators or
    ``;`` (each run becomes "-"); letters of any script are kept. Never empty."""
    return UNSAFE_NAME.sub("-", filename).strip(" .-") or "export"


def _disposition(filename: str, extension: str) -> str:
    """RFC 6266 attachment with an ASCII fallback and the UTF-8 name (RFC 5987, every byte encoded)."""
    name = safe_filename(filename)
    ascii_name = re.sub(r"[^A-Za-z0-9._]+", "-", name.encode("ascii", "ignore").decode()).strip("-") or "export"
    return f"attachment; filename=\"{ascii_name}.{extension}\"; filename*=UTF-8''{quote(name, safe='')}.{extension}"


def _normalise(columns: Iterable[Column | str]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(str(c)) for c in columns]


CSV_ROWS_PER_CHUNK = 500  # rows per piece of a streamed CSV
XLSX_ROWS_PER_CHUNK = 500  # rows per piece of a streamed XLSX sheet
QUERYSET_CHUNK = 2000  # rows fetched per query of QuerySet.iterator(): the export's memory is one chunk


def _iterate(rows: Iterable[Any]) -> Iterable[Any]:
    """``rows`` one by one without holding them all: a QuerySet through iterator(chunk_size=QUERYSET_CHUNK)
    (a server-side cursor on PostgreSQL; prefetches and CellQuerySet.with_results per chunk), anything
    else as it is."""
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=QUERYSET_CHUNK)
    return rows


def _with_decimal_comma(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` followed by _decimal_comma (a semicolon file's numbers)."""

    def converted(value: Any) -> Any:
        return _decimal_comma(convert(value))

    return converted


def csv_response(
    filename: str, columns: Iterable[Column | str], rows: Iterable[Sequence[Any]], sep: str = ","
) -> StreamingHttpResponse:
    """Stream ``rows`` (iterables of values, one per column) as ``filename``.csv, UTF-8 with a BOM, in
    pieces of CSV_ROWS_PER_CHUNK rows: the memory held is one piece (and one chunk of a queryset), whatever
    the number of rows.

    ``columns``: Column objects or plain header strings (text columns). The name may hold Cyrillic or
    Kazakh letters (RFC 5987 ``filename*``; an ASCII fallback for old clients). ``sep``: ``","`` or
    ``";"`` (csv_separator); with ``";"`` fractional numbers are written with a decimal comma.
    """
    if sep not in SEPARATORS.values():
        raise ValueError(unknown_separator_message(sep))
    columns = _normalise(columns)
    kinds = [c.kind for c in columns]

    def pieces() -> Iterator[str]:
        converters = [_converter(kind, _("yes"), _("no")) for kind in kinds]
        if sep == ";":
            converters = [_with_decimal_comma(convert) for convert in converters]
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=sep)
        buffer.write("\ufeff")
        writer.writerow([c.header for c in columns])
        for number, row in enumerate(_iterate(rows), start=1):
            writer.writerow([convert(value) for convert, value in zip(converters, row)])
            if number % CSV_ROWS_PER_CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename, "csv")
    return response


def xlsx_response(
    filename: str, columns: Iterable[Column | str], rows: Iterable[Sequence[Any]], sheet: str = ""
) -> StreamingHttpResponse:
    """Stream ``rows`` as ``filename``.xlsx (one sheet, header row bold, frozen; core.xlsx.stream_xlsx):
    the memory held is one piece of XLSX_ROWS_PER_CHUNK rows (and one chunk of a queryset), whatever the
    number of rows. Text cells are stored as strings, never formulas (neutralised as in CSV, characters
    XML cannot hold replaced by U+FFFD); numbers (Decimal as float) and dates keep their types; an empty
    value is an empty cell."""
    columns = _normalise(columns)
    kinds = [c.kind for c in columns]

    def values() -> Iterator[list[Any]]:
        converters = [_converter(kind, _("yes"), _("no")) for kind in kinds]
        for row in _iterate(rows):
            cells = []
            for convert, value in zip(converters, row):
                value = convert(value)
                if value == "":
                    value = None  # an empty cell; characters XML cannot hold are replaced by core.xlsx.xml_text
                cells.append(value)
            yield cells

    title = (sheet or filename)[:31].translate(str.maketrans("[]:*?/\\", "_______"))
    body = stream_xlsx(title, [c.header for c in columns], values(), rows_per_piece=XLSX_ROWS_PER_CHUNK)
    response = StreamingHttpResponse(body, content_type=XLSX_TYPE)
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
    """The export the request asks for with ``?export=csv|xlsx`` (CSV: ``&sep=comma|semicolon``, by default
    that of the active language: csv_separator), or None when it asks for none.

        ``rows`` may be a callable returning the rows (evaluated only when an export is asked for).
        An unknown format or separator answers 400 with the accepted ones; ``errors`` (a form's or filterset's errors,
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
    try:
        sep = csv_separator(request.GET)
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    if errors:
        lines = [f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in errors.items()]
        return HttpResponseBadRequest(
            "\n".join([_("The filters are not valid; nothing was exported.")] + lines),
            content_type="text/plain; charset=utf-8",
        )
    rows = rows() if callable(rows) else rows
    if fmt == "csv":
        return csv_response(filename, columns, rows, sep=sep)
    return xlsx_response(filename, columns, rows)


@dataclass(frozen=True)
class Field:
    """An exported column of a list with how to read it from one object of the list (``value(obj)``),
    so that the header and the value are declared together, once per list (e.g. cells.exports).

    ``choices`` (``[(value, label), ...]``, labels lazy translations): ``value(obj)`` is a stored choice,
    written as its label (as ``get_<field>_display`` gives it: an unknown value as it is), the labels
    translated once per export rather than once per row (choice_field)."""

    column: Column
    value: Callable[[Any], Any]
    choices: Any = None

    def reader(self) -> Callable[[Any], Any]:
        """``value`` for one export, in the language active now: with ``choices``, the label of the value."""
        if self.choices is None:
            return self.value
        labels = {key: str(label) for key, label in self.choices}
        read = self.value

        def label(obj: Any) -> Any:
            value = read(obj)
            return labels.get(value, value)

        return label


def field(header: Any, value: Callable[[Any], Any], kind: str = "text") -> Field:
    """A Field: ``header`` (a string or a lazy translation, read when the export is made), ``kind`` as for
    Column, ``value`` reading one object."""
    return Field(Column(header, kind), value)


def choice_field(header: Any, value: Callable[[Any], Any], choices: Any) -> Field:
    """A text Field whose ``value(obj)`` reads a stored choice (e.g. ``lambda c: c.status``) of ``choices``
    (a model field's ``choices``, a TextChoices' ``.choices``), written as its label: what
    ``obj.get_status_display()`` gives, looked up in a table made once per export."""
    return Field(Column(header), value, choices)


def export_list(
    request: HttpRequest,
    filename: str,
    fields: Sequence[Field],
    objects: Iterable[Any] | Callable[[], Iterable[Any]],
    errors: dict[str, list[Any]] | None = None,
) -> HttpResponse | StreamingHttpResponse | None:
    """export_response for a list declared as ``fields``: one row per object of ``objects`` (or of what
    the callable returns, evaluated only when an export is asked for), streamed: a QuerySet is read in
    chunks of QUERYSET_CHUNK rows (``iterator``), never whole."""

    def rows() -> Iterator[list[Any]]:
        readers = [f.reader() for f in fields]
        for obj in _iterate(objects() if callable(objects) else objects):
            yield [read(obj) for read in readers]

    columns = [Column(str(f.column.header), f.column.kind) for f in fields]  # lazy headers: the request's language
    return export_response(request, filename, columns, rows, errors=errors)
