"""Verification of a finding against the evidence (issue 17, item 7): the finding's page and API show its
cell's or block's current figures and its rule's current outcome; verifying while the rule still fails is
refused unless an override reason is given, which is recorded; the status control starts with no choice
and a reopening says so."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cells.models import Cell, ComplianceRun, StandardRule
from cells.services import recalculate_compliance
from inspections.models import Finding, FindingUpdate
from inspections.services import change_finding_status, save_finding
from tests.factories import BlockFactory, CellFactory

DAY = datetime.date(2026, 11, 27)


def _evaluated() -> str:
    """The end of the last successful run, as the refusal writes it (local time)."""
    run = ComplianceRun.objects.filter(outcome="succeeded").latest("finished_at")
    return f"{timezone.localtime(run.finished_at):%Y-%m-%d %H:%M}"


@pytest.fixture
def room(world):
    """Room 1-02 of block "Block 1" (a dormitory in F-A): 200 m² for 68 persons, 2.94 m² each (CPT-2015-2
    asks at least 4 m²), evaluated; and a finding citing it and CPT-2015-2, resolved by the ministry with
    "room 1-02 now holds 45 persons" (the cell still holds 68)."""
    block = BlockFactory(facility=world.a.facility, name="Block 1", accommodation_type="dormitory")
    cell = CellFactory(
        block=block,
        number="1-02",
        accommodation_type="dormitory",
        design_capacity=40,
        occupancy=68,
        living_space_m2=Decimal("200.00"),
    )
    recalculate_compliance(run_date=DAY)
    finding = save_finding(
        user=world.users["prosecutor_a"],
        inspection=world.a.inspection,
        data={
            "severity": "high",
            "description": "68 persons in room 1-02",
            "rule": StandardRule.objects.get(code="CPT-2015-2"),
            "cell": cell,
        },
    )
    change_finding_status(
        user=world.users["editor_a"], finding=finding, status="resolved", response="room 1-02 now holds 45 persons"
    )
    finding.refresh_from_db()
    return cell, finding


def _refusal(place: str, measured: str) -> str:
    return (
        f"Rule CPT-2015-2 still fails for {place}: measured {measured}, required living space per person ≥ 4.0 m² "
        f"(evaluated {_evaluated()}). To verify the finding anyway, give an override reason."
    )


def test_verification_refused_while_the_rule_fails_and_accepted_with_an_override(world, room):
    cell, finding = room
    prosecutor = world.users["prosecutor_a"]
    with pytest.raises(ValidationError) as refused:
        change_finding_status(user=prosecutor, finding=finding, status="verified", response="ministry says 45")
    assert refused.value.message_dict == {"status": [_refusal("Block 1 / 1-02", "2.94 m²")]}
    finding.refresh_from_db()
    assert finding.status == "resolved"
    assert finding.updates.count() == 2  # recorded, resolved: nothing written by the refusal

    with pytest.raises(ValidationError):  # blanks are no reason
        change_finding_status(user=prosecutor, finding=finding, status="verified", override_reason="  \n ")

    update = change_finding_status(
        user=prosecutor,
        finding=finding,
        status="verified",
        response="checked the transfer orders",
        override_reason="23 persons transferred on 2026-11-30; the count is updated tomorrow",
    )
    finding.refresh_from_db()
    assert finding.status == "verified"
    assert update.override_reason == "23 persons transferred on 2026-11-30; the count is updated tomorrow"
    assert (update.evidence["outcome"], update.evidence["measured"], update.evidence["figures"]["occupancy"]) == (
        "fail",
        "2.94",
        68,
    )
    assert finding.history.first().history_change_reason == (
        "verified with an override: 23 persons transferred on 2026-11-30; the count is updated tomorrow"
    )


def test_verification_goes_through_once_the_cell_passes(world, room):
    cell, finding = room
    Cell.objects.filter(pk=cell.pk).update(occupancy=45)  # 200 / 45 = 4.44 m² a person
    recalculate_compliance(run_date=DAY)
    update = change_finding_status(
        user=world.users["prosecutor_a"],
        finding=finding,
        status="verified",
        response="counted 45 on site",
        override_reason="not needed",
    )
    assert update.override_reason == ""  # nothing was overridden: nothing recorded
    assert (update.evidence["outcome"], update.evidence["measured"], update.evidence["figures"]["occupancy"]) == (
        "pass",
        "4.44",
        45,
    )


def test_api_refuses_with_400_naming_the_rule_and_accepts_an_override(world, room):
    cell, finding = room
    api = world.clients["prosecutor_a"]
    url = f"/api/v1/findings/{finding.pk}/status/"
    refused = api.post(url, {"status": "verified", "response": "ok"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"status": [_refusal("Block 1 / 1-02", "2.94 m²")]}
    assert Finding.objects.get(pk=finding.pk).status == "resolved"

    accepted = api.post(
        url, {"status": "verified", "response": "ok", "override_reason": "court order of 2026-11-30"}, format="json"
    )
    assert accepted.status_code == 201
    assert (accepted.json()["status"], accepted.json()["override_reason"]) == (
        "verified",
        "court order of 2026-11-30",
    )
    detail = api.get(f"/api/v1/findings/{finding.pk}/").json()
    assert detail["status"] == "verified"
    assert detail["updates"][-1]["override_reason"] == "court order of 2026-11-30"
    run = ComplianceRun.objects.filter(outcome="succeeded").latest("finished_at")
    evidence = detail["evidence"]
    assert evidence == {
        "place": "cell",
        "place_label": "Block 1 / 1-02",
        "figures": {
            "status": "in_use",
            "occupancy": 68,
            "occupancy_date": None,
            "design_capacity": 40,
            "living_space_m2": "200.00",
        },
        "rule": "CPT-2015-2",
        "requirement": "living space per person ≥ 4.0 m²",
        "metric": "living_space_per_person_m2",
        "outcome": "fail",
        "outcome_label": "fails",
        "measured": "2.94",
        "unit": "m²",
        "failing": [],
        "evaluated_at": run.finished_at.isoformat(),
    }
    listed = api.get("/api/v1/findings/").json()["results"]
    assert all("evidence" not in row for row in listed)  # the list stays one query per page


def test_block_finding_shows_the_block_and_its_failing_cells(world, client):
    recalculate_compliance(run_date=DAY)
    prosecutor = world.users["prosecutor_a"]
    crowded_block = world.a.crowded.block  # "Dormitory 2": E1, 150 m² for 50 persons (3.00 m² each)
    finding = save_finding(
        user=prosecutor,
        inspection=world.a.inspection,
        data={
            "severity": "high",
            "description": "crowded",
            "rule": StandardRule.objects.get(code="CPT-2015-2"),
            "block": crowded_block,
        },
    )
    change_finding_status(user=world.users["editor_a"], finding=finding, status="resolved", response="done")
    evidence = world.clients["prosecutor_a"].get(f"/api/v1/findings/{finding.pk}/").json()["evidence"]
    assert (evidence["place"], evidence["place_label"], evidence["outcome"], evidence["measured"]) == (
        "block",
        "Dormitory 2",
        "fail",
        None,
    )
    assert evidence["figures"] == {
        "persons": 50,
        "places": 40,
        "cells": 1,
        "cells_compliant": 0,
        "cells_non_compliant": 1,
        "cells_unknown": 0,
    }
    assert evidence["failing"] == [{"cell": "E1", "measured": "3.00"}]
    with pytest.raises(ValidationError) as refused:
        change_finding_status(user=prosecutor, finding=finding, status="verified")
    assert refused.value.message_dict == {"status": [_refusal("Dormitory 2", "E1: 3.00 m²")]}

    client.force_login(prosecutor)
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "Evidence now" in page and "E1: 3.00 m²" in page and "<dd>50</dd>" in page


def test_a_finding_without_rule_or_place_is_verified_as_before(world):
    finding = world.a.finding  # cites no cell, block or rule
    editor, prosecutor = world.users["editor_a"], world.users["prosecutor_a"]
    change_finding_status(user=editor, finding=finding, status="resolved", response="done")
    update = change_finding_status(user=prosecutor, finding=finding, status="verified")
    assert (update.status, update.override_reason, update.evidence) == ("verified", "", None)


def _select(page: str) -> str:
    return re.search(r'<select name="status"[^>]*>(.*?)</select>', page, re.S).group(1)


def test_page_shows_the_evidence_and_refuses_then_accepts_an_override(world, room, client):
    cell, finding = room
    client.force_login(world.users["prosecutor_a"])
    url = f"/findings/{finding.pk}/"
    page = client.get(url).content.decode()
    assert "Evidence now" in page
    assert "<dd>68</dd>" in page  # occupancy now
    assert (
        '<strong class="outcome-fail">fails</strong> — measured 2.94 m², required living space per person ≥ 4.0 m²'
        in page
    )
    options = _select(page)
    assert re.findall(r'<option value="([a-z_]*)" selected', options) == [""]  # starts with no choice
    assert re.findall(r'<option value="([a-z_]*)"', options) == ["", "open", "verified"]
    assert ">reopen the finding (back to open)</option>" in options
    assert 'name="override_reason"' in page

    version = Finding.objects.get(pk=finding.pk).version
    refused = client.post(url, {"status": "verified", "response": "", "version": version})
    assert refused.status_code == 200
    assert _refusal("Block 1 / 1-02", "2.94 m²") in refused.content.decode().replace("&#x27;", "'")
    assert Finding.objects.get(pk=finding.pk).status == "resolved"

    saved = client.post(
        url, {"status": "verified", "override_reason": "transfer order 17 of 2026-11-30", "version": version}
    )
    assert saved.status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == "verified"
    assert FindingUpdate.objects.filter(finding=finding).last().override_reason == "transfer order 17 of 2026-11-30"
    page = client.get(url).content.decode()
    assert "Verified with an override: transfer order 17 of 2026-11-30" in page


def test_a_save_without_a_choice_writes_nothing(world, room, client):
    cell, finding = room
    client.force_login(world.users["prosecutor_a"])
    answer = client.post(f"/findings/{finding.pk}/", {"status": "", "version": finding.version})
    assert answer.status_code == 200
    assert "Choose the new status of the finding." in answer.content.decode()
    assert Finding.objects.get(pk=finding.pk).status == "resolved"


def test_the_ministry_sees_the_evidence_and_no_override(world, room, client):
    cell, finding = room
    change_finding_status(user=world.users["prosecutor_a"], finding=finding, status="open", response="still 68")
    client.force_login(world.users["editor_a"])
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "measured 2.94 m²" in page
    assert 'name="override_reason"' not in page
    assert re.findall(r'<option value="([a-z_]*)"', _select(page)) == ["", "in_progress", "resolved"]
