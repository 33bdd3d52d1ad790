"""The portal's HTML forms in every language (issue: a plain Save in kk and ru cleared dates; decimal commas
refused; edit pages saved without a version check; a second submit after a stale refusal reverted fields
the user never touched). Posts go through tests.pageforms, which submits what a browser would."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from cells import services as cell_services
from cells.models import Cell
from core import forms as core_forms
from core import widgets
from facilities.forms import ProgressForm, ProjectForm
from facilities.models import ConversionProject
from inspections import services as inspection_services
from inspections.models import Finding, Inspection
from tests.pageforms import form_data

OUTDATED = "This form is outdated or incomplete: reload the page"
LANGUAGES = ["en", "ru", "kk"]
FORM_MODULES = [
    "cells.forms",
    "facilities.forms",
    "inspections.forms",
    "reporting.forms",
    "registers.views",
    "core.views",
]


@pytest.fixture(autouse=True)
def _english_after():
    """A request in ru or kk leaves its language active in the thread (LocaleMiddleware): restore it."""
    yield
    translation.activate("en")


def _login(client, user, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _portal_forms():
    for name in FORM_MODULES:
        importlib.import_module(name)
    seen, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if (
                sub.__module__.split(".")[0] in {m.split(".")[0] for m in FORM_MODULES}
                and "admin" not in sub.__module__
            ):
                seen.append(sub)
    return seen


# --- 1. dates and numbers in every language -----------------------------------------------------------------


def test_every_date_and_number_field_of_the_portals_forms_is_the_portals():
    checked = {"date": 0, "decimal": 0}
    for form in _portal_forms():
        for name, field in form.base_fields.items():
            where = f"{form.__module__}.{form.__name__}.{name}"
            if isinstance(field, forms.DateField):
                # the language's own day-first format (d.m.Y in kk, ru, en), not a fixed one
                assert isinstance(field.widget, widgets.DateInput) and field.widget.format is None, where
                assert field.widget.input_type == "text", where
                checked["date"] += 1
            if isinstance(field, forms.DecimalField):
                assert isinstance(field, core_forms.DecimalField), where
                checked["decimal"] += 1
    assert checked["date"] >= 10 and checked["decimal"] >= 9, checked


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_project_edit_page_shows_dates_day_first_and_an_untouched_save_keeps_them(client, world, language):
    project = world.a.project
    ConversionProject.objects.filter(pk=project.pk).update(
        planned_start=datetime.date(2027, 1, 1), planned_end=datetime.date(2027, 12, 31)
    )
    _login(client, world.users["editor_a"], language)
    url = f"/conversions/{project.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'type="text" name="planned_start" value="01.01.2027"' in page
    assert 'type="text" name="planned_end" value="31.12.2027"' in page
    assert client.post(url, form_data(page, "planned_start")).status_code == 302  # an untouched Save
    stored = ConversionProject.objects.get(pk=project.pk)
    assert (stored.planned_start, stored.planned_end) == (datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_finding_and_inspection_edit_pages_keep_their_dates(client, world, language):
    finding, inspection = world.a.finding, world.a.inspection
    Inspection.objects.filter(pk=inspection.pk).update(date_end=datetime.date(2025, 5, 3))
    _login(client, world.users["prosecutor_a"], language)
    page = client.get(f"/findings/{finding.pk}/edit/").content.decode()
    assert 'name="deadline" value="01.06.2025"' in page
    data = form_data(page, "deadline")
    data["recommendation"] = "Remove the bunks"
    assert client.post(f"/findings/{finding.pk}/edit/", data).status_code == 302
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.deadline, stored.recommendation) == (datetime.date(2025, 6, 1), "Remove the bunks")

    page = client.get(f"/inspections/{inspection.pk}/edit/").content.decode()
    assert 'name="date_start" value="01.05.2025"' in page and 'name="date_end" value="03.05.2025"' in page
    data = form_data(page, "date_end")
    data["summary"] = "Seen"
    assert client.post(f"/inspections/{inspection.pk}/edit/", data).status_code == 302
    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.date_start, stored.date_end, stored.summary) == (
        datetime.date(2025, 5, 1),
        datetime.date(2025, 5, 3),
        "Seen",
    )


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_progress_and_completion_pages_show_dates_day_first(client, world, language):
    project = world.a.project
    _login(client, world.users["editor_a"], language)
    page = client.get(f"/conversions/{project.pk}/progress/").content.decode()
    data = form_data(page, "actual_start")
    assert data["actual_start"] == "01.03.2025" and data["date"] != ""
    type(project).objects.filter(pk=project.pk).update(status="commissioning")  # completion opens from there
    page = client.get(f"/conversions/{project.pk}/complete/").content.decode()
    data = form_data(page, "actual_end")
    assert data["date"] != "" and data["actual_end"] != ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_iso_dates_are_read_in_every_language(world, language):
    project = world.a.project
    with translation.override(language):
        form = ProjectForm({"version": project.version, "planned_start": "2027-01-01"}, instance=project)
        form.is_valid()
        assert form.cleaned_data["planned_start"] == datetime.date(2027, 1, 1)


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("ru", "9,5", Decimal("9.5")),
        ("kk", "9,5", Decimal("9.5")),
        ("ru", "1143800000,00", Decimal("1143800000.00")),
        ("ru", "1 143 800 000,00", Decimal("1143800000.00")),
        ("kk", "1\xa0143\xa0800\xa0000,00", Decimal("1143800000.00")),
        ("ru", "9.5", Decimal("9.5")),
        ("en", "9.5", Decimal("9.5")),
        ("en", "9,5", None),
        # issue 18: grouped input is read in every language, as the money inputs show it (core.widgets.MoneyInput);
        # before, English refused "1 143 800 000.00"
        ("en", "1 143 800 000.00", Decimal("1143800000.00")),
        ("en", "1\xa0143\xa0800\xa0000.00", Decimal("1143800000.00")),
        ("en", "1,143,800,000.00", Decimal("1143800000.00")),
        ("ru", "1\u202f143\u202f800\u202f000,00", Decimal("1143800000.00")),
        ("en", "1 143 800 000,00", None),  # a decimal comma in English
        ("en", "1,14,380", None),  # not groups of three
        ("ru", "1,143,800", None),  # commas do not group in ru
        ("ru", "٩,٥", None),  # Arabic-Indic digits
        ("en", "٩.٥", None),  # Decimal() reads them: refused before it
        ("ru", "９,５", None),  # full-width digits
        ("ru", "9,5,1", None),
        ("ru", "11 43,0", None),  # not groups of three
    ],
)
def test_a_decimal_comma_is_read_in_ru_and_kk_and_only_ascii_digits(world, language, typed, value):
    project = world.a.project
    with translation.override(language):
        progress = ProgressForm({"percent_complete": typed}, project=project)
        progress.is_valid()
        plan = ProjectForm({"budget_planned_kzt": typed}, instance=project)
        plan.is_valid()
    for form, name in ((progress, "percent_complete"), (plan, "budget_planned_kzt")):
        if value is None:
            assert name in form.errors, (name, typed)
        elif name == "percent_complete" and value > 100:
            assert name in form.errors and "Введите число" not in str(form.errors[name])
        else:
            assert form.cleaned_data[name] == value, (name, typed)


def test_a_progress_update_typed_with_a_decimal_comma_is_saved_in_ru(client, world):
    project = world.a.project
    _login(client, world.users["editor_a"], "ru")
    url = f"/conversions/{project.pk}/progress/"
    data = form_data(client.get(url).content.decode(), "percent_complete")
    data.update(percent_complete="65,5", budget_spent_kzt="700 000,50")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    stored = ConversionProject.objects.get(pk=project.pk)
    assert (stored.percent_complete, stored.budget_spent_kzt) == (Decimal("65.5"), Decimal("700000.50"))


# --- 2. the version is required on every edit form ------------------------------------------------------------


def _edit_pages(world):
    """(name, user, url, field holding the form, a change): every edit page of an existing record."""
    a = world.a
    return [
        ("cell", "editor_a", f"/cells/{a.cell.pk}/edit/", "number", {"ceiling_height_m": "3.10"}, Cell, a.cell),
        (
            "finding",
            "prosecutor_a",
            f"/findings/{a.finding.pk}/edit/",
            "deadline",
            {"recommendation": "X"},
            Finding,
            a.finding,
        ),
        (
            "inspection",
            "prosecutor_a",
            f"/inspections/{a.inspection.pk}/edit/",
            "date_end",
            {"summary": "X"},
            Inspection,
            a.inspection,
        ),
        (
            "finding status",
            "editor_a",
            f"/findings/{a.finding.pk}/",
            "status",
            {"status": "in_progress", "response": "On it"},
            Finding,
            a.finding,
        ),
        (
            "project",
            "editor_a",
            f"/conversions/{a.project.pk}/edit/",
            "planned_start",
            {"contractor": "X"},
            ConversionProject,
            a.project,
        ),
        (
            "progress",
            "editor_a",
            f"/conversions/{a.project.pk}/progress/",
            "percent_complete",
            {"percent_complete": "70"},
            ConversionProject,
            a.project,
        ),
    ]


PAGES = ["cell", "finding", "inspection", "finding status", "project", "progress"]


@pytest.mark.parametrize("missing", ["absent", "empty", "malformed"])
@pytest.mark.parametrize("index", range(len(PAGES)), ids=PAGES)
def test_an_edit_without_its_version_writes_nothing_and_says_reload(client, world, index, missing):
    name, user, url, holding, change, model, record = _edit_pages(world)[index]
    assert name == PAGES[index]
    _login(client, world.users[user], "en")
    data = {**form_data(client.get(url).content.decode(), holding), **change}
    assert data.pop("version") == str(record.version)
    if missing == "empty":
        data["version"] = ""
    elif missing == "malformed":
        data["version"] = "abc"
    before = model.objects.get(pk=record.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert OUTDATED in response.content.decode()
    after = model.objects.get(pk=record.pk)
    assert (after.version, after.history.count()) == (before.version, before.history.count())
    data["version"] = str(record.version)
    assert client.post(url, data).status_code == 302  # the same post with its version is saved


def test_a_new_record_needs_no_version(client, world):
    _login(client, world.users["prosecutor_a"], "en")
    page = client.get(f"/inspections/{world.a.inspection.pk}/findings/new/").content.decode()
    data = form_data(page, "deadline")
    assert "version" not in data
    data.update(severity="low", description="A new one")
    assert client.post(f"/inspections/{world.a.inspection.pk}/findings/new/", data).status_code == 302
    assert Finding.objects.filter(description="A new one").count() == 1


# --- 3. a second submit after a stale refusal keeps only the user's own edits ----------------------------------


def test_a_second_submit_of_a_stale_finding_page_keeps_the_other_users_changes(client, world):
    finding = world.a.finding
    _login(client, world.users["prosecutor_a"], "ru")
    url = f"/findings/{finding.pk}/edit/"
    opened = form_data(client.get(url).content.decode(), "deadline")
    inspection_services.save_finding(
        user=world.users["admin"],
        finding=Finding.objects.get(pk=finding.pk),
        data={"recommendation": "Theirs", "deadline": datetime.date(2027, 3, 1), "severity": "low"},
    )
    assert opened["severity"] == "high"
    mine = {**opened, "description": "Mine", "recommendation": "Mine too"}  # recommendation: both changed it
    stale = client.post(url, mine)
    assert stale.status_code == 200 and "Theirs" in stale.content.decode()
    again = form_data(stale.content.decode(), "deadline")
    assert (again["recommendation"], again["deadline"], again["description"], again["severity"]) == (
        "Mine too",
        "01.03.2027",  # the stored date, day first (ru)
        "Mine",
        "low",
    )
    assert client.post(url, again).status_code == 302
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.description, stored.recommendation, stored.deadline, stored.severity) == (
        "Mine",
        "Mine too",
        datetime.date(2027, 3, 1),
        "low",
    )


def test_a_second_submit_of_a_stale_cell_page_keeps_the_other_users_changes(client, world):
    cell = world.a.cell
    _login(client, world.users["editor_a"], "kk")
    url = f"/cells/{cell.pk}/edit/"
    opened = form_data(client.get(url).content.decode(), "number")
    cell_services.save_cell(
        user=world.users["admin"],
        cell=Cell.objects.get(pk=cell.pk),
        data={"living_space_m2": Decimal("7.25"), "has_natural_light": False},
    )
    mine = {**opened, "ceiling_height_m": "3.10"}
    stale = client.post(url, mine)
    assert stale.status_code == 200 and "7.25" in stale.content.decode()
    again = form_data(stale.content.decode(), "number")
    assert (again["living_space_m2"], again["has_natural_light"], again["ceiling_height_m"]) == (
        "7.25",
        "false",
        "3.10",
    )
    assert client.post(url, again).status_code == 302
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.living_space_m2, stored.has_natural_light, stored.ceiling_height_m) == (
        Decimal("7.25"),
        False,
        Decimal("3.10"),
    )
