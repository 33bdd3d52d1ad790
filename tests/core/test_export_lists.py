"""Export columns declared once with their list (cells.exports, inspections.exports, reporting.exports):
every page exporting a list writes exactly the declared columns, in CSV and XLSX."""

import csv
import io

from openpyxl import load_workbook

from cells.exports import cell_fields
from cells.models import StandardProfile
from inspections.exports import FINDING_FIELDS, INSPECTION_FIELDS
from reporting.exports import facility_fields


def _csv_header(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


def _xlsx_header(response):
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    return [c.value for c in next(sheet.iter_rows(max_row=1))]


def test_every_export_of_a_list_writes_its_declared_columns(world, client):
    client.force_login(world.users["admin"])
    active = list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))
    cells = [str(f.column.header) for f in cell_fields(active)]
    for url in (f"/blocks/{world.a.cell_block.pk}/", f"/facilities/{world.a.facility.pk}/"):
        assert _csv_header(client.get(url, {"export": "csv"})) == cells, url
        assert _xlsx_header(client.get(url, {"export": "xlsx"})) == cells, url
    for url, fields in (("/findings/", FINDING_FIELDS), ("/inspections/", INSPECTION_FIELDS)):
        headers = [str(f.column.header) for f in fields]
        assert _csv_header(client.get(url, {"export": "csv"})) == headers, url
        assert _xlsx_header(client.get(url, {"export": "xlsx"})) == headers, url
    profile = StandardProfile.objects.get(code="KZ-ROADMAP")
    facilities = [str(f.column.header) for f in facility_fields(profile)]
    assert _csv_header(client.get("/facilities/", {"export": "csv"})) == facilities
