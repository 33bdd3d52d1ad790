"""A catalogue of bad input, on the API and on the pages' filter forms.

Each bad value answers 400 naming the field and the reason (the pages: the form error next to the field
and no rows), never a server error, and writes nothing (the row counts of every table the write would touch,
history included, are unchanged). Extends tests/api/test_bad_input.py and tests/api/test_write_bad_input.py
(which cover the single cases found by hand) with the systematic list.
"""

import datetime
import inspect
import json
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cells.models import Cell
from facilities.models import ConversionProject, Facility, ProgressUpdate
from inspections.models import Finding, Inspection
from tests.conftest import requires_postgres
from tests.factories import BlockFactory, CellFactory, FacilityFactory

TODAY = timezone.localdate()
BAD_DATES = ["2024-13-45", "2024-02-30", "abc", "2024-1-1x", "31.02.2024", "20240101", "0000-00-00"]
BAD_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e400", "12,5"]
LISTS = ["regions", "facilities", "blocks", "cells", "conversions", "standards", "inspections", "findings", "imports"]
KAZAKH_UPPER = "ӘҒҚҢӨҰҮҺІ"
KAZAKH_LOWER = "әғқңөұүһі"


def over(argnames: str, argvalues):
    """Like ``pytest.mark.parametrize``, but the values run as subtests of one test, so the fixtures (the
    two-region world) are built once for the whole list; each failing value is reported on its own."""
    names = [name.strip() for name in argnames.split(",")]

    def decorate(func):
        def test(subtests, **fixtures):
            for values in argvalues:
                values = tuple(values) if len(names) > 1 else (values,)
                arguments = dict(zip(names, values))
                with subtests.test(**{k: repr(v)[:60] for k, v in arguments.items()}):
                    func(**fixtures, **({"subtests": subtests} if "subtests" in wanted else {}), **arguments)

        wanted = inspect.signature(func).parameters
        parameters = [p for p in wanted.values() if p.name not in names and p.name != "subtests"]
        test.__signature__ = inspect.Signature(
            [*parameters, inspect.Parameter("subtests", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        )
        test.__name__, test.__doc__ = func.__name__, func.__doc__
        return test

    return decorate


def counts() -> dict:
    """Rows of every table a write through the API can touch, history included."""
    models = [Cell, ConversionProject, ProgressUpdate, Inspection, Finding, Facility]
    result = {model.__name__: model.objects.count() for model in models}
    result.update({f"{model.__name__} history": model.history.count() for model in models if hasattr(model, "history")})
    return result


def assert_refused(response, field: str, reason: str):
    """400 with ``reason`` among the messages of ``field``."""
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert field in body, body
    assert any(reason in message for message in json.dumps(body[field], ensure_ascii=False).split('", "')), body


# --- dates in filters --------------------------------------------------------------------------------------


def test_malformed_and_impossible_dates_in_api_filters(world, subtests):
    for path in ("inspections", "findings"):
        for field in ("date_from", "date_to"):
            for value in BAD_DATES:
                with subtests.test(path=path, field=field, value=value):
                    response = world.clients["prosecutor"].get(f"/api/v1/{path}/", {field: value})
                    assert_refused(response, field, "Enter a valid date.")


def test_a_day_first_date_in_an_api_filter_reads_as_its_iso_form(world):
    """The list filters are shared by the pages and the API (core.filters.DateFilter, issue 18): a day-first
    date is read as the pages read it; the API documents and answers ISO dates."""
    client = world.clients["prosecutor"]
    for path in ("inspections", "findings"):
        day_first = client.get(f"/api/v1/{path}/", {"date_from": "31.12.2024"})
        iso = client.get(f"/api/v1/{path}/", {"date_from": "2024-12-31"})
        assert day_first.status_code == iso.status_code == 200
        assert day_first.json() == iso.json() and iso.json()["count"] >= 1


def test_malformed_dates_on_the_list_pages(client, world, subtests):
    client.force_login(world.users["prosecutor"])
    for url in ("/inspections/", "/findings/"):
        assert "F-A" in client.get(url).content.decode()  # rows are listed without a filter
        for field in ("date_from", "date_to"):
            for value in ("2024-13-45", "2024-02-30", "abc"):
                with subtests.test(url=url, field=field, value=value):
                    response = client.get(url, {field: value})
                    assert response.status_code == 200
                    page = response.content.decode()
                    assert "Enter a valid date." in page and f'name="{field}"' in page
                    assert "F-A" not in page and "F-B" not in page  # no rows under an invalid filter


DASHBOARD_CHOICES = [
    ({"since": "2024-13-45"}, "Enter a valid date."),
    ({"since": "2024-02-30"}, "Enter a valid date."),
    ({"since": "abc"}, "Enter a valid date."),
    ({"since": "1999-12-31"}, "Give a date from 2000 on."),
    ({"window": "abc"}, "Select a valid choice"),
    ({"window": "1e400"}, "Select a valid choice"),
    ({"window": "-30"}, "Select a valid choice"),
    ({"window": "NaN"}, "Select a valid choice"),
]


def test_dashboard_since_and_window(client, world, subtests):
    client.force_login(world.users["prosecutor"])
    for url in ("/", "/regions/KZ-35/"):
        for params, reason in DASHBOARD_CHOICES:
            with subtests.test(url=url, params=params):
                response = client.get(url, params)
                assert response.status_code == 200 and reason in response.content.decode()


# --- numbers in filters and bodies ---------------------------------------------------------------------------


def test_bad_ids_in_filters(world, subtests):
    for path, field in (("cells", "block"), ("findings", "inspection")):
        for value in BAD_NUMBERS + ["12.5", "-1", "0", "٣", " ", "1 000", "0x10", "true", str(2**64)]:
            with subtests.test(path=path, value=value):
                response = world.clients["prosecutor"].get(f"/api/v1/{path}/", {field: value})
                assert_refused(response, field, "")


def test_bad_page_numbers(world, subtests):
    for field in ("page", "page_size"):
        for value in BAD_NUMBERS + ["-1", "0", "abc", "1.5", "٣"]:
            with subtests.test(field=field, value=value):
                response = world.clients["prosecutor"].get("/api/v1/cells/", {field: value})
                assert_refused(response, field, "Must be")


def test_bad_numbers_in_a_progress_update_write_nothing(world, subtests):
    before = counts()
    for field in ("percent_complete", "budget_spent_kzt"):
        for value in BAD_NUMBERS + ["", "abc", [1], {"a": 1}, True]:
            with subtests.test(field=field, value=value):
                body = {
                    "version": 1,
                    "date": TODAY.isoformat(),
                    "status": "construction",
                    "percent_complete": "70",
                    "budget_spent_kzt": "700000",
                    field: value,
                }
                response = world.clients["editor_a"].post(
                    f"/api/v1/conversions/{world.a.project.pk}/progress/", body, format="json"
                )
                # 1e400 is a finite decimal: refused for its digits
                assert_refused(response, field, "digits" if value == "1e400" else "valid number")
                assert counts() == before
    world.a.project.refresh_from_db()
    assert (world.a.project.version, world.a.project.percent_complete) == (1, 60)


@over("literal", ["NaN", "Infinity", "-Infinity"])
def test_json_number_constants_are_a_parse_error(world, literal):
    before = counts()
    body = f'{{"version": 1, "date": "{TODAY.isoformat()}", "status": "construction", "percent_complete": {literal}, "budget_spent_kzt": 1}}'
    response = world.clients["editor_a"].post(
        f"/api/v1/conversions/{world.a.project.pk}/progress/", body, content_type="application/json"
    )
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]
    assert counts() == before


def test_json_1e400_literal_is_refused(world):
    """``1e400`` is a valid JSON number that Python reads as infinity: refused as a number, not stored."""
    before = counts()
    body = f'{{"occupancy": 1e400, "occupancy_date": "{TODAY.isoformat()}"}}'
    response = world.clients["editor_a"].patch(
        f"/api/v1/cells/{world.a.cell.pk}/headcount/", body, content_type="application/json"
    )
    assert_refused(response, "occupancy", "valid integer")
    body = '{"living_space_m2": 1e400}'
    response = world.clients["editor_a"].patch(
        f"/api/v1/cells/{world.a.cell.pk}/", body, content_type="application/json"
    )
    assert_refused(response, "living_space_m2", "valid number")
    assert counts() == before


@over(
    "field,value,reason",
    [
        *[("living_space_m2", v, "valid number") for v in BAD_NUMBERS],
        *[("ceiling_height_m", v, "valid number") for v in BAD_NUMBERS],
        *[("design_capacity", v, "valid integer") for v in BAD_NUMBERS + ["2.5"]],
        *[("occupancy", v, "valid integer") for v in BAD_NUMBERS],
        ("accommodation_type", "cave", "not a valid choice"),
        ("status", "demolished", "not a valid choice"),
        ("block", "abc", "Incorrect type"),
        ("block", 1.5, "Incorrect type"),
        ("block", True, "Incorrect type"),
        ("block", [1], "Incorrect type"),
        ("block", {"id": 1}, "Incorrect type"),
        ("block", 2**70, "does not exist"),
        ("occupancy_date", "2024-02-30", "Date has wrong format"),
        ("occupancy_date", "2024-13-45", "Date has wrong format"),
        ("has_natural_light", "maybe", "Must be a valid boolean"),
    ],
)
def test_bad_cell_registrations_write_nothing(world, field, value, reason):
    before = counts()
    body = {
        "block": world.a.cell_block.pk,
        "number": "N-1",
        "accommodation_type": "single_occupancy_cell",
        "design_capacity": 1,
        field: value,
    }
    response = world.clients["editor_a"].post("/api/v1/cells/", body, format="json")
    assert_refused(response, field, reason)
    assert counts() == before


@over(
    "field,value,reason",
    [
        ("occupancy", "NaN", "valid integer"),
        ("occupancy", "12,5", "valid integer"),
        ("occupancy", "Infinity", "valid integer"),
        ("occupancy", -1, "greater than or equal to 0"),
        ("occupancy_date", "2024-02-30", "Date has wrong format"),
        ("occupancy_date", "abc", "Date has wrong format"),
    ],
)
def test_bad_headcounts_write_nothing(world, field, value, reason):
    before = counts()
    body = {"occupancy": 1, "occupancy_date": TODAY.isoformat(), field: value}
    response = world.clients["editor_a"].patch(f"/api/v1/cells/{world.a.cell.pk}/headcount/", body, format="json")
    assert_refused(response, field, reason)
    assert counts() == before


@over(
    "field,value,reason",
    [
        ("status", "finished", "not a valid choice"),
        ("date", "2024-02-30", "Date has wrong format"),
        ("date", "2024-13-45", "Date has wrong format"),
        ("version", "abc", "valid integer"),
        ("version", "NaN", "valid integer"),
        ("version", 1.5, "valid integer"),
    ],
)
def test_bad_progress_fields_write_nothing(world, field, value, reason):
    before = counts()
    body = {
        "version": 1,
        "date": TODAY.isoformat(),
        "status": "construction",
        "percent_complete": "70",
        "budget_spent_kzt": "700000",
        field: value,
    }
    response = world.clients["editor_a"].post(
        f"/api/v1/conversions/{world.a.project.pk}/progress/", body, format="json"
    )
    assert_refused(response, field, reason)
    assert counts() == before


@over(
    "field,value,reason",
    [
        ("inspection", "abc", "Incorrect type"),
        ("inspection", 1.5, "Incorrect type"),
        ("inspection", [1], "Incorrect type"),
        ("severity", "apocalyptic", "not a valid choice"),
        ("deadline", "2024-02-30", "Date has wrong format"),
        ("deadline", "abc", "Date has wrong format"),
    ],
)
def test_bad_findings_write_nothing(world, field, value, reason):
    before = counts()
    body = {
        "inspection": world.a.inspection.pk,
        "severity": "low",
        "description": "x",
        "deadline": (TODAY + datetime.timedelta(days=30)).isoformat(),
        field: value,
    }
    response = world.clients["prosecutor"].post("/api/v1/findings/", body, format="json")
    assert_refused(response, field, reason)
    assert counts() == before


@over(
    "field,value,reason",
    [
        ("facility", "abc", "Incorrect type"),
        ("body", "aliens", "not a valid choice"),
        ("type", "surprise", "not a valid choice"),
        ("date_start", "2024-02-30", "Date has wrong format"),
        ("date_start", "2024-13-45", "Date has wrong format"),
    ],
)
def test_bad_inspections_write_nothing(world, field, value, reason):
    before = counts()
    body = {
        "facility": world.a.facility.pk,
        "date_start": "2025-06-01",
        "body": "prosecutor",
        "type": "scheduled",
        field: value,
    }
    response = world.clients["prosecutor"].post("/api/v1/inspections/", body, format="json")
    assert_refused(response, field, reason)
    assert counts() == before


# --- unknown choices and wrong id types in filters and paths ---------------------------------------------------


@over(
    "path,field,value",
    [
        ("facilities", "kind", "castle"),
        ("facilities", "security_level", "maximum-ish"),
        ("facilities", "status", "dreaming"),
        ("facilities", "compliance", "maybe"),
        ("facilities", "is_demo", "2"),
        ("blocks", "accommodation_type", "cave"),
        ("cells", "accommodation_type", "cave"),
        ("cells", "status", "gone"),
        ("conversions", "status", "finished"),
        ("regions", "kind", "planet"),
        ("inspections", "body", "aliens"),
        ("inspections", "type", "surprise"),
        ("findings", "severity", "apocalyptic"),
        ("findings", "status", "lost"),
        ("findings", "overdue", "perhaps"),
        ("standards", "is_active", "yes please"),
    ],
)
def test_unknown_choices_in_filters(world, path, field, value):
    response = world.clients["prosecutor"].get(f"/api/v1/{path}/", {field: value})
    assert response.status_code == 400 and field in response.json(), response.content
    assert value in response.json()[field][0] or "true or false" in response.json()[field][0]


@over("path", ["facilities", "blocks", "cells", "conversions", "inspections", "findings", "standards", "imports"])
@over("key", ["abc", "1.5", "-1", "0", "99999999999999999999999", "%D3%98"])
def test_wrong_id_types_in_paths_are_404(world, path, key):
    response = world.clients["prosecutor"].get(f"/api/v1/{path}/{key}/")
    assert response.status_code == 404 and "detail" in response.json()


# --- page sizes --------------------------------------------------------------------------------------------------


@pytest.fixture
def many_cells(world):
    """520 more cells in region A's cell block (bulk insert: no history needed to list them)."""
    Cell.objects.bulk_create(
        [
            Cell(
                block=world.a.cell_block,
                number=f"M{i:04d}",
                accommodation_type="dormitory",
                design_capacity=2,
                occupancy=1,
            )
            for i in range(520)
        ]
    )
    return Cell.objects.count()


@over(
    "size,returned", [("500", 500), ("501", 500), ("100000", 500), ("99999999999999999999999", 500), ("", 50), ("7", 7)]
)
def test_page_size_is_capped(world, many_cells, size, returned):
    body = world.clients["prosecutor"].get("/api/v1/cells/", {"page_size": size}).json()
    assert body["count"] == many_cells and len(body["results"]) == returned


@over("size", ["-1", "0", "-500", "abc", "1e3", "NaN", "Infinity", "12,5", "50.0"])
def test_page_size_refused(world, many_cells, size):
    response = world.clients["prosecutor"].get("/api/v1/cells/", {"page_size": size})
    assert_refused(response, "page_size", "Must be an integer between 1 and 500.")


def test_html_lists_show_one_page_whatever_the_page_parameter(client, world, many_cells):
    """The pages have a fixed page size (facility: 50 cells, block: 100); a bad ``?page=`` shows the first or
    the last page, never the whole table."""
    client.force_login(world.users["prosecutor"])
    for url, size in ((f"/facilities/{world.a.facility.pk}/", 50), (f"/blocks/{world.a.cell_block.pk}/", 100)):
        for page in ["abc", "-1", "0", "1e400", "NaN", "12,5", "99999", "1" * 30]:
            response = client.get(url, {"page": page, "page_size": "100000"})
            assert response.status_code == 200
            # the cell number heads its row of the compliance table (templates/cells/compliance_table.html)
            shown = len(re.findall(r'<span class="nowrap">M\d{4}</span>', response.content.decode()))
            assert 0 < shown <= size, (url, page, shown)


# --- ordering --------------------------------------------------------------------------------------------------


@over("path", LISTS)
@over(
    "ordering",
    [
        "nope",
        "-nope",
        "id;DROP TABLE x",
        "password",
        "user__password",
        "block__facility__region__name_en",
        "?",
        "pk,nope",
    ],
)
def test_ordering_by_an_unknown_field(world, path, ordering):
    response = world.clients["admin"].get(f"/api/v1/{path}/", {"ordering": ordering})
    assert response.status_code == 400, response.content
    assert "Unknown field" in response.json()["ordering"][0]


# --- Kazakh letters --------------------------------------------------------------------------------------------


@requires_postgres
def test_database_folds_case_of_kazakh_letters(db):
    """upper()/lower() of the database (what icontains uses) map every Kazakh letter; under a "C" ctype they
    would not, and searches would silently miss rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT upper(%s), lower(%s)", [KAZAKH_LOWER, KAZAKH_UPPER])
        assert cursor.fetchone() == (KAZAKH_UPPER, KAZAKH_LOWER)


@requires_postgres
@over("index", range(len(KAZAKH_UPPER)))
def test_search_finds_each_kazakh_letter_in_either_case(world, client, index):
    upper, lower = KAZAKH_UPPER[index], KAZAKH_LOWER[index]
    FacilityFactory(
        code=f"КZ-{index}",
        region=world.a.facility.region,
        name_kk=f"Түзеу {upper}{upper}-мекемесі",
        name_ru="Учреждение",
        name_en="Institution",
        locality="Қарағанды",
    )
    api = world.clients["prosecutor"]
    for query in (upper + upper, lower + lower, upper + lower):
        codes = [f["code"] for f in api.get("/api/v1/facilities/", {"q": query}).json()["results"]]
        assert codes == [f"КZ-{index}"], (query, codes)
    client.force_login(world.users["prosecutor"])
    page = client.get("/facilities/", {"q": lower + lower}).content.decode()
    assert f"КZ-{index}" in page and "F-A" not in page


def test_facility_codes_of_kazakh_letters_only(world, client, subtests):
    """Codes made only of Kazakh letters are accepted; exact filters tell the cases apart, the search does not;
    the pages, URL reversing and exports work with them."""
    client.force_login(world.users["prosecutor"])
    api = world.clients["prosecutor"]
    for number, code in enumerate([KAZAKH_UPPER, KAZAKH_LOWER, "ӘҒ-Қ1"]):
        with subtests.test(code=code):
            facility = FacilityFactory(code=code, region=world.a.facility.region)
            block = BlockFactory(facility=facility, name="Ұя", accommodation_type="cell")
            CellFactory(block=block, number=f"Ү{number}")
            cells = api.get("/api/v1/cells/", {"facility": code}).json()["results"]
            assert [c["number"] for c in cells] == [f"Ү{number}"]
            assert code in [f["code"] for f in api.get("/api/v1/facilities/", {"q": code}).json()["results"]]
            url = reverse("facility-detail", args=[facility.pk])
            assert client.get(url).status_code == 200
            export = client.get("/facilities/", {"q": code, "export": "csv"})
            assert export.status_code == 200
            assert code in b"".join(export.streaming_content).decode("utf-8-sig")
    found = [f["code"] for f in api.get("/api/v1/facilities/", {"q": KAZAKH_LOWER}).json()["results"]]
    if connection.vendor == "postgresql":  # SQLite (the demo) folds the case of ASCII letters only
        assert sorted(found) == sorted([KAZAKH_UPPER, KAZAKH_LOWER])
    else:
        assert found == [KAZAKH_LOWER]


@over("code", [KAZAKH_UPPER, "ҚЗ-35", "kz-қ5"])
def test_region_codes_of_kazakh_letters(world, client, code):
    """Reversing works for any text and the page answers 404 (no such region); the API names the code."""
    client.force_login(world.users["prosecutor"])
    url = reverse("region-detail", args=[code])
    assert url.startswith("/regions/%") or url.startswith("/regions/kz-%")
    assert client.get(url).status_code == 404
    for path in ("summary", "facilities", "cells"):
        response = world.clients["prosecutor"].get(f"/api/v1/{path}/", {"region": code})
        assert_refused(response, "region", "Unknown region code")


@over("value", [KAZAKH_UPPER, KAZAKH_LOWER])
def test_profile_codes_of_kazakh_letters_are_refused_by_name(world, client, value):
    response = world.clients["prosecutor"].get("/api/v1/facilities/", {"profile": value})
    assert_refused(response, "profile", f"Unknown or inactive standard profile '{value}'")
    client.force_login(world.users["prosecutor"])
    page = client.get("/facilities/", {"profile": value}).content.decode()
    assert f"Unknown or inactive standard profile &#x27;{value}&#x27;" in page and "F-A" not in page


@over("kind", [KAZAKH_LOWER, "ұяшық"])
def test_history_kind_of_kazakh_letters_is_404(world, client, kind):
    client.force_login(world.users["prosecutor"])
    assert client.get(reverse("history", args=[kind, world.a.cell.pk])).status_code == 404


def test_kazakh_cell_numbers_and_block_names_are_accepted(world):
    before = Cell.objects.count()
    response = world.clients["editor_a"].post(
        "/api/v1/cells/",
        {
            "block": world.a.cell_block.pk,
            "number": "ӘҒҚҢӨҰҮҺІ",
            "accommodation_type": "single_occupancy_cell",
            "design_capacity": 1,
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["number"] == "ӘҒҚҢӨҰҮҺІ"
    assert Cell.objects.count() == before + 1
    cell_id = response.json()["id"]
    assert world.clients["prosecutor"].get(f"/api/v1/cells/{cell_id}/").json()["number"] == "ӘҒҚҢӨҰҮҺІ"
    assert reverse("cell-edit", args=[cell_id]) == f"/cells/{cell_id}/edit/"


# --- the pages' filter forms ---------------------------------------------------------------------------------


@over(
    "url,params,message",
    [
        ("/facilities/", {"region": "KZ-99"}, "Unknown region code &#x27;KZ-99&#x27;"),
        ("/facilities/", {"region": "ӘҒҚ"}, "Unknown region code &#x27;ӘҒҚ&#x27;"),
        ("/facilities/", {"kind": "castle"}, "Select a valid choice. castle is not one of the available choices."),
        ("/facilities/", {"compliance": "maybe"}, "Select a valid choice."),
        ("/facilities/", {"is_demo": "2"}, "Must be true or false."),
        ("/inspections/", {"body": "aliens"}, "Select a valid choice. aliens is not one of the available choices."),
        ("/inspections/", {"region": "KZ-99"}, "Unknown region code"),
        ("/findings/", {"severity": "apocalyptic"}, "Select a valid choice."),
        ("/findings/", {"overdue": "perhaps"}, "Must be true or false."),
        ("/findings/", {"inspection": "NaN"}, "Enter a whole number (an id)."),
        ("/findings/", {"inspection": "1e400"}, "Enter a whole number (an id)."),
        ("/findings/", {"inspection": "12,5"}, "Enter a whole number (an id)."),
    ],
)
def test_page_filter_forms_show_the_error_and_no_rows(client, world, url, params, message):
    client.force_login(world.users["prosecutor"])
    response = client.get(url, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[:2000]
    assert "F-A" not in page and "F-B" not in page
    export = client.get(url, {**params, "export": "csv"})
    assert export.status_code == 400


def test_fractional_ids_are_not_rounded_onto_a_real_row(world):
    """``{"block": 12.4}`` used to be looked up as block 12 (the database rounds): now an incorrect type."""
    before = counts()
    body = {
        "block": world.a.cell_block.pk + 0.4,
        "number": "R-1",
        "accommodation_type": "single_occupancy_cell",
        "design_capacity": 1,
    }
    assert_refused(world.clients["editor_a"].post("/api/v1/cells/", body, format="json"), "block", "Incorrect type")
    body = {"inspection": world.a.inspection.pk + 0.4, "severity": "low", "description": "x"}
    response = world.clients["prosecutor"].post("/api/v1/findings/", body, format="json")
    assert_refused(response, "inspection", "Incorrect type")
    body = {
        "facility": world.a.facility.pk + 0.4,
        "date_start": "2025-06-01",
        "body": "prosecutor",
        "type": "scheduled",
    }
    assert_refused(
        world.clients["prosecutor"].post("/api/v1/inspections/", body, format="json"), "facility", "Incorrect type"
    )
    assert counts() == before
    body = {
        "block": str(world.a.cell_block.pk),
        "number": "R-1",
        "accommodation_type": "single_occupancy_cell",
        "design_capacity": 1,
    }
    assert world.clients["editor_a"].post("/api/v1/cells/", body, format="json").status_code == 201
