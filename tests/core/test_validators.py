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


# --- identifiers, names and numbers (issue 16, item 13) ----------------------------------------------------


@pytest.mark.parametrize(
    "raw,normal",
    [
        ("  A1 ", "A1"),
        ("Ａ１", "A1"),  # full-width
        ("A\u00a01", "A 1"),  # no-break space
        ("A \t  1", "A 1"),
        ("A\u30001", "A 1"),  # ideographic space
        ("ﬁ-2", "fi-2"),  # ligature
        ("Блок  1", "Блок 1"),
        ("АҚ-159/7", "АҚ-159/7"),  # Kazakh letters are kept
        ("Учреждение № 34", "Учреждение № 34"),  # the numero sign is kept (NFKC would write "No")
        ("Камера 12 м²", "Камера 12 м²"),
    ],
)
def test_normalize_identifier(raw, normal):
    from core.validators import normalize_identifier

    assert normalize_identifier(raw) == normal
    assert normalize_identifier(normal) == normal  # idempotent


@pytest.mark.parametrize("char", ["\u200b", "\u200e", "\u202e", "\u2066", "\ufeff", "\x00", "\x1b", "\ue000", "\u2029"])
def test_validate_name_refuses_every_forbidden_category(char):
    from django.core.exceptions import ValidationError

    from core.validators import validate_name

    with pytest.raises(ValidationError) as caught:
        validate_name(f"A{char}1")
    assert f"U+{ord(char):04X}" in caught.value.messages[0]
    validate_name("АҚ-159/7 Блок 1")  # letters, digits, spaces and punctuation pass


@pytest.mark.parametrize(
    "value,integer,reason",
    [
        ("5_9", True, "underscores"),
        ("5_9.5", False, "underscores"),
        ("٥٩", True, "digits 0-9"),
        ("５９", False, "digits 0-9"),
        ("1e3", True, "exponent"),
        ("1.5E+2", False, "exponent"),
        (1e3, True, "whole number"),
        ("5\u200b9", True, "U+200B"),
    ],
)
def test_number_text_error(value, integer, reason):
    from core.validators import number_text_error

    assert reason in number_text_error(value, integer=integer)


@pytest.mark.parametrize("value", ["59", " 59 ", "-3", 59, None, "abc", "NaN", float("inf")])
def test_number_text_error_leaves_the_rest_to_the_field(value):
    from core.validators import number_text_error

    assert number_text_error(value, integer=True) is None
    assert number_text_error("12.5", integer=False) is None and number_text_error(12.5, integer=False) is None


# --- text and date bounds (issue 16, item 14) -------------------------------------------------------------


def test_free_text_and_date_bounds():
    from django.core.exceptions import ValidationError

    from core.bounds import DATES, FREE_TEXT, validate_date, validate_free_text

    validate_free_text("x" * FREE_TEXT.maximum)
    with pytest.raises(ValidationError, match="at most 20 000 characters"):
        validate_free_text("x" * (FREE_TEXT.maximum + 1))
    validate_date(datetime.date(1900, 1, 1))
    validate_date(datetime.date(2100, 12, 31))
    for bad in (
        datetime.date(1, 1, 1),
        datetime.date(1899, 12, 31),
        datetime.date(2101, 1, 1),
        datetime.date(9999, 12, 31),
    ):
        with pytest.raises(ValidationError, match="between 1900-01-01 and 2100-12-31"):
            validate_date(bad)
    assert DATES.validators() == [validate_date] and FREE_TEXT.validators() == [validate_free_text]


NONCHARACTERS = ["\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"]


@pytest.mark.parametrize("char", NONCHARACTERS, ids=[f"U+{ord(c):04X}" for c in NONCHARACTERS])
def test_noncharacters_are_refused_in_names_and_in_any_api_text(char):
    """Unicode noncharacters (category Cn, never assigned; U+FFFE/U+FFFF cannot be written in XML, so one
    would break an XLSX export) are refused in identifiers and names and in every JSON text of the API."""
    from django.core.exceptions import ValidationError

    from core.validators import unencodable_reason, validate_name

    with pytest.raises(ValidationError) as caught:
        validate_name(f"A{char}1")
    assert f"U+{ord(char):04X}" in caught.value.messages[0]
    assert unencodable_reason(f"text {char}") == (
        f"The text contains a Unicode noncharacter (U+{ord(char):04X}), which is not allowed."
    )
    for neighbour in ("\ufdcf", "\ufdf0", "\ufffd", "\U0001fffd", "\U00020000"):  # assigned or private: not these
        assert unencodable_reason(f"text {neighbour}") is None


def test_a_noncharacter_in_a_json_body_is_400_naming_the_field(world):
    response = world.clients["prosecutor"].patch(
        f"/api/v1/findings/{world.a.finding.pk}/", {"description": "Overcrowding\uffff"}, format="json"
    )
    assert response.status_code == 400 and "U+FFFF" in response.json()["description"][0]
