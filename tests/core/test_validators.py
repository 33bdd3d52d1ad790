"""One "not in the future" rule (core.validators): a date one day ahead (Asia/Almaty) is refused with the
same message by the models, the services, the forms, the API, the register import and the command."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from cells import services as cell_services
from core.validators import future_errors, future_message, validate_not_in_future
from facilities import services as facility_services
from facilities.models import ResidencePopulation
from inspections import services as inspection_services
from registers import imports
from reporting.forms import DashboardForm


@pytest.fixture
def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def _messages(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_the_rule(tomorrow):
    today = timezone.localdate()
    validate_not_in_future(today)
    validate_not_in_future(None)
    with pytest.raises(ValidationError) as refused:
        validate_not_in_future(tomorrow)
    assert refused.value.messages == [future_message()] == [f"The date cannot be in the future (today is {today})."]
    assert future_errors(a=today, b=tomorrow, c=None) == {"b": [future_message()]}


def test_every_caller_refuses_tomorrow_with_the_one_message(world, tomorrow, client):
    message, a, admin = future_message(), world.a, world.users["admin"]
    cell = a.cell
    # The model (Cell.clean, ResidencePopulation.clean), through the services and the API.
    cell.occupancy_date = tomorrow
    assert _messages(cell.full_clean)["occupancy_date"] == [message]
    residence = ResidencePopulation(facility=a.facility, home_region=a.facility.region, date=tomorrow, persons=1)
    assert _messages(residence.full_clean)["date"] == [message]
    cell.refresh_from_db()
    assert _messages(
        lambda: cell_services.update_headcount(user=admin, cell=cell, occupancy=1, occupancy_date=tomorrow)
    ) == {"occupancy_date": [message]}
    response = world.clients["admin"].patch(
        f"/api/v1/cells/{cell.pk}/headcount/", {"occupancy": 1, "occupancy_date": str(tomorrow)}, format="json"
    )
    assert response.status_code == 400 and response.json()["occupancy_date"] == [message]
    data = {"facility": a.facility, "date_start": tomorrow, "body": "prosecutor", "type": "scheduled"}
    assert _messages(lambda: inspection_services.save_inspection(user=admin, data=data))["date_start"] == [message]
    progress = {"version": 1, "status": "construction", "percent_complete": 70, "budget_spent_kzt": 700000}
    assert _messages(
        lambda: facility_services.record_progress(project=a.project, date=tomorrow, user=admin, **progress)
    )["date"] == [message]
    api = world.clients["admin"].post(
        f"/api/v1/conversions/{a.project.pk}/progress/", {**progress, "date": str(tomorrow)}, format="json"
    )
    assert api.status_code == 400 and api.json()["date"] == [message]
    # The register import: cells, headcounts, residence.
    headcounts = (
        "facility_code,block_name,cell_number,occupancy,count_date\n"
        f"{a.facility.code},{cell.block.name},{cell.number},1,{tomorrow}\n"
        f"{a.facility.code},,,5,{tomorrow}\n"
    ).encode()
    out = imports.check_file("headcounts", headcounts, user=admin)
    assert [e["reason"] for e in out.errors] == [message, message]
    residence_csv = f"facility_code,home_region,count_date,persons\n{a.facility.code},KZ-35,{tomorrow},3\n".encode()
    assert [e["reason"] for e in imports.check_file("residence", residence_csv, user=admin).errors] == [message]
    # The dashboard's form and the command.
    form = DashboardForm({"since": str(tomorrow)})
    assert not form.is_valid() and form.errors["since"] == [message]
    with pytest.raises(CommandError, match=r"The date cannot be in the future \(today is "):
        call_command("recalculate_compliance", "--date", str(tomorrow))
