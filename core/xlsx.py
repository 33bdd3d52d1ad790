"""A streamed XLSX workbook of one sheet, written piece by piece in constant memory (core.export.xlsx_response).

Why not openpyxl or XlsxWriter: both write a 100,000-row list far above the 10 s an export may take
(measured in docs/performance.md, §Exports (issue 16): openpyxl's write-only mode about 29 s of CPU for
100,000 rows of 21 cells, XlsxWriter's constant-memory mode about 11 s, this writer about 3 s), and
neither streams (a temporary file first). What is written is the smallest package Office Open XML
(ECMA-376 Part 1, SpreadsheetML) needs for one sheet: the content types, the package and workbook
relationships, the workbook, a stylesheet (bold header, a date and a date-time format) and the sheet, in a
ZIP archive (``zipfile`` on a stream that cannot seek: data descriptors, no temporary file).

Cells: text as inline strings (``t="inlineStr"``, so never a formula and never an error code: the value is
the text), numbers as numbers (16 significant digits, as openpyxl wrote them), dates and date-times as serial numbers (days since 1899-12-30, the 1900
date system) with the formats ``yyyy-mm-dd`` and ``yyyy-mm-dd h:mm:ss``; None is an empty cell. The
caller neutralises formulas (core.export.safe_cell) and removes characters XML 1.0 cannot hold.
"""

import datetime
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<bookViews><workbookView activeTab="0"/></bookViews>'
    '<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
# Cell styles (cellXfs, by position): 0 plain, 1 bold (the header), 2 a date, 3 a date and time.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    "<sheetData>"
)
SHEET_TAIL = "</sheetData></worksheet>"
EPOCH = datetime.datetime(1899, 12, 30)
BOLD, DATE, DATETIME = 1, 2, 3


class _Pieces:
    """A write-only file that keeps what is written until ``take()``: where the archive writes."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def column_letters(count: int) -> list[str]:
    """The letters of the first ``count`` columns: A, B, ..., Z, AA, AB, ..."""
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _number(value: int | float | Decimal) -> str:
    """A number as a cell holds it: 16 significant digits (as openpyxl writes it, so that 3.00 reads back as
    3 and the old exports' values are kept); not a number or infinite: empty."""
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        return ""
    return "%.16g" % (value if isinstance(value, int) else number)


def _cell(ref: str, value: Any, style: int = 0) -> str:
    """The XML of one cell at ``ref`` (e.g. ``C7``); "" for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        styled = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f'<c r="{ref}"><v>{_number(value)}</v></c>'
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        serial = (value - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{DATETIME}"><v>{_number(serial)}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH.date()).days}</v></c>'
    return _cell(ref, str(value), style)


def stream_xlsx(
    sheet: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], rows_per_piece: int = 500
) -> Iterator[bytes]:
    """The bytes of an XLSX workbook with one sheet named ``sheet`` (at most 31 characters, none of
    ``[]:*?/\\``): ``header`` (texts) as its first row, bold and frozen, then ``rows`` (str, int, float,
    Decimal, bool, date, datetime or None per cell), in pieces of about ``rows_per_piece`` rows, so that
    the memory held is one piece whatever the number of rows. Raises RuntimeError (zipfile) past 2 GiB of
    sheet XML (about two million rows of twenty cells)."""
    out = _Pieces()
    letters = column_letters(len(header))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as archive:  # type: ignore[call-overload]
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=quoteattr(sheet)))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        yield out.take()
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            first = "".join(_cell(f"{letter}1", str(text), BOLD) for letter, text in zip(letters, header))
            lines = [SHEET_HEAD, f'<row r="1">{first}</row>']
            for number, row in enumerate(rows, start=2):
                r = str(number)
                cells = "".join(_cell(letter + r, value) for letter, value in zip(letters, row))
                lines.append(f'<row r="{r}">{cells}</row>')
                if len(lines) >= rows_per_piece:
                    part.write("".join(lines).encode())
                    lines.clear()
                    yield out.take()
            lines.append(SHEET_TAIL)
            part.write("".join(lines).encode())
    yield out.take()
