"""Register imports: real-looking files built here, exact rows, dry-run counts, error reports, reruns."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cells.models import Cell
from core.tabular import TabularError
from core.validators import future_message
from facilities.models import Facility, ResidencePopulation, ResidentialBlock
from registers import imports, services
from registers.models import ImportRecord
from tests.conftest import make_user
from tests.factories import BlockFactory, CellFactory, FacilityFactory


@pytest.fixture
def estate(standards, regions):
    facility = FacilityFactory(code="АҚ-159/7", region__code="KZ-35")
    block = BlockFactory(facility=facility, name="Блок 1")
    CellFactory(
        block=block,
        number="1-01",
        accommodation_type="dormitory",
        design_capacity=60,
        occupancy=55,
        living_space_m2=Decimal("150.00"),
        occupancy_date=datetime.date(2026, 10, 1),
        # No annex, as the files say: a change of a certified cell's annex is a certification request's.
        has_sanitary_annex=False,
        sanitary_annex_partitioned=None,
    )
    other = FacilityFactory(code="ЛА-155/6", region__code="KZ-10")
    BlockFactory(facility=other, name="Блок 1")
    editor = make_user("editor_i", "Ministry editors", regions=["KZ-35"])
    return facility, block, editor


def run(kind, data, user, confirm=True, **options):
    record = services.upload(user=user, kind=kind, file_name=f"{kind}.csv", data=data, **options)
    return services.process(record, confirm=confirm)


CELLS_CSV_UTF8 = (
    "\ufefffacility_code,block_name,number,accommodation_type,living_space_m2,design_capacity,occupancy,"
    "occupancy_date,has_sanitary_annex,ceiling_height_m\r\n"
    "АҚ-159/7,Блок 1,1-01,dormitory,150.00,60,58,2026-11-01,no,3.1\r\n"
    "АҚ-159/7 , Блок 1 ,S-1,single_occupancy_cell,6.6,1,1,2026-11-01,yes,2.7\r\n"
    'АҚ-159/7,Блок 1,S-2,single_occupancy_cell,"6.60",1,0,2026-11-01,yes,\r\n'
)

CELLS_CSV_1251 = (
    "код учреждения;корпус;номер камеры;тип размещения;жилая площадь (кв.м);лимит мест;наполняемость;"
    "дата подсчета;санузел;высота потолка\r\n"
    "АК-159/7;Блок 1;1-01;dormitory;150,00;60;58;01.11.2026;нет;3,1\r\n"
    "АК-159/7;Блок 1;S-1;single_occupancy_cell;6,6;1;1;01.11.2026;да;2,7\r\n"
    "АК-159/7;Блок 1;S-2;single_occupancy_cell;6,60;1;0;01.11.2026;да;\r\n"
)


def test_utf8_csv_creates_updates_and_reruns_unchanged(estate):
    facility, block, editor = estate
    data = CELLS_CSV_UTF8.encode("utf-8")
    dry = run("cells", data, editor, confirm=False)
    assert (dry.status, dry.rows, dry.created, dry.updated, dry.unchanged, dry.rejected) == ("checked", 3, 2, 1, 0, 0)
    assert Cell.objects.filter(block=block).count() == 1  # a dry run writes nothing
    done = run("cells", data, editor)
    assert done.status == "imported"
    cells = {c.number: c for c in Cell.objects.filter(block=block)}
    assert (cells["1-01"].occupancy, cells["1-01"].ceiling_height_m, cells["1-01"].has_sanitary_annex) == (
        58,
        Decimal("3.10"),
        False,
    )
    assert (cells["S-1"].living_space_m2, cells["S-1"].design_capacity, cells["S-1"].number) == (
        Decimal("6.60"),
        1,
        "S-1",
    )
    assert cells["S-2"].ceiling_height_m is None  # an empty measurement is unknown, never 0
    # New cells are drafts, counted nowhere until certified; the certified room stays in use.
    assert {n: (c.status, c.certified_capacity) for n, c in cells.items()} == {
        "1-01": ("in_use", 60),
        "S-1": ("draft", None),
        "S-2": ("draft", None),
    }
    again = run("cells", data, editor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    record = cells["S-1"].history.first()
    assert record.history_change_reason == f"import #{done.pk} (cells.csv)" and record.history_user == editor


def test_cp1251_semicolons_and_decimal_commas(estate):
    facility, block, editor = estate
    Facility.objects.filter(pk=facility.pk).update(code="АК-159/7")  # cp1251 has no Қ
    record = run("cells", CELLS_CSV_1251.encode("cp1251"), editor)
    assert (record.status, record.created, record.updated) == ("imported", 2, 1)
    assert Cell.objects.get(number="1-01").ceiling_height_m == Decimal("3.10")
    assert run("cells", CELLS_CSV_1251.encode("cp1251"), editor, encoding="cp1251").unchanged == 3


def test_xlsx_with_two_sheets_and_a_formula(estate):
    facility, block, editor = estate
    book = Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["not", "a", "register"])
    sheet = book.create_sheet("Камеры")
    sheet.append(
        [
            "мекеме коды",
            "корпус атауы",
            "камера нөмірі",
            "орналастыру түрі",
            "тұрғын алаңы",
            "жобалық орын саны",
            "толымдылығы",
            "санақ күні",
        ]
    )
    sheet.append(["АҚ-159/7", "Блок 1", "Қ-1", "single_occupancy_cell", 6.6, 1, 1, datetime.date(2026, 11, 1)])
    sheet.append(["АҚ-159/7", "Блок 1", "Қ-2", "dormitory", "=2*3", 20, 10, datetime.date(2026, 11, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    with pytest.raises(TabularError, match="Missing required column"):
        imports.check_file("cells", data, user=editor)  # the first sheet is not a register
    record = run("cells", data, editor, sheet="Камеры")
    # The formula is never evaluated: without a value computed by a spreadsheet the area is unknown.
    assert (record.status, record.created) == ("imported", 2)
    assert Cell.objects.get(number="Қ-1").living_space_m2 == Decimal("6.60")
    assert Cell.objects.get(number="Қ-2").living_space_m2 is None
    with pytest.raises(TabularError, match="no sheet 'Nope'"):
        imports.check_file("cells", data, user=editor, sheet="Nope")


BAD_ROWS = (
    "facility_code,block_name,number,accommodation_type,living_space_m2,design_capacity,occupancy,"
    "occupancy_date,has_sanitary_annex,sanitary_annex_partitioned,ceiling_height_m\n"
    "АҚ-159/7,Блок 1,B-1,single_occupancy_cell,6.6,1,1,2026-11-01,yes,yes,2.7\n"  # 2 good
    "АҚ-159/7,Блок 1,B-2,single_occupancy_cell,6.6,2,1,2026-11-01,yes,yes,2.7\n"  # 3 single with capacity 2
    "АҚ-159/7,Блок 1,B-3,dormitory,-5,20,10,2026-11-01,no,,3\n"  # 4 negative area
    "АҚ-159/7,Блок 1,B-1,single_occupancy_cell,6.6,1,1,2026-11-01,yes,yes,2.7\n"  # 5 duplicate key
    "ЛА-155/6,Блок 1,B-4,dormitory,50,20,10,2026-11-01,no,,3\n"  # 6 other region
    "АҚ-159/7,Блок 9,B-5,dormitory,50,20,10,2026-11-01,no,,3\n"  # 7 unknown block
    "АҚ-159/7,Блок 1,B-6,castle,50,20,10,2026-11-01,no,,3\n"  # 8 unknown type
    "АҚ-159/7,Блок 1,B-7,dormitory,abc,20,10,2026-11-01,no,,3\n"  # 9 not a number
    "АҚ-159/7,Блок 1,B-8,dormitory,50,20,10,2099-01-01,no,,3\n"  # 10 future count
    "АҚ-159/7,Блок 1,B-9,dormitory,50,20,10,31.02.2026,no,,3\n"  # 11 impossible date
    "АҚ-159/7,Блок 1,B-10,dormitory,50,2.5,10,2026-11-01,no,,3\n"  # 12 fractional capacity
    "АҚ-159/7,Блок 1,B-11,dormitory,50,20,10,2026-11-01,maybe,,3\n"  # 13 not yes/no
    "АҚ-159/7,Блок 1,,dormitory,50,20,10,2026-11-01,no,,3\n"  # 14 missing number
    "АҚ-159/7,Блок 1,B-12,dormitory,50,20,10,2026-11-01,no,yes,3\n"  # 15 partitioned, no annex
    "АҚ-159/7,Блок 1,B-13,dormitory,50,20,10,2026-11-01,no,,150\n"  # 16 ceiling over 100 m
)


def test_a_dozen_kinds_of_bad_rows(estate, client):
    facility, block, editor = estate
    record = run("cells", BAD_ROWS.encode(), editor)
    assert (record.status, record.rows, record.created, record.rejected) == ("rejected", 15, 1, 14)
    assert not Cell.objects.filter(number__startswith="B-").exists()  # all or nothing
    by_row = {e["row"]: (e["column"], e["reason"]) for e in record.errors}
    assert by_row[3] == ("design_capacity", "A single-occupancy cell has a design capacity of exactly 1.")
    assert by_row[4] == ("living_space_m2", "Ensure this value is greater than or equal to 0.01.")
    assert by_row[5] == ("number", "The same key as row 2 (АҚ-159/7 / Блок 1 / B-1).")
    assert by_row[6] == ("facility_code", "No facility 'ЛА-155/6' in your regions.")
    assert by_row[7] == ("block_name", "No block 'Блок 9' in АҚ-159/7.")
    assert by_row[8][0] == "accommodation_type" and "'castle' is not one of" in by_row[8][1]
    assert by_row[9] == ("living_space_m2", "'abc' is not a number")
    assert by_row[10] == ("occupancy_date", future_message())
    assert by_row[11][0] == "occupancy_date" and "is not a date" in by_row[11][1]
    assert by_row[12] == ("design_capacity", "'2.5' is not a whole number")
    assert by_row[13] == ("has_sanitary_annex", "'maybe' is not yes or no")
    assert by_row[14] == ("number", "A value is required.")
    assert by_row[15][0] == "sanitary_annex_partitioned"
    assert by_row[16] == ("ceiling_height_m", "Ensure this value is less than or equal to 100.")
    client.force_login(editor)
    report = b"".join(client.get(f"/imports/{record.pk}/errors.csv").streaming_content).decode("utf-8-sig")
    assert report.splitlines()[0] == "row,column,reason" and len(report.splitlines()) == 15
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert "Download the full error report" in page and "Confirm" not in page
    assert client.post(f"/imports/{record.pk}/").status_code == 302
    assert not Cell.objects.filter(number__startswith="B-").exists()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The file is empty."),
        (b"\x00\x01\x02binary", "not a CSV or XLSX"),
        (b"PK\x03\x04broken zip", "cannot be read"),
        ("facility_code,number\nАҚ-159/7,1\n".encode(), "Missing required column(s): block_name, accommodation_type"),
        (b"facility_code,block_name,number,accommodation_type\n", "no rows"),
    ],
)
def test_whole_file_refusals(estate, data, message):
    with pytest.raises(TabularError) as error:
        imports.check_file("cells", data, user=estate[2])
    assert message in str(error.value)


def test_size_limit(estate, monkeypatch):
    monkeypatch.setattr("core.tabular.MAX_BYTES", 10)
    with pytest.raises(TabularError, match="larger than the limit"):
        imports.check_file("cells", CELLS_CSV_UTF8.encode(), user=estate[2])


def test_other_kinds(estate):
    facility, block, editor = estate
    admin = make_user("admin_i", "Administrators")
    facilities = (
        "code,name_ru,kind,security_level,region,year_built\n"
        "ЕС-164/1,Колония №1,colony,maximum,KZ-35,1965\n"
        "АҚ-159/7,,colony,maximum,kz-35,\n"
    )
    record = run("facilities", facilities.encode(), admin)
    assert (record.status, record.created, record.updated) == ("imported", 1, 1)
    assert Facility.objects.get(code="ЕС-164/1").region.code == "KZ-35"
    assert Facility.objects.get(code="АҚ-159/7").security_level == "maximum"
    blocks = "facility_code,name,accommodation_type,floors\nАҚ-159/7,Блок 2,dormitory,3\nАҚ-159/7,Блок 1,mixed,\n"
    assert run("blocks", blocks.encode(), editor).created == 1
    assert ResidentialBlock.objects.get(name="Блок 1", facility=facility).accommodation_type == "mixed"
    headcounts = (
        "facility_code,block_name,cell_number,occupancy,count_date\n"
        "АҚ-159/7,Блок 1,1-01,52,2026-11-15\n"
        "АҚ-159/7,,,612,2026-11-15\n"
        "АҚ-159/7,Блок 1,1-01,50,2026-09-01\n"
    )
    rejected = run("headcounts", headcounts.encode(), editor)
    assert rejected.rejected == 1 and rejected.errors[0]["row"] == 4  # duplicate key (the same cell)
    record = run("headcounts", headcounts.rsplit("\n", 2)[0].encode() + b"\n", editor)
    assert record.status == "imported"
    assert Cell.objects.get(number="1-01").occupancy == 52
    assert Facility.objects.get(pk=facility.pk).population == 612
    residence = (
        "facility_code,home_region,count_date,persons\nАҚ-159/7,KZ-35,2026-11-01,400\nАҚ-159/7,KZ-10,2026-11-01,212\n"
    )
    assert run("residence", residence.encode(), editor).created == 2
    assert ResidencePopulation.objects.get(home_region__code="KZ-10").persons == 212
    assert run("residence", residence.encode(), editor).unchanged == 2


def test_prosecutors_do_not_import(estate):
    prosecutor = make_user("pros_i", "Prosecutors")
    with pytest.raises(PermissionDenied, match="Only ministry editors"):  # refused before it is stored
        run("cells", CELLS_CSV_UTF8.encode(), prosecutor)
    assert not ImportRecord.objects.exists()


def test_command(estate, capsys, tmp_path):
    facility, block, editor = estate
    call_command("import_register", "cells", "--template")
    assert capsys.readouterr().out.startswith("facility_code *,block_name *,number *,accommodation_type *")
    path = tmp_path / "cells.csv"
    path.write_text(CELLS_CSV_UTF8, encoding="utf-8")
    call_command("import_register", "cells", str(path), "--dry-run", "--user", "editor_i")
    assert "2 created, 1 updated" in capsys.readouterr().out and Cell.objects.filter(block=block).count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_ROWS, encoding="utf-8")
    with pytest.raises(CommandError, match="14 row"):
        call_command("import_register", "cells", str(bad), "--user", "editor_i")
    call_command("import_register", "cells", str(path), "--user", "editor_i")
    assert Cell.objects.filter(block=block).count() == 3


def test_api_upload_and_confirm(estate):
    from tests.conftest import token_client

    client = token_client(estate[2])
    upload = SimpleUploadedFile("cells.csv", CELLS_CSV_UTF8.encode(), content_type="text/csv")
    response = client.post("/api/v1/imports/", {"kind": "cells", "file": upload}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["created"], body["updated"]) == ("checked", 2, 1)
    assert client.get(f"/api/v1/imports/{body['id']}/").json()["status"] == "checked"
    confirmed = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "imported"
    again = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert again.status_code == 409 and again.json()["status"] == "imported"
    assert "already confirmed on " in again.json()["detail"] and "by editor_i: 3 rows written" in again.json()["detail"]
    assert ImportRecord.objects.get(pk=body["id"]).finished_at is not None
    bad = client.post("/api/v1/imports/", {"kind": "nope", "file": upload}, format="multipart")
    assert bad.status_code == 400 and "kind" in bad.json()


def test_upload_page(estate, client):
    client.force_login(estate[2])
    assert client.get("/imports/new/").status_code == 200
    response = client.post(
        "/imports/new/", {"kind": "cells", "file": SimpleUploadedFile("камеры.csv", CELLS_CSV_UTF8.encode())}
    )
    record = ImportRecord.objects.get()
    assert response["Location"] == f"/imports/{record.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Would be created" in page and "Confirm" in page
    client.post(response["Location"])
    assert ImportRecord.objects.get().status == "imported"
    template = client.get("/imports/template/cells.csv")
    assert "filename*=UTF-8''template-cells.csv" in template["Content-Disposition"]


def test_large_upload_goes_through_the_task_and_recomputes(estate, monkeypatch, django_capture_on_commit_callbacks):
    from cells.models import ComplianceRun
    from tests.conftest import token_client

    monkeypatch.setattr(services, "BACKGROUND_BYTES", 10)
    client = token_client(estate[2])
    upload = SimpleUploadedFile("cells.csv", CELLS_CSV_UTF8.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"kind": "cells", "file": upload}, format="multipart")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    status = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert (status["status"], status["created"], status["updated"]) == ("checked", 2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"/api/v1/imports/{status['id']}/confirm/")
    assert confirmed.status_code == 202 and confirmed.json()["status"] == "confirming"
    assert client.get(f"/api/v1/imports/{status['id']}/").json()["status"] == "imported"
    run = ComplianceRun.objects.get(trigger="edit")
    # The room in use; the two new cells are drafts, counted nowhere (nor evaluated) until certified.
    assert run.facility_id == estate[0].pk and run.cells_evaluated == 1


# Found by trying to break the import -----------------------------------------------------------------


def test_blank_cells_keep_stored_values(estate):
    facility, block, editor = estate
    data = (
        "facility_code,block_name,number,accommodation_type,living_space_m2,design_capacity,occupancy\n"
        "ақ-159/7,Блок 1,1-01,dormitory,,,\n"
    ).encode()  # lower case, Kazakh letters
    record = run("cells", data, editor)
    assert (record.status, record.unchanged) == ("imported", 1), record.errors
    cell = Cell.objects.get(number="1-01")
    assert (cell.living_space_m2, cell.design_capacity, cell.occupancy) == (Decimal("150.00"), 60, 55)


@pytest.mark.parametrize(
    "data,message",
    [
        (b"facility_code,block_name,number,accommodation_type\n" + b"x," * 3000 + b"\x00,1,2\n", "NUL"),
        (
            (
                'facility_code,block_name,number,accommodation_type\nАҚ-159/7,Блок 1,"'
                + "9" * 1_100_000
                + '",dormitory\n'
            ).encode(),
            "cannot be read past row",
        ),
        (
            "facility_code,block_name,number,accommodation_type,Жилая площадь кв\nАҚ-159/7,Блок 1,1,dormitory,5\n".encode(),
            "Unknown column(s): Жилая площадь кв",
        ),
        (
            "facility_code,block_name,number,accommodation_type\nАҚ-159/7,Блок 1,1,dormitory,extra\n".encode(),
            "more values than the header",
        ),
    ],
)
def test_more_whole_file_refusals(estate, data, message):
    record = run("cells", data, estate[2], confirm=False)
    assert record.status == "failed" and message in record.message


def test_an_unforeseen_failure_leaves_a_failed_record(estate, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("openpyxl could not parse a cell")

    monkeypatch.setattr("registers.imports.check_file", boom)
    record = run("cells", CELLS_CSV_UTF8.encode(), estate[2], confirm=False)
    assert record.status == "failed" and "RuntimeError" in record.message


def test_zip_bomb_is_refused(estate, monkeypatch):
    monkeypatch.setattr("core.tabular.MAX_UNPACKED_BYTES", 1000)
    book = Workbook()
    book.active.append(["facility_code"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TabularError, match="unpacks to more than"):
        imports.check_file("cells", buffer.getvalue(), user=estate[2])


@pytest.mark.parametrize(
    "line,column,reason",
    [
        ('АҚ-159/7,Блок 1,1-01,dormitory,"1,000",60', "жилая площадь", "ambiguous"),
        ('АҚ-159/7,Блок 1,1-01,dormitory,150,"2,000"', "лимит мест", "less than or equal to 1000"),
        ("АҚ-159/7,Блок 1,#REF!,dormitory,150,60", "номер камеры", "spreadsheet error"),
    ],
)
def test_value_readings(estate, line, column, reason):
    header = "код учреждения,корпус,номер камеры,тип размещения,жилая площадь,лимит мест\n"
    record = run("cells", (header + line + "\n").encode(), estate[2], confirm=False)
    assert record.errors[0]["column"] == column and reason in record.errors[0]["reason"]


def test_xlsx_date_where_a_cell_number_belongs(estate):
    book = Workbook()
    book.active.append(["facility_code", "block_name", "number", "accommodation_type"])
    book.active.append(["АҚ-159/7", "Блок 1", datetime.datetime(2026, 1, 1), "dormitory"])
    buffer = io.BytesIO()
    book.save(buffer)
    record = run("cells", buffer.getvalue(), estate[2], confirm=False)
    assert record.rejected == 1 and "format the column as text" in record.errors[0]["reason"]


def test_headcount_rules_in_imports(estate):
    editor = estate[2]
    data = (
        "facility_code,block_name,cell_number,occupancy,count_date\n"
        "АҚ-159/7,Блок 1,,45,2026-11-01\n"
        "АҚ-159/7,,,99999999999,2026-11-01\n"
    ).encode()
    record = run("headcounts", data, editor, confirm=False)
    assert [(e["row"], e["column"]) for e in record.errors] == [(2, "cell_number"), (3, "occupancy")]


def test_confirm_once_and_confirmer_recorded(estate):
    facility, block, editor = estate
    admin = make_user("admin_c", "Administrators")
    record = run("cells", CELLS_CSV_UTF8.encode(), editor, confirm=False)
    done = services.process(record, confirm=True, user=admin)
    assert (done.status, done.confirmed_by) == ("imported", admin)
    assert Cell.objects.get(number="S-1").history.first().history_user == admin
    again = services.process(record, confirm=True, user=admin)
    assert (
        again.message.startswith("This import was already confirmed on ")
        and Cell.objects.filter(block=block).count() == 3
    )
    assert "by admin_c: 3 rows written (2 created, 1 updated)" in again.message


@pytest.mark.parametrize(
    ("kind", "rows", "column"),
    [
        # the same record in another letter case: matched as one, so a duplicate, never two writes
        ("residence", "АҚ-159/7,KZ-35,2026-11-01,5\nАҚ-159/7,kz-35,2026-11-01,6\n", "count_date"),
        ("residence", "АҚ-159/7,KZ-35,2026-11-01,5\nаҚ-159/7,KZ-35,2026-11-01,6\n", "count_date"),
    ],
)
def test_rows_naming_one_record_in_another_case_are_duplicates(estate, kind, rows, column):
    facility, block, editor = estate
    record = run(kind, ("facility_code,home_region,count_date,persons\n" + rows).encode(), editor)
    assert (record.status, record.rejected) == ("rejected", 1)
    assert record.errors[0]["row"] == 3 and record.errors[0]["column"] == column
    assert record.errors[0]["reason"].startswith("The same key as row 2 (")
    assert not ResidencePopulation.objects.filter(facility=facility).exists()  # all or nothing
