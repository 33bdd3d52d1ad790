"""Issue 18, item 6: figures that say what they show. Sparklines carry their first and last values with
their dates; "change since" names the snapshot it compared with; the chart of the ten facilities with the
lowest share plots that share; a facility whose conversions have all ended is not left saying "under
reconstruction" without a prompt."""

import datetime
from decimal import Decimal

import pytest
from django.utils import formats, translation

from reporting import selectors, trends
from reporting.figures import headline_profile
from roadmap_portal.templatetags.portal import signed
from tests.conftest import make_user
from tests.factories import BlockFactory, ConversionProjectFactory, FacilityFactory
from tests.reporting.test_dashboard_pages import chart, estate  # noqa: F401 (the fixture)


def _short(date: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(date, "SHORT_DATE_FORMAT")


def _num(value, language: str, digits: int | None = None) -> str:
    with translation.override(language):
        if digits is None:
            return formats.number_format(value, use_l10n=True, force_grouping=True)
        return formats.number_format(value, digits, use_l10n=True, force_grouping=True)


def test_each_sparkline_writes_its_first_and_last_values_with_dates(browser, estate):  # noqa: F811
    page = browser.get("/").content.decode()
    points = trends.series()
    first, last = points[0], points[-1]
    assert first["date"] != last["date"]
    population = (
        f'data-spark-range="population" title="First and last values of the line, with their dates">'
        f"{_short(first['date'], 'en')}: {first['persons']} → {_short(last['date'], 'en')}: {last['persons']}</span>"
    )
    assert population in page
    assert last["persons"] == 78
    single = (
        f'data-spark-range="single" title="First and last values of the line, with their dates">'
        f"{_short(first['date'], 'en')}: {_num(first['share_in_single_cells'], 'en', 1)} % → "
        f"{_short(last['date'], 'en')}: {_num(last['share_in_single_cells'], 'en', 1)} %</span>"
    )
    assert single in page
    # the sparkline's own data end on the same values
    spark = chart(page, "spark-single")
    assert spark["datasets"][0]["data"][0] == first["share_in_single_cells"]
    assert spark["datasets"][0]["data"][-1] == last["share_in_single_cells"]


def test_sparkline_values_in_russian_use_the_page_formats(browser, estate):  # noqa: F811
    browser.cookies["django_language"] = "ru"
    page = browser.get("/").content.decode()
    points = trends.series()
    first, last = points[0], points[-1]
    text = f"{first['date']:%d.%m.%Y}: {first['persons']} → {last['date']:%d.%m.%Y}: {last['persons']}</span>"
    assert f'data-spark-range="population" title="Первое и последнее значения линии с их датами">{text}' in page


def test_change_since_names_the_snapshot_it_used(browser, estate):  # noqa: F811
    points = trends.series()
    used = points[5]["date"]
    asked = used + datetime.timedelta(days=3)  # between two snapshots: the one on or before it is used
    assert points[6]["date"] > asked
    browser.cookies["django_language"] = "ru"
    page = browser.get("/", {"since": asked.isoformat()}).content.decode()
    delta = trends.change_since(points, asked)["delta"]["persons"]
    with translation.override("ru"):
        delta_text = signed(delta)
    assert f'<span class="delta" data-delta="population">{delta_text} с {used:%d.%m.%Y}</span>' in page
    assert f"с {asked:%d.%m.%Y}" not in page.split('data-figure="change-basis"')[0]  # never the date asked
    browser.cookies["django_language"] = "en"
    page = browser.get("/", {"since": asked.isoformat()}).content.decode()
    assert (
        f'<p class="note" data-figure="change-basis">Change since {used:%d.%m.%Y}: the snapshot of {used:%d.%m.%Y} '
        f"is the latest on or before the chosen date {asked:%d.%m.%Y}.</p>"
    ) in page


def test_change_since_before_the_first_snapshot_says_so(browser, estate):  # noqa: F811
    first = trends.series()[0]["date"]
    page = browser.get("/", {"since": "2001-01-01"}).content.decode()
    assert '<span class="delta" data-delta="population">no snapshot on or before the chosen date</span>' in page
    assert (
        f'<p class="note" data-figure="change-basis">No snapshot on or before 01.01.2001: the first is of '
        f"{first:%d.%m.%Y}. Choose a later date to see the change.</p>"
    ) in page
    assert "since —" not in page


def test_the_region_page_names_the_snapshot_too(browser, estate):  # noqa: F811
    points = trends.series(trends.Scope.REGION, estate.region_id)
    used = points[3]["date"]
    page = browser.get("/regions/KZ-35/", {"since": (used + datetime.timedelta(days=1)).isoformat()}).content.decode()
    assert f"since {used:%d.%m.%Y}</span>" in page


def test_the_lowest_share_chart_plots_the_share(browser, estate):  # noqa: F811
    page = browser.get("/").content.decode()
    lowest = selectors.lowest_compliance(headline_profile())
    assert [f.code for f in lowest] == ["ЛА-1", "АҚ-7"]
    spec = chart(page, "lowest-chart")
    assert spec["labels"] == ["ЛА-1", "АҚ-7"]
    assert spec["datasets"][0]["data"] == [f.share_compliant for f in lowest] == [0.0, 6.2]
    assert spec["datasets"][0]["label"] == "Share of persons in compliant accommodation (%)"
    assert (spec["unit"], spec["y_max"], spec["value_labels"]) == ("%", 100, True)
    assert "Ten facilities with the lowest share of persons in compliant accommodation (KZ-ROADMAP)" in page


@pytest.fixture
def ended(regions):
    """A facility under reconstruction whose two conversion projects ended (one completed, one cancelled)."""
    facility = FacilityFactory(code="ЕС-1", status="under_reconstruction")
    for name, status in (("A", "completed"), ("B", "cancelled")):
        ConversionProjectFactory(
            block=BlockFactory(facility=facility, name=name), status=status, percent_complete=Decimal("100")
        )
    return facility


PROMPT = (
    "All conversion projects of this facility have ended (completed or cancelled), but its status still says "
    "under reconstruction."
)


def test_a_facility_whose_projects_ended_prompts_to_change_its_status(client, ended):
    admin = make_user("boss", "Administrators", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/facilities/{ended.pk}/").content.decode()
    assert (
        f'<span class="warn" data-figure="status-outdated">{PROMPT} '
        f'<a href="/admin/facilities/facility/{ended.pk}/change/">Change the status</a></span>'
    ) in page
    reader = make_user("reader2", "Prosecutors")
    client.force_login(reader)
    page = client.get(f"/facilities/{ended.pk}/").content.decode()
    assert f'data-figure="status-outdated">{PROMPT} An administrator can change it.</span>' in page


def test_no_prompt_while_a_project_is_open_or_once_the_status_changed(browser, ended):
    open_project = ended.blocks.get(name="B").conversion
    open_project.status = "construction"
    open_project.save()
    assert 'data-figure="status-outdated"' not in browser.get(f"/facilities/{ended.pk}/").content.decode()
    open_project.status = "cancelled"
    open_project.save()
    assert 'data-figure="status-outdated"' in browser.get(f"/facilities/{ended.pk}/").content.decode()
    ended.status = "operating"
    ended.save()
    assert 'data-figure="status-outdated"' not in browser.get(f"/facilities/{ended.pk}/").content.decode()


def test_a_facility_under_reconstruction_without_projects_gets_no_prompt(browser, regions):
    facility = FacilityFactory(code="ЕС-2", status="under_reconstruction")
    assert 'data-figure="status-outdated"' not in browser.get(f"/facilities/{facility.pk}/").content.decode()
