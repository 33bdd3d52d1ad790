"""Dashboard, region and residence pages; chart data; exports (CSV and XLSX) of lists and dashboard tables."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cells.services import recalculate_compliance
from demo.history import reconstruct_demo_history
from facilities.models import Region, ResidencePopulation, RoadmapTarget
from facilities.services import load_targets
from reporting import trends
from tests.conftest import make_user
from tests.factories import (
    BlockFactory,
    CellFactory,
    ConversionProjectFactory,
    FacilityFactory,
    FindingFactory,
    InspectionFactory,
    ResidencePopulationFactory,
)


@pytest.fixture
def estate(standards, regions):
    load_targets()
    facility = FacilityFactory(code="АҚ-7", name_en='=HYPERLINK("http://x")', region__code="KZ-35", is_demo=True)
    block = BlockFactory(facility=facility, name="Шығыс")
    ConversionProjectFactory(
        block=block,
        status="completed",
        percent_complete=Decimal("100"),
        is_demo=True,
        actual_start=datetime.date(2023, 1, 1),
        actual_end=datetime.date(2024, 3, 10),
        baseline_rooms=1,
        baseline_beds=40,
        budget_planned_kzt=Decimal("5000000"),
        budget_spent_kzt=Decimal("4800000"),
    )
    for n in range(3):
        CellFactory(
            block=block,
            number=f"S{n}",
            accommodation_type="single_occupancy_cell",
            design_capacity=1,
            occupancy=1,
            living_space_m2=Decimal("7.00"),
        )
    CellFactory(
        block=BlockFactory(facility=facility, name="Dorm"),
        number="D1",
        accommodation_type="dormitory",
        design_capacity=40,
        occupancy=45,
        living_space_m2=Decimal("100.00"),
    )
    other = FacilityFactory(code="ЛА-1", region__code="KZ-75")
    CellFactory(
        block=BlockFactory(facility=other, name="B"),
        number="1",
        accommodation_type="dormitory",
        design_capacity=50,
        occupancy=30,
        living_space_m2=Decimal("150.00"),
    )
    ResidencePopulationFactory(facility=facility, home_region=Region.objects.get(code="KZ-35"), persons=40)
    ResidencePopulationFactory(facility=facility, home_region=Region.objects.get(code="KZ-75"), persons=8, is_demo=True)
    recalculate_compliance()
    reconstruct_demo_history(months=36)
    return facility


def chart(page: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page, re.S)
    assert match, f"chart {chart_id} missing"
    return json.loads(match.group(1))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_national_dashboard_figures_and_charts(browser, estate):
    page = browser.get("/").content.decode()
    assert "National dashboard" in page and "Demo data" in page
    points = trends.series()
    assert len(points) == 37 and points[-1]["persons"] == 49 + 30 - 1  # 3 + 45 + 30 persons
    share = chart(page, "share-chart")
    assert share["datasets"][0]["data"] == [p["share_in_single_cells"] for p in points]
    assert share["datasets"][1]["data"] == [points[0]["share_in_single_cells"], 50.0]
    assert share["datasets"][1]["x"][1] == "2029-12-31"
    spark = chart(page, "spark-population")
    assert spark["datasets"][0]["data"][-1] == 78
    projects = chart(page, "projects-chart")
    completed = next(d for d in projects["datasets"] if d["label"] == "completed")
    assert projects["labels"] == ["KZ-35"] and completed["data"] == [1]
    budget = chart(page, "budget-chart")
    assert budget["datasets"][0]["data"] == [5.0] and budget["datasets"][1]["data"] == [4.8]
    lowest = chart(page, "lowest-chart")
    # the share the title names (issue 18, item 6), no longer the persons in non-compliant accommodation (30)
    assert lowest["labels"][0] == "ЛА-1" and lowest["datasets"][0]["data"][0] == 0.0
    assert "Method: the share of persons in single-occupancy cells is projected" in page
    assert "demo assumption, not an official figure" in page
    assert "generated demo history" in page
    # 40 of 48 held in their home region; the percent filter puts a no-break space before the sign (issue 18)
    assert 'data-figure="home-share">83.3\xa0%' in page


def test_dashboard_settings_are_validated(browser, estate):
    response = browser.get("/", {"since": "2024-13-45", "window": "abc"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid date." in page and "Select a valid choice" in page
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert "The date cannot be in the future (today is " in browser.get("/", {"since": future}).content.decode()
    page = browser.get("/", {"since": "2024-01-01", "window": "365"}).content.decode()
    # the snapshot on or before the date: the reconstructed 2024-01-01, day first in English too (issue 18;
    # was 01/01/2024, month first)
    assert "since 01.01.2024" in page


def test_region_page_and_scope(client, browser, estate):
    page = browser.get("/regions/KZ-35/").content.decode()
    assert "Karaganda Region" in page and "АҚ-7" in page and "ЛА-1" not in page
    assert chart(page, "share-chart")["datasets"][0]["data"][-1] == round(100 * 3 / 48, 1)
    assert browser.get("/regions/KZ-99/").status_code == 404
    editor = make_user("ed", "Ministry editors", regions=["KZ-75"])
    client.force_login(editor)
    assert client.get("/regions/KZ-35/").status_code == 404
    assert client.get("/regions/KZ-75/").status_code == 200
    page = client.get("/").content.decode()
    assert "Dashboard of your regions" in page and "АҚ-7" not in page


def test_residence_page(browser, estate):
    page = browser.get("/residence/").content.decode()
    assert 'data-figure="home-share">83.3\xa0%' in page  # the percent filter (issue 18)
    senders = chart(page, "senders-chart")
    assert senders["labels"] == ["Almaty"] and senders["datasets"][0]["data"] == [8.0]  # KZ-75, named


def test_residence_senders_export_one_table_on_both_pages(browser, estate):
    """The senders table (reporting.exports.senders_table) downloads from the residence page and the
    dashboard with the same columns and rows, each under its own file name."""
    page = browser.get("/residence/", {"table": "senders", "export": "csv"})
    dashboard = browser.get("/", {"table": "residence", "export": "csv"})
    assert "residents-by-home-region" in page["Content-Disposition"]
    assert "residence-senders" in dashboard["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(page).decode("utf-8-sig"))))
    assert rows == list(csv.reader(io.StringIO(body(dashboard).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Home region code", "Home region", "Residents held"] and len(rows) > 1


def test_facility_and_block_pages_show_trend_timeline_and_progress(browser, estate):
    page = browser.get(f"/facilities/{estate.pk}/").content.decode()
    trend = chart(page, "facility-trend")
    assert trend["datasets"][2]["data"][-1] == 3 and trend["datasets"][2]["data"][0] == 0
    assert "Conversion status history" in page
    block = estate.blocks.get(name="Шығыс")
    page = browser.get(f"/blocks/{block.pk}/").content.decode()
    assert "progress-chart" not in page  # no progress update recorded: no chart


def test_facility_list_csv_is_safe_and_filtered(browser, estate):
    response = browser.get("/facilities/", {"region": "KZ-35", "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "Code" and len(rows) == 2
    code, name = rows[1][0], rows[1][1]
    assert code == "АҚ-7" and name == '\'=HYPERLINK("http://x")'
    assert rows[1][8:11] == ["43", "48", "3"]  # places, persons, persons in single cells: plain numbers
    assert rows[1][-1] == "yes"


def test_xlsx_keeps_numbers_and_neutralises_text(browser, estate):
    response = browser.get("/facilities/", {"export": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Code"
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["АҚ-7"][1] == '\'=HYPERLINK("http://x")'
    assert by_code["АҚ-7"][9] == 48 and isinstance(by_code["АҚ-7"][9], int)
    cell = list(sheet.iter_rows(min_row=2, max_row=3))[0][1]
    assert cell.data_type == "s"


def test_cyrillic_and_kazakh_file_names(browser, estate):
    block = estate.blocks.get(name="Шығыс")
    response = browser.get(f"/blocks/{block.pk}/", {"export": "csv"})
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('АҚ-7-Шығыс-cells')}.csv" in disposition
    assert 'filename="7-cells.csv"' in disposition  # the ASCII fallback for old clients
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == ["S0", "S1", "S2"]
    assert rows[1][4] == "7.00" and rows[1][-1] == "no"


def test_dashboard_tables_export(browser, estate):
    raw = body(browser.get("/", {"table": "forecast", "export": "csv"})).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[1][0] == "KZ" and rows[1][7] == "50.0" and rows[1][8] == "2029-12-31"
    assert len(rows) == 1 + 1 + 20
    sheet = load_workbook(io.BytesIO(browser.get("/", {"table": "trend", "export": "xlsx"}).getvalue())).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 37 and values[-1][1] == 78
    assert values[1][7] == "yes" and values[-1][7] == "no"  # reconstructed demo history is labelled
    targets = body(browser.get("/", {"table": "targets", "export": "csv"})).decode("utf-8-sig")
    assert "Demo assumption" in targets.splitlines()[0] and targets.count("\n") == 6


def test_region_and_national_trend_exports_share_their_columns(browser, estate):
    """One trend table (reporting.exports.trend_table) for the nation and a region: the same header."""
    national = body(browser.get("/", {"table": "trend", "export": "csv"})).decode("utf-8-sig").splitlines()[0]
    regional = body(browser.get("/regions/KZ-35/", {"table": "trend", "export": "csv"})).decode("utf-8-sig")
    regional = regional.splitlines()[0]
    assert regional == national
    assert national.split(",")[5:7] == ["Persons compliant with KZ-ROADMAP", "Share compliant (%)"]


@pytest.mark.parametrize(
    "url,reason",
    [
        ("/?table=trend&export=pdf", "Unknown export format 'pdf': use csv or xlsx."),
        ("/?table=nope&export=csv", "Unknown table 'nope'"),
        ("/facilities/?export=json", "Unknown export format 'json'"),
        ("/residence/?table=x&export=csv", "Unknown table 'x'"),
    ],
)
def test_bad_export_requests_are_400(browser, estate, url, reason):
    response = browser.get(url)
    assert response.status_code == 400 and reason in response.content.decode()


def test_dashboard_form_shows_the_values_it_used(browser, estate):
    page = browser.get("/").content.decode()
    year_ago = (timezone.localdate() - datetime.timedelta(days=365)).strftime("%d.%m.%Y")  # day first in English
    assert f'type="text" name="since" value="{year_ago}"' in page and '<option value="1095" selected>' in page
    page = browser.get("/", {"window": "365", "since": "02.01.2024"}).content.decode()
    assert 'name="since" value="02.01.2024"' in page and "Enter a valid date." not in page  # typed day first
    page = browser.get("/", {"window": "365", "since": "abc"}).content.decode()
    assert '<option value="365" selected>' in page and "Enter a valid date." in page
    assert 'name="since" value="abc"' in page  # shown again as typed


def test_language_switch_on_the_login_page_and_translated_pages(client, browser, estate):
    from django.utils import translation

    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert 'lang="ru"' in client.get("/login/").content.decode()
    browser.cookies["django_language"] = "kk"
    page = browser.get("/").content.decode()
    with translation.override("kk"):
        assert translation.gettext("National dashboard") in page
        assert translation.gettext("National dashboard") != "National dashboard"
    assert 'data-figure="population">78<' in page  # small numbers have no separator
    browser.cookies["django_language"] = "ru"
    page = browser.get(f"/facilities/{estate.pk}/").content.decode()
    assert "Карагандинская область" in page  # the region's name in the chosen language


def test_numbers_and_dates_follow_the_language():
    from django.utils import translation

    from roadmap_portal.templatetags.portal import num, signed

    expected = {
        "en": ("37,000", "12.5", "+1,234", "\u22120.5"),
        "ru": ("37\xa0000", "12,5", "+1\xa0234", "\u22120,5"),
        "kk": ("37\xa0000", "12,5", "+1\xa0234", "\u22120,5"),
    }
    for language, (thousands, decimal, plus, minus) in expected.items():
        with translation.override(language):
            assert num(37000) == thousands and num(12.5, 1) == decimal
            assert signed(1234) == plus and signed(-0.5, 1) == minus and signed(None) == "—"


# --- bad input found by breaking the pages (each once answered 500 or gave a wrong figure) -----------------


def test_admin_refuses_bad_targets_with_a_message(client, estate):
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    base = {"phase": "P", "metric": "share_in_single_cells", "target_date": "2029-12-31", "source": "s", "region": ""}
    for value, reason in [
        ("150", "A share cannot be above 100."),
        ("100.01", "A share cannot be above 100."),
        ("0", "Ensure this value is greater than or equal to 0.01."),
        ("50", "A national target of this metric and date exists."),
    ]:
        response = client.post("/admin/facilities/roadmaptarget/add/", {**base, "value": value})
        assert response.status_code == 200 and reason in response.content.decode(), value
    assert RoadmapTarget.objects.filter(metric="share_in_single_cells").count() == 1


def test_xlsx_export_survives_control_characters(client, estate):

    inspection = InspectionFactory(facility=estate, date_start=datetime.date(2026, 1, 5))
    FindingFactory(
        inspection=inspection,
        severity="low",
        description="Line\x0bbreak\x1b and =SUM(A1)",
        deadline=datetime.date(2026, 3, 1),
    )
    client.force_login(make_user("p2", "Prosecutors"))
    response = client.get("/findings/", {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert rows[1][11] == "Line\ufffdbreak\ufffd and =SUM(A1)"
    text = body(client.get("/findings/", {"export": "csv"})).decode("utf-8-sig")
    assert "Line\x0bbreak" in text  # CSV keeps the text as it is


def test_file_names_cannot_break_the_header(browser, estate):
    block = BlockFactory(facility=estate, name='Blk "A"; filename=evil.exe\nX/../y')
    response = browser.get(f"/blocks/{block.pk}/", {"export": "csv"})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\n" not in disposition and 'evil.exe"' not in disposition and "/" not in disposition
    assert disposition.startswith('attachment; filename="7-Blk-A-filename-evil.exe-X-..-y-cells.csv"; ')


@pytest.mark.parametrize(
    "url",
    [
        "/regions/KZ-35%00/",
        "/regions/%00/",
        "/regions/KZ-35%00/?table=trend&export=csv",
        "/regions/xx/",
        "/regions/KZ-3'5/",
    ],
)
def test_bad_region_codes_are_404(browser, estate, url):
    assert browser.get(url).status_code == 404


def test_region_codes_in_any_case(browser, estate):
    assert browser.get("/regions/kz-35/").status_code == 200


@pytest.mark.parametrize(
    "url,field",
    [
        ("/facilities/?region=KZ-99&export=csv", "region"),
        ("/facilities/?compliance=bogus&export=xlsx", "compliance"),
        ("/findings/?status=nope&export=csv", "status"),
        ("/inspections/?date_from=2024-02-30&export=csv", "date_from"),
        ("/?since=2024-13-45&table=trend&export=csv", "since"),
        ("/regions/KZ-35/?window=7&table=trend&export=csv", "window"),
    ],
)
def test_exports_with_invalid_filters_are_400(browser, estate, url, field):
    response = browser.get(url)
    text = response.content.decode()
    assert response.status_code == 400 and "nothing was exported" in text and f"{field}:" in text


def test_future_residence_counts_are_refused(estate):
    from django.core.exceptions import ValidationError

    count = ResidencePopulation(
        facility=estate, home_region=estate.region, persons=3, date=timezone.localdate() + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        count.full_clean()
    assert "date" in error.value.message_dict


def test_a_users_region_targets_show_on_their_dashboard(client, estate):
    from facilities.models import RoadmapTarget

    kz35 = Region.objects.get(code="KZ-35")
    RoadmapTarget.objects.create(
        phase="P",
        metric="blocks_converted",
        target_date=datetime.date(2028, 12, 31),
        value=2,
        source="regional plan",
        region=kz35,
    )
    client.force_login(make_user("ed35", "Ministry editors", regions=["KZ-35"]))
    rows = list(
        csv.reader(io.StringIO(body(client.get("/", {"table": "targets", "export": "csv"})).decode("utf-8-sig")))
    )
    blocks = [r for r in rows[1:] if r[3] == "2.0"]
    assert len(blocks) == 1 and blocks[0][4] == "1.0" and blocks[0][2] == "2028-12-31"
