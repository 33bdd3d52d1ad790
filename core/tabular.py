"""Reading spreadsheets as they come from regional departments: CSV (UTF-8 with or without BOM, or
Windows-1251; comma, semicolon or tab separated) and XLSX (cached values only: formulas are never
evaluated). Plus parsers for the values people type: decimal commas, thousands separators, yes/no in
kk/ru/en, dates as 2026-11-01 or 01.11.2026.

Nothing here knows the domain: import kinds give the columns (core.tabular.Column) and the rules.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .bounds import DATES
from .validators import ascii_digits_error

MAX_BYTES = 20 * 1024 * 1024  # 20 MB
ENCODINGS = ("utf-8", "cp1251")


class TabularError(ValueError):
    """The file as a whole cannot be read (empty, wrong type, too large, no header, missing columns)."""


@dataclass
class Column:
    """A column of an import: ``name`` (the field), the header spellings accepted (any case, in kk, ru, en),
    whether it is required, and the parser of its text (raises ValueError with a reason)."""

    name: str
    headers: tuple[str, ...]
    parse: Callable[[Any], Any] | None = None
    required: bool = False
    help: str = ""


@dataclass
class Table:
    """Rows read from a file: ``rows`` are ``(row number in the file, {column name: raw text})``."""

    columns: list[str]
    rows: Iterable[tuple[int, dict[str, Any]]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def normalise_header(text: object) -> str:
    """``" Living space (m²) * "`` or ``"Жилая площадь, м2"`` -> the name without units, stars or case."""
    text = re.sub(r"\(.*?\)|\[.*?\]|\*", " ", str(text or "")).split(",")[0]
    text = text.strip().lower().replace("ё", "е")
    return re.sub(r"[\s_]+", " ", text).strip()


MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an XLSX is a zip: refuse one that unpacks to more than this
ENCODING_NAMES = {
    "utf-8": "utf-8-sig",
    "utf8": "utf-8-sig",
    "cp1251": "cp1251",
    "windows-1251": "cp1251",
    "utf-16": "utf-16",
}


def read_table(
    data: bytes, columns: list[Column], *, encoding: str | None = None, sheet: str | None = None, filename: str = ""
) -> Table:
    """Read ``data`` (CSV or XLSX) and map its header to ``columns``.

    ``table.rows`` is a generator of ``(row number, {column: value})``; reading it raises TabularError
    for a line that cannot be parsed. ``table.headers`` maps each column to the header as written.
    Raises TabularError: empty file, over MAX_BYTES, not CSV/XLSX, unknown encoding or sheet, a required
    column missing, an unknown column, or the same column twice.
    """
    if not data:
        raise TabularError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise TabularError(
            _("The file is larger than the limit of %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if data[:4] == b"PK\x03\x04":
        header, rows, table = _read_xlsx(data, sheet)
    else:
        if sheet:
            raise TabularError(_("Sheets exist only in XLSX files; this is a CSV file."))
        header, rows, table = _read_csv(data, encoding)
    mapping = _map_header(header, columns, table.sheet, table.sheets)
    table.columns = sorted(set(mapping.values()))
    table.headers = {name: str(header[index]).strip() for index, name in mapping.items()}

    def mapped() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, values in rows:
                if not any(str(v).strip() for v in values if v is not None):
                    continue  # blank line
                if len(values) > len(header) and any(str(v).strip() for v in values[len(header) :] if v is not None):
                    raise TabularError(_("Row %(row)s has more values than the header has columns.") % {"row": number})
                yield number, {mapping[i]: values[i] if i < len(values) else None for i in mapping}
        except (csv.Error, ValueError, KeyError, TypeError) as error:
            if isinstance(error, TabularError):
                raise
            raise TabularError(
                _("The file cannot be read past row %(row)s: %(error)s")
                % {"row": number if "number" in locals() else 1, "error": _clean(str(error))[:200]}
            ) from None

    table.rows = mapped()
    return table


def _clean(text: str) -> str:
    """Text safe to store and show: control characters (NUL included) replaced by a space."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)


_Read = tuple[list[Any], Iterator[tuple[int, list[Any]]], Table]


def _read_csv(data: bytes, encoding: str | None) -> _Read:
    if encoding:
        codec = ENCODING_NAMES.get(encoding.strip().lower().replace("_", "-"))
        if codec is None:
            raise TabularError(_("Unknown encoding '%(encoding)s'. Use utf-8 or cp1251.") % {"encoding": encoding[:30]})
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            raise TabularError(
                _("The file is not in %(encoding)s; choose another encoding.") % {"encoding": encoding}
            ) from None
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text, encoding = data.decode("utf-16"), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            if data[:3] == b"\xef\xbb\xbf":
                raise TabularError(
                    _(
                        "The file starts with a UTF-8 mark but is not UTF-8 text; save it again as "
                        "UTF-8 or choose the encoding."
                    )
                ) from None
            try:
                text, encoding = data.decode("cp1251"), "cp1251"
            except UnicodeDecodeError:
                raise TabularError(_("The text encoding could not be recognised; choose utf-8 or cp1251.")) from None
    if "\x00" in text:
        raise TabularError(_("This is not a CSV or XLSX file (it holds NUL characters)."))
    csv.field_size_limit(1024 * 1024)
    first = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TabularError(_("The file is empty.")) from None
    except csv.Error as error:
        raise TabularError(_("The header cannot be read: %(error)s") % {"error": error}) from None
    rows = ((reader.line_num, row) for row in reader)
    return header, rows, Table(columns=[], encoding=encoding, delimiter=delimiter)


MAX_ZIP_RATIO = 100  # a part of an XLSX unpacking to more than 100 times its packed size is a zip bomb
MAX_SHEET_COLUMNS = 200  # a register has at most 20 columns; a sheet claiming more is out of proportion
SPARE_CELLS = 2_000_000  # a sheet may claim this many cells beyond one per byte of its XML
EMPTY_RUN = 1000  # an XLSX sheet ends at a run of this many empty rows (refused when a value follows)
# The shared strings are read into memory whole before any row: a register's distinct texts (cell numbers,
# names) take a few MB; more is out of proportion.
MAX_SHARED_STRINGS_BYTES = 40 * 1024 * 1024


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an XLSX whose parts (the shared strings and the sheets above all) unpack out of proportion
    to the file: over MAX_UNPACKED_BYTES in all, shared strings over MAX_SHARED_STRINGS_BYTES, or a part of
    more than 1 MB over MAX_ZIP_RATIO times its packed size. Raises TabularError."""
    infos = archive.infolist()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise TabularError(
            _("This XLSX file unpacks to more than %(limit)s MB; save the register as CSV or split it.")
            % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    for info in infos:
        if info.filename.lower().endswith("sharedstrings.xml") and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise TabularError(
                _(
                    "This XLSX file holds %(size)s MB of distinct texts, out of proportion to a register; save "
                    "the register as CSV."
                )
                % {"size": info.file_size // (1024 * 1024)}
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise TabularError(
                _(
                    "This XLSX file is out of proportion to its content (its part %(part)s unpacks to "
                    "%(ratio)s times its size); save the register as CSV."
                )
                % {"part": _clean(info.filename)[:60], "ratio": info.file_size // max(info.compress_size, 1)}
            )


def _check_dimension(ws: Any, archive: zipfile.ZipFile) -> None:
    """Refuse a sheet whose declared dimension (``<dimension ref="A1:XFD1048576">``) claims more columns
    than MAX_SHEET_COLUMNS or more cells than one per byte of its XML plus SPARE_CELLS: reading it would
    walk millions of empty cells. Raises TabularError."""
    columns, rows = ws.max_column or 0, ws.max_row or 0
    try:
        size = archive.getinfo(ws._worksheet_path).file_size
    except (AttributeError, KeyError):
        size = 0
    if columns > MAX_SHEET_COLUMNS or columns * rows > size + SPARE_CELLS:
        raise TabularError(
            _(
                "Sheet '%(sheet)s' claims %(rows)s rows and %(columns)s columns, out of proportion to its "
                "content: delete the empty rows and columns after the table, or save the register as CSV."
            )
            % {"sheet": ws.title, "rows": rows, "columns": columns}
        )


def _read_xlsx(data: bytes, sheet: str | None) -> _Read:
    """Header and rows of an XLSX sheet: the archive and the sheet's dimension are checked before anything
    is read (_check_archive, _check_dimension); only the header's columns (and one more, to refuse a value
    beyond the header) are read, and reading stops at EMPTY_RUN empty rows (TabularError when the sheet goes on
    after them with a value: no row is dropped without a word)."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TabularError(_("This XLSX file cannot be read (not a valid zip archive).")) from None
    with archive:
        _check_archive(archive)
    try:
        # data_only: the values a spreadsheet program computed and saved; formulas are never evaluated here.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise TabularError(
            _("This XLSX file cannot be read (%(error)s); is it a workbook saved by a spreadsheet program?")
            % {"error": error.__class__.__name__}
        ) from None
    names = book.sheetnames
    if sheet and sheet not in names:
        raise TabularError(
            _("There is no sheet '%(sheet)s'. Sheets: %(sheets)s.") % {"sheet": sheet[:100], "sheets": ", ".join(names)}
        )
    ws = book[sheet or names[0]]
    _check_dimension(ws, book._archive)
    try:
        header = list(next(ws.iter_rows(min_row=1, max_row=1, max_col=MAX_SHEET_COLUMNS, values_only=True)))
    except StopIteration:
        raise TabularError(_("Sheet '%(sheet)s' is empty.") % {"sheet": ws.title}) from None
    except Exception as error:
        raise TabularError(
            _("Sheet '%(sheet)s' cannot be read (%(error)s).") % {"sheet": ws.title, "error": error.__class__.__name__}
        ) from None
    while header and (header[-1] is None or not str(header[-1]).strip()):
        header.pop()
    if not header:
        raise TabularError(_("Sheet '%(sheet)s' is empty.") % {"sheet": ws.title})

    def rows() -> Iterator[tuple[int, list[Any]]]:
        empty = 0
        sheet_rows = ws.iter_rows(min_row=2, max_col=len(header) + 1, values_only=True)
        for number, values in enumerate(sheet_rows, start=2):
            if any(v is not None and str(v).strip() for v in values):
                empty = 0
                yield number, list(values)
            else:
                empty += 1
                if empty >= EMPTY_RUN:
                    # The sheet ends here unless a value follows (formatted blank rows often do): look on
                    # without reading the rows, and refuse rather than drop a row without a word.
                    for later, rest in enumerate(sheet_rows, start=number + 1):
                        if any(v is not None and str(v).strip() for v in rest):
                            raise TabularError(
                                _(
                                    "Rows %(first)s to %(last)s are empty and row %(row)s has values again; "
                                    "delete the empty rows and upload the file again."
                                )
                                % {"first": number - EMPTY_RUN + 1, "last": later - 1, "row": later}
                            )
                    return

    return header, rows(), Table(columns=[], sheet=ws.title, sheets=names)


def header_form(text: object) -> str:
    """A header as written, its qualifier kept: ``"Название (англ.) *"`` -> ``"название англ"`` (case,
    stars, brackets, dots and what follows a comma dropped). normalise_header also drops the bracketed
    qualifier, which is what tells the three name columns apart (``название`` is name_ru, ``название
    (англ.)`` name_en): the exact form is looked up first."""
    text = str(text or "").split(",")[0]
    text = re.sub(r"[*()\[\].]", " ", text).strip().lower().replace("ё", "е")
    return re.sub(r"[\s_]+", " ", text).strip()


def header_spellings(columns: list[Column]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """``(exact, loose)``: each form of every spelling of ``columns`` (the name and the documented headers)
    -> the column names it stands for; exact forms by header_form, loose ones by normalise_header."""
    exact: dict[str, set[str]] = {}
    loose: dict[str, set[str]] = {}
    for column in columns:
        for text in (column.name, *column.headers):
            exact.setdefault(header_form(text), set()).add(column.name)
            loose.setdefault(normalise_header(text), set()).add(column.name)
    return exact, loose


def match_header(text: object, spellings: tuple[dict[str, set[str]], dict[str, set[str]]]) -> set[str]:
    """The column names a header ``text`` may stand for (empty: unknown; more than one: ambiguous).

    Tried in order: the header as written (header_form); then without its units or qualifier
    (normalise_header), which is ambiguous when it may stand for two columns and a qualifier was dropped
    (``название (нем.)``: which name?); then that bare form among the exact forms, then the loose ones."""
    exact, loose = spellings
    full, bare = header_form(text), normalise_header(text)
    if full in exact:
        return exact[full]
    candidates = loose.get(bare, set())
    if len(candidates) > 1 and full != bare:
        return candidates
    return exact.get(bare) or candidates


def _map_header(
    header: Sequence[Any], columns: list[Column], sheet: str | None = None, sheets: Sequence[str] = ()
) -> dict[int, str]:
    """Column index -> column name; ``sheet`` (with the workbook's ``sheets``) is named in the errors.
    A header that may stand for two columns is refused, naming its row (1) and column."""
    spellings = header_spellings(columns)
    mapping: dict[int, str] = {}
    seen: dict[str, Any] = {}
    unknown: list[str] = []
    for index, text in enumerate(header):
        if text is None or not str(text).strip():
            continue
        names = match_header(text, spellings)
        if not names:
            unknown.append(str(text).strip()[:60])
            continue
        if len(names) > 1:
            raise TabularError(
                _(
                    "Row 1, column %(column)s: the header '%(header)s' may stand for any of %(names)s; "
                    "write the header of the template."
                )
                % {"column": index + 1, "header": _clean(str(text).strip())[:60], "names": ", ".join(sorted(names))}
            )
        (name,) = names
        if name in seen:
            raise TabularError(
                _("Column '%(name)s' appears twice (columns %(first)s and %(second)s).")
                % {"name": name, "first": seen[name] + 1, "second": index + 1}
            )
        seen[name] = index
        mapping[index] = name
    missing = [c.name for c in columns if c.required and c.name not in seen]
    params = {
        "sheet": sheet,
        "sheets": ", ".join(sheets),
        "missing": ", ".join(missing),
        "unknown": ", ".join(unknown),
        "known": ", ".join(c.name for c in columns),
    }
    if missing:
        if sheet:
            message = _(
                "Missing required column(s) in sheet '%(sheet)s' (sheets: %(sheets)s): %(missing)s. "
                "Download the template for the expected header."
            )
        else:
            message = _("Missing required column(s): %(missing)s. Download the template for the expected header.")
        raise TabularError(message % params)
    if unknown:
        if sheet:
            message = _(
                "Unknown column(s) in sheet '%(sheet)s' (sheets: %(sheets)s): %(unknown)s. "
                "Known columns: %(known)s (see the template)."
            )
        else:
            message = _("Unknown column(s): %(unknown)s. Known columns: %(known)s (see the template).")
        raise TabularError(message % params)
    return mapping


# --- value parsers: text (or a spreadsheet value) -> Python value; ValueError with the reason ---------

EXCEL_ERRORS = {"#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}


def text(value: Any) -> str | None:
    """A single-line text value, trimmed; empty -> None. Refuses dates and yes/no where text belongs (a
    spreadsheet turned the value into something else), spreadsheet error values and control characters."""
    if value is None:
        return None
    if isinstance(value, (datetime.date, datetime.time, bool)):
        raise ValueError(
            _("'%(value)s' was read as a %(type)s, not as text: format the column as text")
            % {"value": value, "type": type(value).__name__}
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value).strip()
    if not raw:
        return None
    if raw.upper() in EXCEL_ERRORS:
        raise ValueError(_("'%(value)s' is a spreadsheet error, not a value") % {"value": raw})
    if re.search(r"[\x00-\x1f\x7f]", raw):
        raise ValueError(_("holds a line break or a control character"))
    return raw


def decimal(value: Any, whole: bool = False) -> Decimal | None:
    """``12,5`` ``12.5`` ``1 234,5`` ``1,234.5`` ``1.234,5`` -> Decimal; empty -> None.

    A single separator followed by exactly three digits (``1,000``) is a thousands separator in a
    whole-number column and ambiguous (refused) in a decimal one. Groups after a thousands separator
    have three digits.
    """
    if isinstance(value, bool):
        raise ValueError(_("a number is required"))
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        result = Decimal(str(value))
    else:
        _check_space_groups(str(value))
        raw = re.sub(r"[\s\u00a0\u202f']", "", str(value))
        if not raw:
            return None
        digits = ascii_digits_error(raw)
        if digits:
            raise ValueError(digits)
        if not re.fullmatch(r"[-+]?[\d.,]+", raw) or not re.search(r"\d", raw):
            raise ValueError(_("'%(value)s' is not a number") % {"value": str(value)[:40]})
        sign = "-" if raw.startswith("-") else ""
        raw = raw.lstrip("+-")
        commas, dots = raw.count(","), raw.count(".")
        if commas and dots:
            decimal_sep = "." if raw.rfind(".") > raw.rfind(",") else ","
            thousands = "," if decimal_sep == "." else "."
            if raw.count(decimal_sep) > 1:
                raise ValueError(_("'%(value)s' is not a number") % {"value": value})
            integer_part, fraction = raw.split(decimal_sep)
            raw = _ungroup(integer_part, thousands, value) + "." + fraction
        elif commas > 1 or dots > 1:
            raw = _ungroup(raw, "," if commas else ".", value)
        elif commas == 1 or dots == 1:
            sep = "," if commas else "."
            integer_part, fraction = raw.split(sep)
            if len(fraction) == 3 and integer_part and integer_part != "0":
                if not whole:
                    raise ValueError(
                        _(
                            "'%(value)s' is ambiguous: write %(thousands)s for thousands or %(decimal)s "
                            "with at most 2 decimals"
                        )
                        % {
                            "value": value,
                            "thousands": f"{integer_part}{fraction}",
                            "decimal": f"{integer_part},{fraction[:2]}",
                        }
                    )
                raw = integer_part + fraction
            else:
                raw = f"{integer_part}.{fraction}"
        if not re.fullmatch(r"\d+(\.\d+)?", raw):
            raise ValueError(_("'%(value)s' is not a number") % {"value": value})
        result = Decimal(sign + raw)
    if not result.is_finite():
        raise ValueError(_("'%(value)s' is not a number") % {"value": value})
    return result


_SPACE_GROUP = re.compile(r"[\s\u00a0\u202f']+")


def _check_space_groups(text: str) -> None:
    """Digits grouped by spaces (no-break, narrow no-break) or apostrophes are thousands: ``1 234 567,5``.
    Any other spacing (``1 2 3``, ``1 23``, ``1 2345``) is refused, never read as one number. Raises
    ValueError with the value."""
    text = text.strip()
    if not re.search(r"\d[\s\u00a0\u202f']+\d", text):
        return
    parts = _SPACE_GROUP.split(text)
    head = parts[0].lstrip("+-")
    last = re.split(r"[.,]", parts[-1], maxsplit=1)[0]
    if not (
        1 <= len(head) <= 3
        and head.isdigit()
        and all(len(part) == 3 and part.isdigit() for part in parts[1:-1])
        and len(last) == 3
        and last.isdigit()
    ):
        raise ValueError(_("'%(value)s' is not a number") % {"value": text[:40]})


def _ungroup(raw: str, sep: str, original: object) -> str:
    groups = raw.split(sep)
    if not groups[0] or any(len(g) != 3 for g in groups[1:]):
        raise ValueError(_("'%(value)s' is not a number") % {"value": original})
    return "".join(groups)


def integer(value: Any) -> int | None:
    number = decimal(value, whole=True)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(_("'%(value)s' is not a whole number") % {"value": value})
    return int(number)


TRUE = {"yes", "y", "true", "1", "да", "д", "иә", "ия", "+"}
FALSE = {"no", "n", "false", "0", "нет", "н", "жоқ", "-"}


def boolean(value: Any) -> bool | None:
    """yes/no in en, ru (да/нет) and kk (иә/жоқ), true/false, 1/0; empty -> None (unknown)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    raw = str(value).strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ValueError(_("'%(value)s' is not yes or no") % {"value": value})


def unpacked_size(handle: Any) -> int:
    """The bytes a register file holds once unpacked: for an XLSX (a ZIP archive) its members' uncompressed
    sizes together, from the archive's directory (nothing is decompressed); for any other file its size.
    ``handle``: a binary file object that can seek; its position is restored."""
    start = handle.tell()
    try:
        with zipfile.ZipFile(handle) as archive:
            return sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        handle.seek(0, io.SEEK_END)
        return handle.tell()
    finally:
        handle.seek(start)


def date(value: Any) -> datetime.date | None:
    """``2026-11-01`` or ``01.11.2026`` or a spreadsheet date, in ASCII digits and within core.bounds.DATES
    (1900-01-01 to 2100-12-31), for every date column of every import; empty -> None. Raises ValueError
    with the reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return _bounded(value.date())
    if isinstance(value, datetime.date):
        return _bounded(value)
    raw = str(value).strip()
    if raw.isascii():
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
            try:
                return _bounded(datetime.datetime.strptime(raw, pattern).date())
            except ValueError as error:
                if str(error) == DATES.message():
                    raise
                continue
    raise ValueError(_("'%(value)s' is not a date (use YYYY-MM-DD or DD.MM.YYYY)") % {"value": value})


def _bounded(value: datetime.date) -> datetime.date:
    """``value`` if within core.bounds.DATES; else ValueError with DATES' message."""
    if not DATES.contains(value):
        raise ValueError(DATES.message())
    return value
