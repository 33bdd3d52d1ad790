"""Identifiers, names, numbers, text length and dates (issue 16, items 13 and 14), on every write path:
the API, the pages' forms and the register import. One rule each: core.validators (normal form of
identifiers, no invisible or control characters, ASCII digits) and core.bounds (FREE_TEXT, DATES)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cells.models import Cell
from core.bounds import DATES, FREE_TEXT
from inspections.models import Finding, Inspection
from registers import services as import_services

INVISIBLE = ["\u200b", "\u202e", "\u2066", "\ufeff", "\u00ad", "\x07", "\ue000", "\u2028"]
BAD_NUMBERS = ["5_9", "٥٩", "５９", "1e1", "1E1", "\u200b7"]


def post_cell(world, **values):
    body = {
        "block": world.a.cell_block.pk,
        "number": "N-1",
        "accommodation_type": "single_occupancy_cell",
        "design_capacity": 1,
        **values,
    }
    return world.clients["editor_a"].post("/api/v1/cells/", body, format="json")


# --- identifiers and names -----------------------------------------------------------------------------


@pytest.mark.parametrize("char", INVISIBLE)
def test_api_refuses_invisible_and_control_characters_in_a_cell_number(world, char):
    before = Cell.objects.count()
    response = post_cell(world, number=f"N{char}1")
    assert response.status_code == 400, response.content
    assert "Invisible, control or direction characters" in response.json()["number"][0]
    assert f"U+{ord(char):04X}" in response.json()["number"][0]
    assert Cell.objects.count() == before


def test_api_stores_the_normal_form_and_refuses_its_twin(world):
    response = post_cell(world, number="  Ａ\u00a0 1  ")  # full-width A, no-break space, padding
    assert response.status_code == 201, response.content
    assert Cell.objects.get(pk=response.json()["id"]).number == "A 1"
    twin = post_cell(world, number="A 1")
    assert twin.status_code == 400 and "already used" in twin.json()["number"][0]
    twin = post_cell(world, number="A\u30001")  # ideographic space
    assert twin.status_code == 400 and "already used" in twin.json()["number"][0]
    assert Cell.objects.filter(block=world.a.cell_block, number="A 1").count() == 1


def test_the_cell_form_refuses_invisible_characters_and_twins(world, client):
    client.force_login(world.users["editor_a"])
    url = reverse("cell-create", args=[world.a.cell_block.pk])
    data = {"block": world.a.cell_block.pk, "accommodation_type": "single_occupancy_cell", "status": "in_use"}
    data["design_capacity"] = "1"
    response = client.post(url, {**data, "number": "N\u202e1"})
    assert response.status_code == 200 and "Invisible, control or direction characters" in response.content.decode()
    twin = client.post(url, {**data, "number": "Ｃ-A"})  # full-width C of region A's cell C-A
    assert twin.status_code == 200 and "already used in this block" in twin.content.decode()
    assert sorted(Cell.objects.filter(block=world.a.cell_block).values_list("number", flat=True)) == ["C-A"]


def test_inspection_names_are_checked_on_the_api(world):
    body = {
        "facility": world.a.facility.pk,
        "date_start": "2025-01-10",
        "body": "prosecutor",
        "type": "unannounced",
        "lead_inspector": "Inspector\u200b One",
    }
    response = world.clients["prosecutor"].post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400 and "lead_inspector" in response.json(), response.content


CELLS_HEADER = "facility_code,block_name,number,accommodation_type,living_space_m2,design_capacity\n"


def import_cells(world, *lines):
    data = (CELLS_HEADER + "".join(line + "\n" for line in lines)).encode()
    record = import_services.upload(user=world.users["editor_a"], kind="cells", file_name="c.csv", data=data)
    return import_services.process(record)


def test_the_import_refuses_invisible_characters_and_bad_digits_with_the_line(world):
    record = import_cells(
        world,
        "F-A,Cells,N\u200b1,single_occupancy_cell,6.6,1",
        "F-A,Cells,N2,single_occupancy_cell,٦.٦,1",
        "F-A,Cells,N3,single_occupancy_cell,6.6,١",
        "F-A,Cells,N4,single_occupancy_cell,6_6,1",
        "F-A\u202e,Cells,N5,single_occupancy_cell,6.6,1",
    )
    errors = {(e["row"], e["column"]): e["reason"] for e in record.errors}
    assert record.rejected == 5, record.errors
    assert "U+200B" in errors[(2, "number")]
    assert "digits 0-9" in errors[(3, "living_space_m2")]
    assert "digits 0-9" in errors[(4, "design_capacity")]
    assert "underscores" in errors[(5, "living_space_m2")]
    assert "U+202E" in errors[(6, "facility_code")]


def test_the_import_matches_the_normal_form(world):
    """A full-width twin of a stored number is that cell (matched), not a second one."""
    record = import_cells(world, "Ｆ-A,Cells,Ｃ-A,single_occupancy_cell,6.6,1")
    assert (record.rejected, record.created, record.updated + record.unchanged) == (0, 0, 1), record.errors
    # Lookups use the normal form too (NameField.get_prep_value), so compare the stored text itself.
    assert list(Cell.objects.filter(block=world.a.cell_block).values_list("number", flat=True)) == ["C-A"]


# --- numbers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("field", ["living_space_m2", "design_capacity"])
def test_api_numbers_take_ascii_digits_only(world, field, value):
    response = post_cell(world, **{field: value})
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_api_counts_refuse_json_floats_and_exponents(world):
    url = f"/api/v1/cells/{world.a.cell.pk}/headcount/"
    for raw in ("1e0", "1.0", '"1e0"', '"5_9"', '"٥"'):
        body = f'{{"occupancy": {raw}, "occupancy_date": "2025-01-01"}}'
        response = world.clients["editor_a"].patch(url, body, content_type="application/json")
        assert response.status_code == 400 and "occupancy" in response.json(), (raw, response.content)
    ok = world.clients["editor_a"].patch(url, {"occupancy": 1, "occupancy_date": "2025-01-01"}, format="json")
    assert ok.status_code == 200, ok.content


def test_progress_numbers_take_ascii_digits_only(world):
    for value in ("7_0", "٧٠", "7e1"):
        body = {
            "version": 1,
            "date": timezone.localdate().isoformat(),
            "status": "construction",
            "percent_complete": value,
            "budget_spent_kzt": "700000",
        }
        url = f"/api/v1/conversions/{world.a.project.pk}/progress/"
        response = world.clients["editor_a"].post(url, body, format="json")
        assert response.status_code == 400 and "percent_complete" in response.json(), (value, response.content)


@pytest.mark.parametrize("value", ["5_9", "٥٩", "５９", "5e1"])
def test_the_cell_form_numbers_take_ascii_digits_only(world, client, value):
    client.force_login(world.users["editor_a"])
    url = reverse("cell-create", args=[world.a.cell_block.pk])
    data = {"block": world.a.cell_block.pk, "accommodation_type": "single_occupancy_cell", "status": "in_use"}
    response = client.post(url, {**data, "number": "N-9", "living_space_m2": value, "design_capacity": value})
    errors = response.context["form"].errors
    assert response.status_code == 200 and set(errors) == {"living_space_m2", "design_capacity"}, errors
    assert "A valid number is required" in errors["living_space_m2"][0]
    assert "A valid integer is required" in errors["design_capacity"][0]
    assert not Cell.objects.filter(number="N-9").exists()


def test_the_progress_form_numbers_take_ascii_digits_only(world, client):
    client.force_login(world.users["editor_a"])
    project = world.a.project
    response = client.post(
        reverse("conversion-progress", args=[project.pk]),
        {
            "version": project.version,
            "date": timezone.localdate().isoformat(),
            "status": "construction",
            "percent_complete": "7_0",
            "budget_spent_kzt": "٧٠٠٠٠٠",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "underscores" in page and "use the digits 0-9" in page
    project.refresh_from_db()
    assert project.version == 1 and project.percent_complete == Decimal("60")


# --- free text and dates ----------------------------------------------------------------------------------

LONG = "x" * (FREE_TEXT.maximum + 1)


def test_a_2_mb_finding_description_is_refused_on_the_api(world):
    before = Finding.objects.count()
    body = {"inspection": world.a.inspection.pk, "severity": "low", "description": "x" * 2_000_000}
    response = world.clients["prosecutor"].post("/api/v1/findings/", body, format="json")
    assert response.status_code in (400, 413), response.status_code
    if response.status_code == 400:
        assert "too long" in response.json()["description"][0]
    body["description"] = LONG
    response = world.clients["prosecutor"].post("/api/v1/findings/", body, format="json")
    assert response.status_code == 400 and "at most 20 000 characters" in response.json()["description"][0]
    body["description"] = "x" * FREE_TEXT.maximum
    assert world.clients["prosecutor"].post("/api/v1/findings/", body, format="json").status_code == 201
    assert Finding.objects.count() == before + 1


def test_long_text_is_a_form_error(world, client):
    client.force_login(world.users["prosecutor"])
    response = client.post(
        reverse("finding-create", args=[world.a.inspection.pk]), {"severity": "low", "description": LONG}
    )
    assert response.status_code == 200 and "This text is too long" in response.content.decode()
    client.force_login(world.users["editor_a"])
    project = world.a.project
    response = client.post(
        reverse("conversion-progress", args=[project.pk]),
        {
            "version": 1,
            "date": timezone.localdate().isoformat(),
            "status": "construction",
            "percent_complete": "70",
            "budget_spent_kzt": "700000",
            "note": LONG,
        },
    )
    assert response.status_code == 200 and "at most 20000 characters" in response.content.decode()
    project.refresh_from_db()
    assert project.version == 1


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31"])
def test_dates_out_of_bounds_on_the_api(world, value):
    body = {"facility": world.a.facility.pk, "date_start": value, "body": "prosecutor", "type": "unannounced"}
    response = world.clients["prosecutor"].post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400 and DATES.message() in response.json()["date_start"], response.content
    finding = {"inspection": world.a.inspection.pk, "severity": "low", "description": "d", "deadline": "9999-12-31"}
    response = world.clients["prosecutor"].post("/api/v1/findings/", finding, format="json")
    assert response.status_code == 400 and DATES.message() in response.json()["deadline"], response.content
    headcount = {"occupancy": 1, "occupancy_date": value}
    response = world.clients["editor_a"].patch(f"/api/v1/cells/{world.a.cell.pk}/headcount/", headcount, format="json")
    assert response.status_code == 400 and DATES.message() in response.json()["occupancy_date"], response.content
    assert not Inspection.objects.filter(date_start__year__lt=1900).exists()


def test_dates_out_of_bounds_on_the_form_and_in_the_import(world, client):
    client.force_login(world.users["prosecutor"])
    response = client.post(
        reverse("finding-create", args=[world.a.inspection.pk]),
        {"severity": "low", "description": "d", "deadline": "9999-12-31"},
    )
    assert response.status_code == 200 and "The date must be between 1900-01-01 and 2100-12-31." in (
        response.content.decode()
    )
    data = "facility_code,block_name,number,accommodation_type,occupancy_date\nF-A,Cells,N-7,single_occupancy_cell,0001-01-01\n"
    record = import_services.upload(user=world.users["editor_a"], kind="cells", file_name="c.csv", data=data.encode())
    record = import_services.process(record)
    assert record.rejected == 1 and record.errors[0]["row"] == 2, record.errors
    assert DATES.message() in record.errors[0]["reason"]


def test_cell_numbers_that_differ_only_by_letter_case_are_one_number(world):
    """``s-1`` is the cell S-1 on every path (core.validators.identity_key): the API refuses the twin that
    an import would have matched to the other cell."""
    client = world.clients["editor_a"]
    body = {
        "block": world.a.cell_block.pk,
        "accommodation_type": "dormitory",
        "living_space_m2": "20",
        "design_capacity": 4,
    }
    assert client.post("/api/v1/cells/", {**body, "number": "Straße-1"}, format="json").status_code == 201
    for twin in ("STRASSE-1", "strasse-1"):
        response = client.post("/api/v1/cells/", {**body, "number": twin}, format="json")
        assert response.status_code == 400 and "number" in response.json()
    assert Cell.objects.filter(block=world.a.cell_block, number__iexact="strasse-1").count() == 0


@pytest.mark.parametrize("char", ["\u034f", "\ufe0f", "\ufe00", "\U000e0100", "\u3164", "\u2800", "\u17b4"])
def test_invisible_characters_outside_the_format_category_are_refused_in_numbers(world, char):
    response = world.clients["editor_a"].post(
        "/api/v1/cells/",
        {
            "block": world.a.cell_block.pk,
            "accommodation_type": "dormitory",
            "number": f"Z{char}1",
            "living_space_m2": "20",
            "design_capacity": 4,
        },
        format="json",
    )
    assert response.status_code == 400 and "Invisible" in str(response.json()["number"])  # U+3164 is U+1160 in NFKC


@pytest.mark.parametrize("text", ["59.0", "59.", "5.0"])
def test_a_count_written_with_a_decimal_point_is_refused(world, text):
    response = world.clients["editor_a"].patch(
        f"/api/v1/cells/{world.a.cell.pk}/", {"design_capacity": text}, format="json"
    )
    assert response.status_code == 400 and "design_capacity" in response.json()
