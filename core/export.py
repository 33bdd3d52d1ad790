"""CSV export safe to open in a spreadsheet: UTF-8 with BOM, RFC 5987 file names, formulas neutralised."""
import csv
from numbers import Number
from urllib.parse import quote

from django.http import StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def safe_cell(value):
    """A value for a CSV cell: numbers stay numbers; text that a spreadsheet would run as a formula
    (starting with = + - @ tab or CR) gets a leading apostrophe; None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Number):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream ``rows`` (iterables of values) as ``filename``.csv; the name may hold Cyrillic or Kazakh letters."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    response["Content-Disposition"] = (f'attachment; filename="{ascii_name}.csv"; '
                                       f"filename*=UTF-8''{quote(filename)}.csv")
    return response
