"""Date fields and date filters (issue 18, items 4 and 5.2): every one is a day-first text input
(core.widgets.DateInput: ``<input type="text" data-datepicker>``, which static/js/forms.js gives a flatpickr
calendar writing DD.MM.YYYY) with the language's placeholder and the format hint as its help text; its
value is shown day first in every language (03.12.2026 in English too, never 12/03/2026 nor the browser's
mm/dd/yyyy), and it is read day first and as ISO YYYY-MM-DD in kk, ru and en."""

import datetime

import pytest
from django import forms
from django.utils import translation

from core import forms as core_forms
from core import widgets
from inspections.filters import FindingFilter, InspectionFilter
from inspections.models import Inspection
from tests.core.test_form_inputs import _portal_forms

HINT = "DD.MM.YYYY, or choose the date in the calendar"
PLACEHOLDERS = {"en": "DD.MM.YYYY", "ru": "ДД.ММ.ГГГГ", "kk": "КК.АА.ЖЖЖЖ"}
LANGUAGES = ["en", "ru", "kk"]


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en")


def _placeholder(language):
    """The placeholder expected in ``language`` (locale/: ДД.ММ.ГГГГ, КК.АА.ЖЖЖЖ, DD.MM.YYYY)."""
    with translation.override(language):
        assert str(widgets.DATE_PLACEHOLDER) == PLACEHOLDERS[language]
    return PLACEHOLDERS[language]


def test_every_date_field_and_date_filter_is_the_day_first_input_with_the_hint():
    checked = 0
    filters = [InspectionFilter().form.__class__, FindingFilter().form.__class__]
    for form in [*_portal_forms(), *filters]:
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField):
                where = f"{form.__module__}.{form.__name__}.{name}"
                assert isinstance(field.widget, widgets.DateInput), where
                assert field.widget.input_type == "text", where
                assert field.widget.attrs["data-datepicker"] is True, where
                assert HINT in str(field.help_text), where
                checked += 1
    assert checked >= 14, checked
    assert core_forms.DATE_HINT == HINT


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_widget_renders_the_date_day_first_with_the_languages_placeholder(language):
    placeholder = _placeholder(language)
    with translation.override(language):
        html = widgets.DateInput().render("since", datetime.date(2026, 12, 3), attrs={"id": "id_since"})
        from_iso = widgets.DateInput().render("since", "2026-12-03")
        typed = widgets.DateInput().render("since", "31.02.2026")
        empty = widgets.DateInput().render("since", None)
    assert html == (
        '<input type="text" name="since" value="03.12.2026" inputmode="numeric" autocomplete="off" '
        f'placeholder="{placeholder}" data-datepicker id="id_since">'
    )
    assert 'value="03.12.2026"' in from_iso  # an ISO date sent in a request is shown day first too
    assert 'value="31.02.2026"' in typed  # a refused value is shown again as typed
    assert "value=" not in empty


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("typed", ["2026-12-03", "03.12.2026", "03.12.26", " 03.12.2026 "])
def test_the_date_field_reads_iso_and_day_first_in_every_language(language, typed):
    with translation.override(language):
        field = core_forms.DateField()
        assert field.clean(typed) == datetime.date(2026, 12, 3)
        with pytest.raises(forms.ValidationError) as error:
            field.clean("12/31/2026")  # month first is never read
        assert [e.code for e in error.value.error_list] == ["invalid"]


def test_english_reads_day_first_with_slashes_and_never_month_first():
    with translation.override("en"):
        field = core_forms.DateField()
        assert field.clean("03/12/2026") == datetime.date(2026, 12, 3)
        assert field.clean("3 Dec 2026") == datetime.date(2026, 12, 3)


def test_the_inspection_list_filter_shows_the_input_and_the_hint_and_reads_iso(client, world):
    client.force_login(world.users["prosecutor"])
    client.cookies["django_language"] = "en"
    page = client.get("/inspections/?date_from=2025-05-01")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        '<input type="text" name="date_from" value="01.05.2025" inputmode="numeric" autocomplete="off" '
        'placeholder="DD.MM.YYYY" data-datepicker aria-describedby="id_date_from_helptext" id="id_date_from">'
        f'<small class="help" id="id_date_from_helptext">{HINT}</small>'
    ) in html
    assert set(page.context["page"]) == {world.a.inspection, world.b.inspection}
    later = client.get("/inspections/?date_from=02.05.2025")
    assert list(later.context["page"]) == []
    assert 'name="date_from" value="02.05.2025"' in later.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_inspection_list_filter_has_the_languages_placeholder(client, world, language):
    placeholder = _placeholder(language)
    client.force_login(world.users["prosecutor"])
    client.cookies["django_language"] = language
    html = client.get("/inspections/?date_from=2025-05-01").content.decode()
    assert (
        f'name="date_from" value="01.05.2025" inputmode="numeric" autocomplete="off" placeholder="{placeholder}"'
        in html
    )


@pytest.mark.parametrize("typed", ["2025-05-01", "01.05.2025"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_filter_reads_iso_and_day_first_in_every_language(client, world, language, typed):
    client.force_login(world.users["prosecutor"])
    client.cookies["django_language"] = language
    page = client.get(f"/inspections/?date_to={typed}")
    assert page.status_code == 200 and not page.context["filter"].errors
    assert set(page.context["page"]) == {world.a.inspection, world.b.inspection}
    assert 'name="date_to" value="01.05.2025"' in page.content.decode()
    assert list(client.get("/inspections/?date_to=30.04.2025").context["page"]) == []


@pytest.mark.parametrize("typed", ["2025-06-02", "02.06.2025"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_inspection_form_stores_the_date_chosen_or_typed(client, world, language, typed):
    client.force_login(world.users["prosecutor_a"])
    client.cookies["django_language"] = language
    page = client.get("/inspections/new/").content.decode()
    assert '<input type="text" name="date_start" inputmode="numeric" autocomplete="off"' in page
    response = client.post(
        "/inspections/new/",
        {"facility": world.a.facility.pk, "date_start": typed, "body": "npm", "type": "scheduled"},
    )
    assert response.status_code == 302
    stored = Inspection.objects.get(facility=world.a.facility, body="npm")
    assert stored.date_start == datetime.date(2025, 6, 2)


def test_a_date_typed_wrong_is_a_form_error_shown_as_typed(client, world):
    client.force_login(world.users["prosecutor_a"])
    client.cookies["django_language"] = "en"
    response = client.post(
        "/inspections/new/",
        {"facility": world.a.facility.pk, "date_start": "06/31/2025", "body": "npm", "type": "scheduled"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_start"] == ["Enter a valid date."]
    assert 'name="date_start" value="06/31/2025"' in response.content.decode()
    assert not Inspection.objects.filter(body="npm").exists()
