"""Inspections and findings: the status workflow, the log, overdue marking, lists, history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cells.models import Cell
from inspections.models import Finding, FindingUpdate, OverdueCheck
from inspections.services import allowed_moves, change_finding_status, check_overdue, save_finding
from inspections.tasks import check_overdue_findings
from tests.factories import InspectionFactory

TODAY = timezone.localdate()


def test_finding_workflow(world):
    finding = world.a.finding
    editor, prosecutor = world.users["editor_a"], world.users["prosecutor_a"]
    assert allowed_moves(editor, finding) == ["in_progress", "resolved"]
    with pytest.raises(ValidationError, match="from open to in progress. Allowed: rejected"):  # labels, not codes
        change_finding_status(user=prosecutor, finding=finding, status="in_progress", response="x")
    change_finding_status(user=editor, finding=finding, status="in_progress", response="contractor hired")
    with pytest.raises(ValidationError, match="Say what was done"):
        change_finding_status(user=editor, finding=finding, status="resolved")
    change_finding_status(user=editor, finding=finding, status="resolved", response="beds removed")
    with pytest.raises(ValidationError, match="from resolved to verified. Allowed: none"):  # the prosecutor's
        change_finding_status(user=editor, finding=finding, status="verified")
    with pytest.raises(PermissionDenied):
        change_finding_status(user=world.users["api_client"], finding=finding, status="verified")
    change_finding_status(user=prosecutor, finding=finding, status="open", response="not done in block 2")
    change_finding_status(user=editor, finding=finding, status="resolved", response="block 2 done")
    change_finding_status(user=prosecutor, finding=finding, status="verified", response="checked on site")
    with pytest.raises(ValidationError, match="Allowed: none"):
        change_finding_status(user=prosecutor, finding=finding, status="open")
    log = list(FindingUpdate.objects.filter(finding=finding).values_list("status", "author__username"))
    assert log == [
        ("in_progress", "editor_a"),
        ("resolved", "editor_a"),
        ("open", "pros_a"),
        ("resolved", "editor_a"),
        ("verified", "pros_a"),
    ]


def test_finding_with_rule_block_and_cell(world, client):
    from cells.models import StandardRule

    rule = StandardRule.objects.get(code="CPT-2015-2")
    prosecutor = world.users["prosecutor_a"]
    finding = save_finding(
        user=prosecutor,
        inspection=world.a.inspection,
        data={"severity": "high", "description": "3 m² per person", "rule": rule, "cell": world.a.room},
    )
    assert finding.block == world.a.block  # taken from the cell
    with pytest.raises(ValidationError, match="not in the inspected facility"):
        save_finding(
            user=prosecutor,
            inspection=world.a.inspection,
            data={"severity": "low", "description": "x", "cell": world.b.cell},
        )
    client.force_login(prosecutor)
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    # the rule's summary (data/standards.json: "4 m2") is shown with m² (the squared filter, issue 18)
    assert "CPT/Inf (2015) 44, paras 9-10" in page and "at least 4 m² of living space" in page


def test_overdue_check_marks_and_counts(world):
    finding = world.a.finding  # deadline 2025-06-01, open
    assert Finding.objects.overdue(TODAY).count() == 2
    check = check_overdue(TODAY)
    assert (check.overdue, check.newly_overdue) == (2, 2)
    finding.refresh_from_db()
    assert finding.overdue_since == TODAY
    record = finding.history.first()
    assert (record.history_user, record.history_change_reason) == (None, "daily overdue check")
    again = check_overdue(TODAY)
    assert (again.overdue, again.newly_overdue) == (2, 0)
    change_finding_status(user=world.users["editor_a"], finding=finding, status="resolved", response="done")
    assert check_overdue_findings.delay().get() == 1
    assert OverdueCheck.objects.count() == 3
    finding.refresh_from_db()
    assert finding.overdue_since is None


def test_lists_filters_and_csv(world, client):
    client.force_login(world.users["prosecutor"])
    assert world.clients["prosecutor"].get("/api/v1/findings/", {"overdue": "true"}).json()["count"] == 2
    change_finding_status(user=world.users["admin"], finding=world.b.finding, status="rejected", response="dup")
    api = world.clients["prosecutor"]
    assert api.get("/api/v1/findings/", {"overdue": "true"}).json()["count"] == 1
    assert api.get("/api/v1/findings/", {"status": "rejected", "region": "KZ-10"}).json()["count"] == 1
    assert api.get("/api/v1/inspections/", {"date_from": "2025-05-01", "date_to": "2025-05-01"}).json()["count"] == 2
    assert api.get("/api/v1/inspections/", {"date_from": "2024-02-30"}).status_code == 400
    response = client.get("/findings/", {"overdue": "true", "export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''findings.csv" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].split(",")[1] == "F-A"


def test_csv_neutralises_formulas(world, client):
    save_finding(
        user=world.users["admin"],
        inspection=world.a.inspection,
        data={"severity": "low", "description": '=HYPERLINK("http://x")', "recommendation": "+1"},
    )
    client.force_login(world.users["admin"])
    text = b"".join(client.get("/findings/?export=csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",'+1" in text


def test_history_api_records_user_and_changes(world):
    client = world.clients["editor_a"]
    cell = world.a.cell
    assert client.patch(f"/api/v1/cells/{cell.pk}/", {"living_space_m2": "7.25"}, format="json").status_code == 200
    entries = client.get(f"/api/v1/cells/{cell.pk}/history/").json()
    assert entries[0]["user"] == "editor_a" and entries[0]["kind"] == "changed"
    assert {"field": "living_space_m2", "label": "living space (m²)", "old": "6.60", "new": "7.25"} in entries[0][
        "changes"
    ]
    assert client.delete(f"/api/v1/cells/{cell.pk}/history/").status_code == 405
    assert client.delete(f"/api/v1/cells/{cell.pk}/").status_code == 405


def test_history_page(world, client):
    client.force_login(world.users["editor_a"])
    client.post(
        f"/cells/{world.a.cell.pk}/edit/",
        {
            "version": Cell.objects.get(pk=world.a.cell.pk).version,
            "block": world.a.cell_block.pk,
            "number": "C-A",
            "accommodation_type": "single_occupancy_cell",
            "living_space_m2": "7.50",
            "design_capacity": 1,
            "occupancy": 1,
            "status": "in_use",
            "has_sanitary_annex": "true",
            "sanitary_annex_partitioned": "true",
            "has_natural_light": "true",
        },
    )
    page = client.get(f"/history/cell/{world.a.cell.pk}/").content.decode()
    assert "editor_a" in page and "6.60 → 7.50" in page


def test_the_inspection_and_finding_forms_label_their_choices_in_the_readers_language(world, client):
    """The facility, block, cell and rule choices are labelled from the models' translated names (kk)."""
    client.force_login(world.users["prosecutor_a"])
    client.cookies["django_language"] = "kk"
    recorded = InspectionFactory(facility=world.a.facility)
    inspection = client.get("/inspections/new/").content.decode()
    finding = client.get(f"/inspections/{recorded.pk}/findings/new/").content.decode()
    assert "Мекеме" in inspection and ">Facility" not in inspection
    assert "Стандарт ережесі" in finding and ">Rule" not in finding
