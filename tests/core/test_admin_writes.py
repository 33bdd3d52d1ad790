"""The admin change forms of versioned records (core.admin.VersionedAdmin) never write back a count or a
status: cells, inspections (with their findings inline), findings, conversion projects and facilities are
version-checked, and the fields their own services write (a headcount, the finding state machine, progress
updates and the completion) are read only in every admin form and inline."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from cells.models import Cell
from cells.services import update_headcount
from facilities.models import ConversionProject, Facility
from inspections.models import Finding, Inspection
from inspections.services import change_finding_status

TODAY = timezone.localdate()


def _values(form):
    """The values a browser posts for the fields of ``form`` (unbound), with the form's prefix."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        data[form.add_prefix(name)] = "" if value is None else str(value)
    return data


def _page_data(page):
    """Everything the admin change page ``page`` posts back: the main form and every inline formset."""
    data = _values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_values(formset.management_form))
        for form in formset.forms:
            data.update(_values(form))
    return data


@pytest.fixture
def admin_client(world, client):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def _snapshot(model, pk):
    row = model.objects.get(pk=pk)
    return model_to_dict(row), row.version, row.history.count()


def test_a_cell_admin_save_after_a_headcount_is_refused_then_keeps_the_count(world, admin_client):
    cell = world.a.cell
    url = f"/admin/cells/cell/{cell.pk}/change/"
    page = admin_client.get(url)
    form = page.context["adminform"].form
    assert not {"occupancy", "occupancy_date", "status"} & set(form.fields)  # shown, not editable
    assert form["seen_version"].value() == 1
    # The stale page: a ceiling-height fix, and (as a tampered or old page would send) the old count and a status.
    data = {
        **_page_data(page),
        "ceiling_height_m": "3.10",
        "occupancy": "5",
        "occupancy_date": "2020-01-01",
        "status": "decommissioned",
    }
    update_headcount(user=world.users["editor_a"], cell=cell, occupancy=11, occupancy_date=TODAY)
    before = _snapshot(Cell, cell.pk)
    stale = admin_client.post(url, data)
    assert stale.status_code == 200
    text = stale.content.decode()
    assert "was changed by editor_a" in text and "stored now 11" in text
    assert _snapshot(Cell, cell.pk) == before
    assert admin_client.post(url, {**data, "seen_version": "2"}).status_code == 302
    stored = Cell.objects.get(pk=cell.pk)
    assert (str(stored.ceiling_height_m), stored.occupancy, stored.occupancy_date) == ("3.10", 11, TODAY)
    assert (stored.status, stored.version) == (Cell.Status.IN_USE, 3)
    assert stored.history.first().history_user == world.users["admin"]


def test_an_inspection_admin_save_never_writes_its_findings_back(world, admin_client):
    inspection, finding = world.a.inspection, world.a.finding
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.RESOLVED)
    url = f"/admin/inspections/inspection/{inspection.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {**_page_data(page), "summary": "Admin's summary"}
    assert data["findings-0-id"] == str(finding.pk)
    data["findings-0-status"] = "resolved"  # what the stale inline would send
    data["findings-0-description"] = "Admin's words"
    change_finding_status(user=world.users["prosecutor"], finding=finding, status="verified", response="Checked")
    finding_before = _snapshot(Finding, finding.pk)
    assert admin_client.post(url, data).status_code == 302
    assert _snapshot(Finding, finding.pk) == finding_before  # status verified, description untouched
    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.summary, stored.version) == ("Admin's summary", 2)
    text = admin_client.get(url).content.decode()
    assert f"/admin/inspections/finding/{finding.pk}/change/" in text  # each finding edited on its own page


def test_a_finding_admin_save_is_version_checked_and_leaves_the_status(world, admin_client):
    finding = world.a.finding
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.RESOLVED)
    url = f"/admin/inspections/finding/{finding.pk}/change/"
    page = admin_client.get(url)
    form = page.context["adminform"].form
    assert not {"status", "overdue_since"} & set(form.fields)
    data = {**_page_data(page), "recommendation": "Mine", "status": "resolved", "overdue_since": "2025-07-01"}
    change_finding_status(user=world.users["prosecutor"], finding=finding, status="verified", response="Checked")
    before = _snapshot(Finding, finding.pk)
    stale = admin_client.post(url, data)
    assert stale.status_code == 200 and "was changed by pros_nat" in stale.content.decode()
    assert _snapshot(Finding, finding.pk) == before
    assert admin_client.post(url, {**data, "seen_version": "2"}).status_code == 302
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.recommendation, stored.status, stored.overdue_since, stored.version) == (
        "Mine",
        Finding.Status.VERIFIED,
        None,
        3,
    )


def test_the_project_admin_cannot_set_the_status_or_the_figures(world, admin_client):
    project = world.a.project
    url = f"/admin/facilities/conversionproject/{project.pk}/change/"
    page = admin_client.get(url)
    owned = {"status", "status_before_suspension", "percent_complete", "budget_spent_kzt", "actual_start", "actual_end"}
    assert not owned & set(page.context["adminform"].form.fields)
    stored_before = ConversionProject.objects.get(pk=project.pk)
    data = {
        **_page_data(page),
        "contractor": "Admin's contractor",
        "status": "completed",
        "percent_complete": "100",
        "budget_spent_kzt": "1",
        "actual_end": TODAY.isoformat(),
        "actual_start": "2020-01-01",
    }
    assert admin_client.post(url, data).status_code == 302
    stored = ConversionProject.objects.get(pk=project.pk)
    assert stored.contractor == "Admin's contractor"
    assert (
        stored.status,
        stored.percent_complete,
        stored.budget_spent_kzt,
        stored.actual_start,
        stored.actual_end,
    ) == (
        stored_before.status,
        stored_before.percent_complete,
        stored_before.budget_spent_kzt,
        stored_before.actual_start,
        stored_before.actual_end,
    )
    assert stored.status != ConversionProject.Status.COMPLETED
    assert stored.updates.count() == stored_before.updates.count()


def test_the_facility_admin_leaves_the_population_count(world, admin_client):
    facility = world.a.facility
    Facility.objects.filter(pk=facility.pk).update(population=40, population_date=datetime.date(2026, 1, 1))
    url = f"/admin/facilities/facility/{facility.pk}/change/"
    page = admin_client.get(url)
    assert not {"population", "population_date"} & set(page.context["adminform"].form.fields)
    data = {**_page_data(page), "locality": "Temirtau", "population": "1", "population_date": "2020-01-01"}
    assert admin_client.post(url, data).status_code == 302
    stored = Facility.objects.get(pk=facility.pk)
    assert (stored.locality, stored.population, stored.population_date) == ("Temirtau", 40, datetime.date(2026, 1, 1))
