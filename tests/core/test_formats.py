"""Dates and numbers as a reader in Kazakhstan reads them (issue 18, item 4): day-first dates and a 24-hour
clock in every language (roadmap_portal/formats/en, kk; Django's ru), one format for money, percentages and
quantities with units (core.numbers and the filters of roadmap_portal/templatetags/portal.py), the charts'
month names and separators (core.charts.chart_locale) and the grouped money inputs (core.widgets.MoneyInput).
Exact strings in kk, ru and en."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, time_format

from cells.models import StandardRule
from core import numbers
from core.charts import chart_locale
from core.widgets import MoneyInput
from facilities.forms import ProgressForm, ProjectForm
from facilities.models import ConversionProject
from tests.pageforms import form_data

LANGUAGES = ["kk", "ru", "en"]
DAY = datetime.date(2026, 12, 3)
AFTERNOON = datetime.datetime(2026, 12, 3, 13, 15, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en")


def render(text: str, **context) -> str:
    return Template("{% load portal %}" + text).render(Context(context))


# --- dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "short", "long", "short_datetime"),
    [
        ("en", "03.12.2026", "3 December 2026", "03.12.2026 13:15"),
        ("ru", "03.12.2026", "3 декабря 2026 г.", "03.12.2026 13:15"),
        ("kk", "03.12.2026", "3 Желтоқсан 2026 ж.", "03.12.2026 13:15"),
    ],
)
def test_dates_are_day_first_and_times_24_hour_in_every_language(language, short, long, short_datetime):
    with translation.override(language):
        assert date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert date_format(DAY) == long
        assert date_format(AFTERNOON, "SHORT_DATETIME_FORMAT") == short_datetime
        assert time_format(AFTERNOON.time()) == "13:15"
        # the template filter, as the pages use it; no "p.m." (which gave "1:15 p.m.." before a full stop)
        assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=DAY) == short
        assert render('{{ t|date:"SHORT_DATETIME_FORMAT" }}.', t=AFTERNOON) == short_datetime + "."


def test_english_long_datetime_reads_day_first():
    with translation.override("en"):
        assert date_format(AFTERNOON, "DATETIME_FORMAT") == "3 December 2026, 13:15"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("typed", ["03.12.2026", "03.12.26", "2026-12-03"])
def test_forms_read_day_first_and_iso_dates_in_every_language(language, typed):
    with translation.override(language):
        assert forms.DateField().clean(typed) == DAY


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("12/03/2026", datetime.date(2026, 3, 12)),  # 12 March, as a reader here takes it (was 3 December)
        ("03/12/2026", DAY),
        ("3 Dec 2026", DAY),
        ("3 December 2026", DAY),
    ],
)
def test_english_forms_read_slashed_and_written_dates_day_first(typed, day):
    with translation.override("en"):
        assert forms.DateField().clean(typed) == day


def test_english_forms_refuse_a_month_first_date_that_has_no_day_first_reading():
    with translation.override("en"), pytest.raises(forms.ValidationError):
        forms.DateField().clean("12/31/2026")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_project_form_reads_a_day_first_planned_start(world, language):
    project = world.a.project
    with translation.override(language):
        form = ProjectForm({"version": project.version, "planned_start": "03.12.2026"}, instance=project)
        form.is_valid()
    assert form.cleaned_data["planned_start"] == DAY


# --- numbers: money, percentages, quantities --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "money", "percent", "grouped"),
    [
        ("kk", "940\xa0000\xa0000,00", "42,5\xa0%", "1\xa0234,5"),
        ("ru", "940\xa0000\xa0000,00", "42,5\xa0%", "1\xa0234,5"),
        ("en", "940,000,000.00", "42.5\xa0%", "1,234.5"),
    ],
)
def test_money_percent_and_num_filters(language, money, percent, grouped):
    with translation.override(language):
        assert render("{{ v|money }}", v=Decimal("940000000")) == money
        assert numbers.money(Decimal("940000000.00")) == money
        assert render("{{ v|percent:1 }}", v=Decimal("42.5")) == percent
        assert render("{{ v|percent }}", v=42.5) == percent  # one decimal place unless told
        assert render("{{ v|percent:0 }}", v=60) == "60\xa0%"
        assert render("{{ v|num:1 }}", v=1234.5) == grouped
        assert render("{{ v|money }}|{{ v|percent }}|{{ v|num }}", v=None) == "—|—|—"


def test_quantities_in_english_write_m_squared_and_persons_agreeing_with_the_value():
    with translation.override("en"):
        assert numbers.quantity(6.0, "m2") == "6.0 m²"
        assert numbers.quantity(Decimal("2.94"), "m²") == "2.94 m²"
        assert numbers.quantity(1, "persons") == "1 person"
        assert numbers.quantity(4, "persons") == "4 persons"
        assert numbers.quantity(2.5, "m") == "2.5 m"
        assert numbers.quantity(True, "") == "yes"
        assert render('{{ v|quantity:"m2" }}', v=6.0) == "6.0 m²"
        assert render('{{ v|quantity:"m2" }}', v=None) == "?"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_quantities_in_ru_and_kk_write_a_decimal_comma_and_the_languages_units(language):
    # the units are the translations' (м², м; человек/адам), which locale/*.po carry
    with translation.override(language):
        square, metre = translation.gettext("m²"), translation.pgettext("unit: metres", "m")
        one, many = translation.ngettext("person", "persons", 1), translation.ngettext("person", "persons", 4)
        assert numbers.quantity(6.0, "m2") == f"6,0 {square}"
        assert numbers.quantity(Decimal("2.94"), "m²") == f"2,94 {square}"
        assert numbers.quantity(2.5, "m") == f"2,5 {metre}"
        assert numbers.quantity(1, "persons") == f"1 {one}"
        assert numbers.quantity(4, "persons") == f"4 {many}"
        assert "m2" not in square


def test_a_rules_requirement_reads_one_person_and_m_squared():
    occupancy = StandardRule(code="X-1", metric="occupancy", operator="<=", value=1, unit="persons")
    area = StandardRule(code="X-2", metric="living_space_per_person_m2", operator=">=", value=6.0, unit="m2")
    yes = StandardRule(code="X-3", metric="has_sanitary_annex", operator="==", value=True, unit="")
    space = StandardRule(code="X-4", metric="living_space_m2", operator=">=", value=4, unit="m2")
    # the requirement names the measured quantity by its label (cells.compliance.rules.metric_label), never
    # its identifier ("living_space_m2" stood beside "m²"), and "persons" agrees with the value
    with translation.override("en"):
        assert occupancy.requirement_text() == "persons accommodated ≤ 1 person"  # was "≤ 1 persons"
        assert area.requirement_text() == "living space per person ≥ 6.0 m²"
        assert yes.requirement_text() == "sanitary annex = yes"
        assert space.requirement_text() == "living space ≥ 4 m²"
    with translation.override("ru"):
        assert (
            area.requirement_text()
            == f"{translation.gettext('living space per person')} ≥ 6,0 {translation.gettext('m²')}"
        )


def test_the_standards_page_shows_no_m2_beside_m_squared(client, world):
    client.force_login(world.users["prosecutor"])
    client.cookies["django_language"] = "en"
    page = client.get("/standards/").content.decode()
    assert '<span class="requirement">living space ≥ 6.0 m²</span>' in page
    assert '<span class="requirement">persons accommodated ≤ 1 person</span>' in page
    assert "living_space_m2" not in page and "persons</span>" not in page
    # the summaries of data/standards.json write "6 m2": the page writes m² (the squared filter)
    assert "at least 6 m² of living space in a single-occupancy cell" in page
    assert " m2 " not in page


def test_the_squared_filter_writes_m_squared_but_leaves_identifiers():
    assert render("{{ t|squared }}", t="5.4 m2 per person, living_space_m2") == "5.4 m² per person, living_space_m2"
    assert render("{{ t|squared }}", t=None) == ""


# --- charts -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "january", "december", "decimal", "thousands"),
    [
        ("kk", "Қаң.", "Желтоқсан", ",", "\xa0"),
        ("ru", "Янв.", "Декабрь", ",", "\xa0"),
        ("en", "Jan.", "December", ".", ","),
    ],
)
def test_chart_locale_carries_the_portals_month_names_and_separators(language, january, december, decimal, thousands):
    with translation.override(language):
        locale = chart_locale()
        page = render("{% chart_locale_script %}")
    assert locale["months_short"][0] == january and locale["months"][11] == december
    assert (locale["decimal"], locale["thousands"], locale["grouping"]) == (decimal, thousands, 3)
    assert len(locale["months"]) == len(locale["months_short"]) == 12
    assert page.startswith('<script id="chart-locale" type="application/json">')


# --- money inputs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "shown"), [("kk", "1\xa0000\xa0000,00"), ("ru", "1\xa0000\xa0000,00"), ("en", "1,000,000.00")]
)
def test_the_project_page_shows_the_planned_budget_grouped_and_an_untouched_save_keeps_it(
    client, world, language, shown
):
    project = world.a.project
    client.force_login(world.users["editor_a"])
    client.cookies["django_language"] = language
    url = f"/conversions/{project.pk}/edit/"
    page = client.get(url).content.decode()
    assert f'name="budget_planned_kzt" value="{shown}"' in page
    assert 'inputmode="decimal"' in page
    assert client.post(url, form_data(page, "budget_planned_kzt")).status_code == 302
    assert ConversionProject.objects.get(pk=project.pk).budget_planned_kzt == Decimal("1000000.00")


def test_the_progress_page_reads_grouped_spend_with_no_break_spaces_in_kk(client, world):
    project = world.a.project
    client.force_login(world.users["editor_a"])
    client.cookies["django_language"] = "kk"
    url = f"/conversions/{project.pk}/progress/"
    page = client.get(url).content.decode()
    assert 'name="budget_spent_kzt" value="600\xa0000,00"' in page
    data = form_data(page, "budget_spent_kzt")
    data["budget_spent_kzt"] = "700\xa0000,50"
    data["date"] = "2025-04-01"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    assert ConversionProject.objects.get(pk=project.pk).budget_spent_kzt == Decimal("700000.50")


def test_money_input_shows_a_refused_value_as_typed():
    with translation.override("ru"):
        assert MoneyInput().format_value("12 34,5") == "12 34,5"
        assert MoneyInput().format_value(Decimal("1234.5")) == "1\xa0234,50"
        assert MoneyInput().format_value(None) is None


def test_progress_form_reads_back_what_its_money_input_shows_in_every_language(world):
    project = world.a.project
    for language in LANGUAGES:
        with translation.override(language):
            shown = MoneyInput().format_value(Decimal("1143800000.5"))
            form = ProgressForm({"budget_spent_kzt": shown}, project=project)
            form.is_valid()
            assert form.cleaned_data["budget_spent_kzt"] == Decimal("1143800000.50"), (language, shown)


# --- pages ------------------------------------------------------------------------------------------------------


def test_an_english_block_page_shows_day_first_dates_grouped_money_and_one_percent_format(client, world):
    client.force_login(world.users["prosecutor"])
    client.cookies["django_language"] = "en"
    page = client.get(f"/blocks/{world.a.block.pk}/").content.decode()
    assert "01.03.2025" in page  # the actual start, 1 March 2025 (was 03/01/2025)
    assert "03/01/2025" not in page
    assert "600,000.00 / 1,000,000.00" in page
    assert "60\xa0%" in page


def test_a_russian_block_page_shows_money_grouped_with_no_break_spaces(client, world):
    client.force_login(world.users["prosecutor"])
    client.cookies["django_language"] = "ru"
    page = client.get(f"/blocks/{world.a.block.pk}/").content.decode()
    assert "600\xa0000,00 / 1\xa0000\xa0000,00" in page
    assert "60\xa0%" in page
