"""Register imports in the user's language (issue 18, item 2): values as choice labels in kk, ru and en,
yes/no in words, decimal commas, headers in any of the three; the dry run's changes row by row on the page
and in the report; templates in each language; counts older than the stored ones refused unless confirmed."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from cells.models import Cell
from core import tabular
from facilities.models import Facility, ResidencePopulation, ResidentialBlock
from registers import columns, imports, services
from registers.models import ImportRecord
from tests.conftest import make_user, token_client
from tests.factories import BlockFactory, CellFactory, FacilityFactory


@pytest.fixture
def estate(standards, regions):
    # cp1251 has no Қ: the code is written with К, as a Windows-1251 register writes it.
    facility = FacilityFactory(code="АК-159/7", region__code="KZ-35", population=600)
    Facility.objects.filter(pk=facility.pk).update(population_date=datetime.date(2026, 10, 1))
    block = BlockFactory(facility=facility, name="Блок 1")
    CellFactory(
        block=block,
        number="1-01",
        accommodation_type="dormitory",
        design_capacity=60,
        occupancy=55,
        living_space_m2=Decimal("150.00"),
        occupancy_date=datetime.date(2026, 10, 1),
        has_sanitary_annex=False,
        sanitary_annex_partitioned=None,
        ceiling_height_m=Decimal("2.70"),
    )
    editor = make_user("editor_l", "Ministry editors", regions=["KZ-35"])
    return facility, block, editor


def run(kind, data, user, confirm=False, **options):
    record = services.upload(user=user, kind=kind, file_name=f"{kind}.csv", data=data, **options)
    return services.process(record, confirm=confirm)


def page_text(response) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", "\n", response.content.decode())
    return "\n".join(" ".join(line.split()) for line in html.unescape(text).splitlines() if line.strip())


RUSSIAN_CELLS = (
    "Код учреждения;Корпус;Номер камеры;Тип размещения;Жилая площадь (кв.м);Лимит мест;Наполняемость;"
    "Дата подсчёта;Санузел;Высота потолка;Естественное освещение;Статус\r\n"
    "АК-159/7;Блок 1;1-01;Общежитие;150,00;60;58;01.11.2026;нет;3,1;да;в  эксплуатации\r\n"
    "АК-159/7;Блок 1;S-1;одиночная камера;6,6;1;1;01.11.2026;да;2,7;да;\r\n"
)


def test_cp1251_file_in_russian_shows_its_changes_then_writes(estate, client):
    facility, block, editor = estate
    client.force_login(editor)
    upload = SimpleUploadedFile("камеры.csv", RUSSIAN_CELLS.encode("cp1251"))
    response = client.post("/imports/new/", {"kind": "cells", "file": upload}, HTTP_ACCEPT_LANGUAGE="ru")
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and record.status == "checked", record.errors
    assert (record.rows, record.created, record.updated, record.rejected) == (2, 1, 1, 0)
    assert Cell.objects.filter(block=block).count() == 1  # the dry run wrote nothing
    text = page_text(client.get(f"/imports/{record.pk}/", HTTP_ACCEPT_LANGUAGE="ru"))
    # The stored cell: each changed field, before -> after, in Russian (decimal commas, dates as typed).
    assert "наполняемость: 55 -> 58" in text
    assert "дата подсчета: 01.10.2026 -> 01.11.2026" in text
    assert "высота потолка: 2,70 -> 3,1" in text
    assert "жилая площадь" not in text.split("S-1")[0]  # 150,00 unchanged: not listed
    # The new cell with its values: labels of the choices, yes/no in words; a new cell is a draft.
    assert "тип размещения: одиночная камера" in text
    assert "санузел: да" in text and "жилая площадь: 6,6" in text
    with translation.override("ru"):
        draft = str(Cell.Status.DRAFT.label)
    assert f"статус: {draft}" in text
    confirmed = client.post(f"/imports/{record.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert confirmed.status_code == 302 and ImportRecord.objects.get().status == "imported"
    cells = {c.number: c for c in Cell.objects.filter(block=block)}
    assert (cells["1-01"].occupancy, cells["1-01"].occupancy_date, cells["1-01"].ceiling_height_m) == (
        58,
        datetime.date(2026, 11, 1),
        Decimal("3.10"),
    )
    assert (cells["1-01"].accommodation_type, cells["1-01"].has_natural_light, cells["1-01"].status) == (
        "dormitory",
        True,
        "in_use",
    )
    new = cells["S-1"]
    assert (new.accommodation_type, new.living_space_m2, new.has_sanitary_annex, new.status) == (
        "single_occupancy_cell",
        Decimal("6.60"),
        True,
        "draft",
    )


def test_the_changes_report(estate, client):
    facility, block, editor = estate
    record = run("cells", RUSSIAN_CELLS.encode("cp1251"), editor)
    client.force_login(editor)
    response = client.get(f"/imports/{record.pk}/changes.csv", HTTP_ACCEPT_LANGUAGE="ru")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    assert f"filename*=UTF-8''import-{record.pk}-changes.csv" in response["Content-Disposition"]
    # a Russian page writes its CSV with ";" (issue 18, item 9: what a Russian Excel expects)
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    with translation.override("ru"):
        header = [translation.gettext(h) for h in ("Row", "Object", "Change", "Field", "Before", "After", "Note")]
        updated, created = translation.gettext("updated"), translation.gettext("created")
        cell = str(Cell._meta.verbose_name)
    assert lines[0] == header
    assert [cell + " АК-159/7 / Блок 1 / 1-01", updated, "наполняемость", "55", "58"] == lines[1][1:6]
    assert lines[1][0] == "2"
    assert [line[3] for line in lines[1:] if line[0] == "2"] == ["наполняемость", "дата подсчета", "высота потолка"]
    s1 = [line for line in lines[1:] if line[0] == "3"]
    assert s1[0][2] == created and s1[0][4] == "" and ("номер камеры", "S-1") in {(r[3], r[5]) for r in s1}


def test_report_neutralises_formulas(estate, client):
    facility, block, editor = estate
    data = "facility_code,name,accommodation_type\nАК-159/7,=HYPERLINK(1),dormitory\n".encode()
    record = run("blocks", data, editor)
    assert record.status == "checked", record.errors
    client.force_login(editor)
    body = b"".join(client.get(f"/imports/{record.pk}/changes.csv").streaming_content).decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[2] == "2,residential block АК-159/7 / =HYPERLINK(1),created,block,,'=HYPERLINK(1),"
    assert lines[3] == "2,residential block АК-159/7 / =HYPERLINK(1),created,accommodation type,,dormitory,"


def test_kazakh_labels_and_headers(estate):
    facility, block, editor = estate
    data = (
        "мекеме коды,корпус атауы,камера нөмірі,орналастыру түрі,тұрғын алаңы,жобалық орын саны,санитариялық торап,"
        "табиғи жарық\n"
        'АК-159/7,Блок 1,K-1,БІР ОРЫНДЫҚ  КАМЕРА,"6,6",1,иә,жоқ\n'
        'АК-159/7,Блок 1,K-2,жатақхана,"20,5",4,жоқ,иә\n'
    ).encode()
    record = run("cells", data, editor, confirm=True)
    assert record.status == "imported", record.errors
    cells = {c.number: c for c in Cell.objects.filter(number__startswith="K-")}
    assert (cells["K-1"].accommodation_type, cells["K-1"].has_sanitary_annex, cells["K-1"].has_natural_light) == (
        "single_occupancy_cell",
        True,
        False,
    )
    assert (cells["K-2"].accommodation_type, cells["K-2"].living_space_m2) == ("dormitory", Decimal("20.50"))


def test_blocks_and_facilities_in_russian(estate):
    facility, block, editor = estate
    blocks = "код учреждения;корпус;тип размещения\nАК-159/7;Блок 2;Камерный\nАК-159/7;Блок 1;смешанный\n"
    with translation.override("ru"):
        cell_label = str(ResidentialBlock.Accommodation.CELL.label)
    blocks = blocks.replace("Камерный", cell_label)
    record = run("blocks", blocks.encode("cp1251"), editor, confirm=True)
    assert record.status == "imported", record.errors
    assert dict(ResidentialBlock.objects.filter(facility=facility).values_list("name", "accommodation_type")) == {
        "Блок 1": "mixed",
        "Блок 2": "cell",
    }
    admin = make_user("admin_l", "Administrators")
    facilities = "код учреждения;вид учреждения;статус;регион\nЕС-164/1;ИСПРАВИТЕЛЬНАЯ КОЛОНИЯ;действует;KZ-35\n"
    with translation.override("ru"):
        colony = str(Facility.Kind.COLONY.label)
    record = run("facilities", facilities.replace("ИСПРАВИТЕЛЬНАЯ КОЛОНИЯ", colony.upper()).encode(), admin, True)
    assert record.status == "imported", record.errors
    assert Facility.objects.filter(code="ЕС-164/1").values_list("kind", "status").get() == ("colony", "operating")


def test_an_english_code_and_label_still_read(estate):
    data = "facility_code,block_name,number,accommodation_type,design_capacity\n"
    data += "АК-159/7,Блок 1,E-1,Single-occupancy cell,1\nАК-159/7,Блок 1,E-2,multiple_occupancy_cell,2\n"
    record = run("cells", data.encode(), estate[2])
    assert (record.status, record.created) == ("checked", 2), record.errors


def test_an_unknown_value_names_the_codes_and_labels(estate):
    data = "facility_code,block_name,number,accommodation_type\nАК-159/7,Блок 1,E-1,замок\n"
    record = run("cells", data.encode(), estate[2])
    (error,) = record.errors
    assert (error["row"], error["column"]) == (2, "accommodation_type")
    assert error["reason"].startswith("'замок' is not one of: dormitory (dormitory), multiple_occupancy_cell")


def test_an_ambiguous_label_is_refused_naming_the_codes(estate, monkeypatch):
    """No label of the shipped choices stands for two codes (checked below); one that did is refused with the
    row and both codes, never read as either."""
    for kind_columns in columns.COLUMNS.values():
        for column in kind_columns:
            if getattr(column.parse, "choices", None) is not None:
                lookup = columns.choice_lookup(column.parse.choices)
                assert not [key for key, codes in lookup.items() if len(codes) > 1], column.name
    # A choice list whose Russian label of "dormitory" (общежитие) is also the label of "mixed".
    choices = [("dormitory", ResidentialBlock.Accommodation.DORMITORY.label), ("mixed", "Общежитие"), ("cell", "cell")]
    blocks = [
        tabular.Column(c.name, c.headers, columns.choice(choices), c.required, c.help)
        if c.name == "accommodation_type"
        else c
        for c in columns.COLUMNS["blocks"]
    ]
    monkeypatch.setitem(columns.COLUMNS, "blocks", blocks)
    data = "код учреждения;корпус;тип размещения\nАК-159/7;Блок 2;cell\nАК-159/7;Блок 3;общежитие\n"
    record = run("blocks", data.encode("cp1251"), estate[2])
    assert record.status == "rejected" and record.rejected == 1
    assert record.errors == [
        {
            "row": 3,
            "column": "тип размещения",
            "reason": "'общежитие' is ambiguous: it may stand for dormitory, mixed; write one of these codes.",
        }
    ]


@pytest.mark.parametrize(
    "language,header", [("en", "facility code *"), ("ru", "код учреждения *"), ("kk", "мекеме коды *")]
)
def test_the_template_in_each_language_reads_back(estate, capsys, language, header):
    call_command("import_register", "cells", "--template", "--language", language)
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert lines[0][0] == header and len(lines) == 2
    with translation.override(language):
        assert lines[0] == [
            columns.column_label(c, language) + (" *" if c.required else "") for c in columns.COLUMNS["cells"]
        ]
        multiple = str(columns.AccommodationType.MULTIPLE.label)
    row = dict(zip([c.name for c in columns.COLUMNS["cells"]], lines[1]))
    yes = {"en": "yes", "ru": "да", "kk": "иә"}[language]
    assert (row["accommodation_type"], row["has_sanitary_annex"]) == (multiple, yes)
    assert row["living_space_m2"] == ("16.5" if language == "en" else "16,5")
    assert row["occupancy_date"] == ("2026-11-01" if language == "en" else "01.11.2026")
    # The template is read back as it is: every header maps, every example value parses.
    table = tabular.read_table(
        "\n".join(",".join(f'"{v}"' for v in line) for line in lines).encode(), imports.COLUMNS["cells"]
    )
    ((number, values),) = list(table.rows)
    parsed = {c.name: c.parse(values[c.name]) for c in imports.COLUMNS["cells"]}
    assert parsed["accommodation_type"] == "multiple_occupancy_cell" and parsed["has_sanitary_annex"] is True
    assert parsed["living_space_m2"] == Decimal("16.5") and parsed["occupancy_date"] == datetime.date(2026, 11, 1)
    assert parsed["status"] == "in_use"


def test_the_template_without_a_language_is_the_codes(estate, capsys):
    call_command("import_register", "headcounts", "--template")
    assert capsys.readouterr().out == "facility_code *,block_name,cell_number,occupancy *,count_date *\n"


@pytest.mark.parametrize(
    "language,first", [("ru", "код учреждения *"), ("kk", "мекеме коды *"), ("en", "facility code *")]
)
def test_the_template_download_in_the_page_language(estate, client, language, first):
    client.force_login(estate[2])
    response = client.get("/imports/template/residence.csv", HTTP_ACCEPT_LANGUAGE=language)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    delimiter = "," if language == "en" else ";"  # ru and kk pages write ";" (issue 18, item 9)
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))
    assert lines[0][0] == first and lines[0] == columns.template_header("residence", language)
    assert lines[1] == ["АҚ-159/7", "KZ-35", "2026-11-01" if language == "en" else "01.11.2026", "412"]


HEADCOUNTS_OLDER = (
    "код учреждения;корпус;номер камеры;наполняемость;дата подсчета\n"
    "АК-159/7;Блок 1;1-01;50;01.09.2026\n"  # the cell's stored count is of 2026-10-01
    "АК-159/7;;;590;15.09.2026\n"  # the facility's population is of 2026-10-01
)


def test_older_headcounts_are_refused_unless_confirmed(estate, client):
    facility, block, editor = estate
    refused = run("headcounts", HEADCOUNTS_OLDER.encode("cp1251"), editor)
    assert refused.status == "rejected"
    assert [(e["row"], e["column"], e["reason"]) for e in refused.errors] == [
        (2, "дата подсчета", "A newer count, of 2026-10-01, is already recorded."),
        (3, "дата подсчета", "A newer count, of 2026-10-01, is already recorded."),
    ]
    client.force_login(editor)
    upload = SimpleUploadedFile("counts.csv", HEADCOUNTS_OLDER.encode("cp1251"))
    client.post("/imports/new/", {"kind": "headcounts", "file": upload, "allow_older_counts": "on"})
    record = ImportRecord.objects.latest("pk")
    assert (record.status, record.allow_older_counts, record.older, record.updated) == ("checked", True, 2, 2)
    text = page_text(client.get(f"/imports/{record.pk}/"))
    assert "occupancy: 55 -> 50" in text and "date of the count: 01.10.2026 -> 01.09.2026" in text
    assert "occupancy: 600 -> 590" in text
    assert text.count("(count older than the stored one)") == 2
    assert "2 rows carry a count older than the stored one" in text
    client.post(f"/imports/{record.pk}/")
    assert ImportRecord.objects.get(pk=record.pk).status == "imported"
    cell = Cell.objects.get(number="1-01")
    assert (cell.occupancy, cell.occupancy_date) == (50, datetime.date(2026, 9, 1))
    facility.refresh_from_db()
    assert (facility.population, facility.population_date) == (590, datetime.date(2026, 9, 15))


def test_older_counts_of_the_cell_survey_and_by_home_region(estate, capsys, tmp_path):
    facility, block, editor = estate
    survey = "facility_code,block_name,number,accommodation_type,occupancy,occupancy_date\n"
    survey += "АК-159/7,Блок 1,1-01,dormitory,40,2026-09-01\n"
    assert run("cells", survey.encode(), editor).errors == [
        {"row": 2, "column": "occupancy_date", "reason": "A newer count, of 2026-10-01, is already recorded."}
    ]
    allowed = run("cells", survey.encode(), editor, confirm=True, allow_older_counts=True)
    assert (allowed.status, allowed.older) == ("imported", 1)
    assert Cell.objects.get(number="1-01").occupancy == 40
    ResidencePopulation.objects.create(
        facility=facility, home_region=facility.region, date=datetime.date(2026, 10, 1), persons=400
    )
    path = tmp_path / "residence.csv"
    path.write_text("facility_code,home_region,count_date,persons\nАК-159/7,KZ-35,2026-09-01,380\n", encoding="utf-8")
    with pytest.raises(Exception, match="1 row"):
        call_command("import_register", "residence", str(path), "--user", "editor_l")
    out = capsys.readouterr().out
    assert "row 2, count_date: A newer count, of 2026-10-01, is already recorded." in out
    call_command("import_register", "residence", str(path), "--user", "editor_l", "--allow-older-counts")
    out = capsys.readouterr().out
    assert "1 created" in out and "(count older than the stored one)" in out and "persons: 380" in out
    assert ResidencePopulation.objects.filter(facility=facility).count() == 2
    # A count of a newer day, or a correction of the stored day, is no older count.
    path.write_text("facility_code,home_region,count_date,persons\nАК-159/7,KZ-35,2026-10-01,401\n", encoding="utf-8")
    call_command("import_register", "residence", str(path), "--user", "editor_l")
    assert "persons: 400 -> 401" in capsys.readouterr().out


def test_the_api_flag_and_changes(estate):
    facility, block, editor = estate
    client = token_client(editor)
    upload = SimpleUploadedFile("counts.csv", HEADCOUNTS_OLDER.encode("cp1251"), content_type="text/csv")
    refused = client.post("/api/v1/imports/", {"kind": "headcounts", "file": upload}, format="multipart")
    assert refused.status_code == 201 and refused.json()["status"] == "rejected"
    upload.seek(0)
    body = client.post(
        "/api/v1/imports/",
        {"kind": "headcounts", "file": upload, "allow_older_counts": "true"},
        format="multipart",
    ).json()
    assert (body["status"], body["allow_older_counts"], body["older"]) == ("checked", True, 2)
    assert body["changes"][0] == {
        "row": 2,
        "model": "cell",
        "object": "АК-159/7 / Блок 1 / 1-01",
        "created": False,
        "older": True,
        "fields": [["occupancy", 55, 50], ["count_date", "2026-10-01", "2026-09-01"]],
    }
    assert client.post(f"/api/v1/imports/{body['id']}/confirm/").json()["status"] == "imported"
    assert Cell.objects.get(number="1-01").occupancy == 50
    # A new count of the same number: only its date is a change.
    upload = SimpleUploadedFile(
        "later.csv", HEADCOUNTS_OLDER.split("\n")[0].encode() + "\nАК-159/7;Блок 1;1-01;50;01.11.2026\n".encode()
    )
    later = client.post("/api/v1/imports/", {"kind": "headcounts", "file": upload}, format="multipart").json()
    assert (later["status"], later["older"]) == ("checked", 0)
    assert later["changes"][0]["fields"] == [["count_date", "2026-09-01", "2026-11-01"]]
    assert later["changes"][0]["older"] is False
