"""Date fields and date filters (issue 18, item 5.2): every one is the browser's date picker
(<input type="date">, whose value is always ISO YYYY-MM-DD) with the format hint as its help text, and is
read from ISO in every language and day first (DD.MM.YYYY) where the language's input formats say so."""

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


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en")


def test_every_date_field_and_date_filter_has_the_picker_and_the_hint():
    checked = 0
    filters = [InspectionFilter().form.__class__, FindingFilter().form.__class__]
    for form in [*_portal_forms(), *filters]:
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField):
                where = f"{form.__module__}.{form.__name__}.{name}"
                assert isinstance(field.widget, widgets.DateInput), where
                assert HINT in str(field.help_text), where
                checked += 1
    assert checked >= 14, checked
    assert core_forms.DATE_HINT == HINT


def test_the_inspection_list_filter_shows_the_picker_and_the_hint_and_reads_iso(client, world):
    client.force_login(world.users["prosecutor"])
    client.cookies["django_language"] = "en"
    page = client.get("/inspections/?date_from=2025-05-01")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        '<input type="date" name="date_from" value="2025-05-01" aria-describedby="id_date_from_helptext" '
        'id="id_date_from">'
        f'<small class="help" id="id_date_from_helptext">{HINT}</small>'
    ) in html
    assert set(page.context["page"]) == {world.a.inspection, world.b.inspection}
    later = client.get("/inspections/?date_from=2025-05-02")
    assert list(later.context["page"]) == []


@pytest.mark.parametrize("typed", ["2025-05-01", "01.05.2025"])
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_date_filter_reads_iso_and_day_first_in_ru_and_kk(client, world, language, typed):
    client.force_login(world.users["prosecutor"])
    client.cookies["django_language"] = language
    page = client.get(f"/inspections/?date_to={typed}")
    assert page.status_code == 200 and not page.context["filter"].errors
    assert set(page.context["page"]) == {world.a.inspection, world.b.inspection}
    assert list(client.get("/inspections/?date_to=2025-04-30").context["page"]) == []


@pytest.mark.parametrize(("language", "typed"), [("en", "2025-06-02"), ("ru", "2025-06-02"), ("ru", "02.06.2025")])
def test_the_inspection_form_stores_the_date_sent_by_the_picker_or_typed_day_first(client, world, language, typed):
    client.force_login(world.users["prosecutor_a"])
    client.cookies["django_language"] = language
    page = client.get("/inspections/new/").content.decode()
    assert 'type="date" name="date_start"' in page
    response = client.post(
        "/inspections/new/",
        {"facility": world.a.facility.pk, "date_start": typed, "body": "npm", "type": "scheduled"},
    )
    assert response.status_code == 302
    stored = Inspection.objects.get(facility=world.a.facility, body="npm")
    assert stored.date_start == datetime.date(2025, 6, 2)
