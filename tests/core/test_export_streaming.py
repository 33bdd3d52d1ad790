"""Exports are streamed in constant memory (issue 16, item 6): the response is a stream written while the
rows are read, a queryset is read in chunks (QuerySet.iterator, each chunk with its results), and the
XLSX stream opens in openpyxl with exactly the rows of the CSV, typed, formulas neutralised, demo rows
labelled."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cells.services import recalculate_compliance
from core import export
from core.xlsx import stream_xlsx
from tests.conftest import make_user
from tests.factories import BlockFactory, CellFactory, FacilityFactory

HEADER = [
    "Facility",
    "Block",
    "Number",
    "Accommodation type",
    "Living space (m²)",
    "Design capacity (persons)",
    "Occupancy (persons)",
    "Date of the count",
    "Sanitary annex",
    "Sanitary annex fully partitioned",
    "Distance between walls (m)",
    "Ceiling height (m)",
    "Natural light",
    "Status",
]


@pytest.fixture
def facility(standards, regions):
    facility = FacilityFactory(code="F-STREAM", region__code="KZ-35")
    block = BlockFactory(facility=facility, name="=HYPERLINK(1)", accommodation_type="cell")
    CellFactory(block=block, number="001", occupancy_date=datetime.date(2026, 11, 2), is_demo=True)
    CellFactory(block=block, number="-002", living_space_m2=Decimal("5.25"), ceiling_height_m=None)
    CellFactory.create_batch(3, block=block)
    recalculate_compliance(run_date=datetime.date(2026, 11, 3))
    return facility


def _cell_reads(queries) -> int:
    """The queries reading the exported cells (ordered as the facility page orders them)."""
    return sum('FROM "cells_cell"' in q["sql"] and "ORDER BY" in q["sql"] for q in queries)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_a_stream_reading_the_queryset_in_chunks(facility, client, monkeypatch, fmt):
    from cells.models import CellQuerySet

    monkeypatch.setattr(export, "QUERYSET_CHUNK", 2, raising=False)
    chunks = []
    iterator = CellQuerySet.iterator

    def spy(self, chunk_size=None):
        chunks.append(chunk_size)
        yield from iterator(self, chunk_size)

    monkeypatch.setattr(CellQuerySet, "iterator", spy)
    client.force_login(make_user("adm", "Administrators"))
    with CaptureQueriesContext(connection) as view:
        response = client.get(f"/facilities/{facility.pk}/", {"export": fmt})
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    assert _cell_reads(view.captured_queries) == 0 and chunks == []  # no cell read yet: they come with the body
    with CaptureQueriesContext(connection) as body:
        data = response.getvalue()
    assert chunks == [2]  # one iterator over the cells, fetching 2 rows at a time, never the whole list
    assert _cell_reads(body.captured_queries) == 1
    if fmt == "csv":
        assert data.decode("utf-8-sig").count("\r\nF-STREAM,") == 5
    else:
        assert load_workbook(io.BytesIO(data)).active.max_row == 6


@pytest.mark.django_db
def test_xlsx_stream_opens_in_openpyxl_and_holds_exactly_the_rows_of_the_csv(facility, client):
    client.force_login(make_user("adm", "Administrators"))
    text = client.get(f"/facilities/{facility.pk}/", {"export": "csv"}).getvalue().decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text)))
    response = client.get(f"/facilities/{facility.pk}/", {"export": "xlsx"})
    assert response["Content-Type"] == export.XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="F-STREAM-cells.xlsx"')
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.title == "F-STREAM-cells" and sheet.freeze_panes == "A2"
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][: len(HEADER)] == HEADER == csv_rows[0][: len(HEADER)]
    assert rows[0][-2:] == ["Awaiting evaluation", "Generated demo data"]
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert len(rows) == len(csv_rows) == 6
    assert {row[1] for row in rows[1:]} == {"'=HYPERLINK(1)"}  # neutralised, as in the CSV: text, never a formula
    by_number = {row[2]: row for row in rows[1:]}
    assert by_number["'-002"][4] == 5.25 and by_number["'-002"][11] is None  # a number; an empty cell
    assert by_number["001"][4] == 6.6 and by_number["001"][7] == datetime.datetime(2026, 11, 2)
    assert by_number["001"][-1] == "yes" and by_number["'-002"][-1] == "no"  # the demo label
    assert sheet.cell(row=2, column=2).data_type == "s"
    # Every cell as the CSV writes it (numbers and dates in their CSV spelling).
    for xlsx_row, csv_row in zip(rows, csv_rows):
        assert len(xlsx_row) == len(csv_row)
        for value, written in zip(xlsx_row, csv_row):
            if value is None:
                assert written == ""
            elif isinstance(value, datetime.datetime):
                assert written == value.date().isoformat()
            elif isinstance(value, (int, float)):
                assert Decimal(written) == Decimal(str(value))
            else:
                assert written == value


def test_stream_xlsx_writes_types_and_escapes_text():
    header = ["Text", "Number", "Date", "Moment", "Empty"]
    rows = [
        ["a < b & c > d", 3, datetime.date(2026, 1, 2), datetime.datetime(2026, 1, 2, 3, 4, 5), None],
        [" spaced ", Decimal("2.50"), datetime.date(1900, 3, 1), datetime.datetime(1999, 12, 31, 23, 59, 59), None],
        ["#N/A", Decimal("3.00"), None, None, None],  # an error code's text stays text
    ]
    data = b"".join(stream_xlsx("Sheet 1", header, iter(rows), rows_per_piece=1))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        header,
        ["a < b & c > d", 3, datetime.datetime(2026, 1, 2), datetime.datetime(2026, 1, 2, 3, 4, 5), None],
        [" spaced ", 2.5, datetime.datetime(1900, 3, 1), datetime.datetime(1999, 12, 31, 23, 59, 59), None],
        ["#N/A", 3, None, None, None],  # 16 significant digits, as openpyxl wrote it: 3.00 is 3
    ]
    assert sheet["A4"].data_type == "s"
    assert sheet["C2"].number_format == "yyyy-mm-dd" and sheet["D2"].number_format == "yyyy-mm-dd h:mm:ss"
