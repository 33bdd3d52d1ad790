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
from dataclasses import dataclass, field
from decimal import Decimal

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
    parse: callable = None
    required: bool = False
    help: str = ""


@dataclass
class Table:
    """Rows read from a file: ``rows`` are ``(row number in the file, {column name: raw text})``."""

    columns: list[str]
    rows: list = field(default_factory=list)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def normalise_header(text) -> str:
    """``" Living space (m²) * "`` -> ``"living space"``: lower case, no units in brackets, no stars."""
    text = re.sub(r"\(.*?\)|\[.*?\]|\*", " ", str(text or "")).strip().lower().replace("ё", "е")
    return re.sub(r"[\s_]+", " ", text)


def read_table(data: bytes, columns: list[Column], *, encoding: str | None = None, sheet: str | None = None,
               filename: str = "") -> Table:
    """Read ``data`` (CSV or XLSX) and map its header to ``columns``.

    Raises TabularError: empty file, over MAX_BYTES, not CSV/XLSX, unknown encoding or sheet, a required
    column missing, or the same column twice.
    """
    if not data:
        raise TabularError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise TabularError(f"The file is larger than the limit of {MAX_BYTES // (1024 * 1024)} MB.")
    if data[:4] == b"PK\x03\x04":
        header, rows, table = _read_xlsx(data, sheet)
    else:
        if sheet:
            raise TabularError("Sheets exist only in XLSX files; this is a CSV file.")
        header, rows, table = _read_csv(data, encoding)
    mapping = _map_header(header, columns)
    table.columns = sorted(set(mapping.values()))

    def mapped():
        for number, values in rows:
            if not any(str(v).strip() for v in values if v is not None):
                continue  # blank line
            yield number, {mapping[i]: values[i] if i < len(values) else None for i in mapping}

    table.rows = mapped()
    return table


def _read_csv(data: bytes, encoding: str | None):
    if b"\x00" in data[:4096]:
        raise TabularError("This is not a CSV or XLSX file.")
    if encoding:
        try:
            text = data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
        except LookupError:
            raise TabularError(f"Unknown encoding '{encoding}'. Use utf-8 or cp1251.") from None
        except UnicodeDecodeError:
            raise TabularError(f"The file is not in {encoding}; choose another encoding.") from None
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1251"), "cp1251"
            except UnicodeDecodeError:
                raise TabularError("The text encoding could not be recognised; choose utf-8 or cp1251.") from None
    first = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TabularError("The file is empty.") from None
    rows = ((reader.line_num, row) for row in reader)
    return header, rows, Table(columns=[], encoding=encoding, delimiter=delimiter)


def _read_xlsx(data: bytes, sheet: str | None):
    from openpyxl import load_workbook

    try:
        # data_only: the values a spreadsheet program computed and saved; formulas are never evaluated here.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TabularError(f"This XLSX file cannot be read ({error.__class__.__name__}).") from None
    names = book.sheetnames
    if sheet and sheet not in names:
        raise TabularError(f"There is no sheet '{sheet}'. Sheets: {', '.join(names)}.")
    ws = book[sheet or names[0]]
    iterator = ws.iter_rows(values_only=True)
    try:
        header = list(next(iterator))
    except StopIteration:
        raise TabularError(f"Sheet '{ws.title}' is empty.") from None
    rows = ((number, list(values)) for number, values in enumerate(iterator, start=2))
    return header, rows, Table(columns=[], sheet=ws.title, sheets=names)


def _map_header(header, columns: list[Column]) -> dict[int, str]:
    spellings = {}
    for column in columns:
        for text in (column.name, *column.headers):
            spellings[normalise_header(text)] = column.name
    mapping, seen = {}, {}
    for index, text in enumerate(header):
        name = spellings.get(normalise_header(text))
        if name is None:
            continue
        if name in seen:
            raise TabularError(f"Column '{name}' appears twice (columns {seen[name] + 1} and {index + 1}).")
        seen[name] = index
        mapping[index] = name
    missing = [c.name for c in columns if c.required and c.name not in seen]
    if missing:
        raise TabularError(f"Missing required column(s): {', '.join(missing)}. "
                           f"Download the template for the expected header.")
    return mapping


# --- value parsers: text (or a spreadsheet value) -> Python value; ValueError with the reason ---------

def text(value) -> str:
    return "" if value is None else str(value).strip()


def decimal(value) -> Decimal | None:
    """``12,5`` ``12.5`` ``1 234,5`` ``1,234.5`` -> Decimal; empty -> None."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValueError("a number is required")
        return None
    if isinstance(value, (int, float, Decimal)):
        result = Decimal(str(value))
    else:
        raw = re.sub(r"[\s\u00a0\u202f']", "", str(value))
        if not raw:
            return None
        if "," in raw and "." in raw:
            raw = raw.replace(",", "") if raw.rfind(".") > raw.rfind(",") else raw.replace(".", "").replace(",", ".")
        elif raw.count(",") == 1:
            raw = raw.replace(",", ".")
        elif raw.count(",") > 1:
            raw = raw.replace(",", "")
        if not re.fullmatch(r"[-+]?\d+(\.\d+)?", raw):
            raise ValueError(f"'{value}' is not a number")
        result = Decimal(raw)
    if not result.is_finite():
        raise ValueError(f"'{value}' is not a number")
    return result


def integer(value) -> int | None:
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"'{value}' is not a whole number")
    return int(number)


TRUE = {"yes", "y", "true", "1", "да", "д", "иә", "ия", "+"}
FALSE = {"no", "n", "false", "0", "нет", "н", "жоқ", "-"}


def boolean(value) -> bool | None:
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
    raise ValueError(f"'{value}' is not yes or no")


def date(value) -> datetime.date | None:
    """``2026-11-01`` or ``01.11.2026`` or a spreadsheet date; empty -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD or DD.MM.YYYY)")
