"""The monitor role (issue 20, part 6): a monitor (group Monitors, StaffProfile.mechanism) records their own
mechanism's recommendations and judgements in their scope, and nothing else; they read the registry and,
read-only, the pages every portal role reads."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from facilities import decisions as facility_decisions
from inspections import decisions, registry
from inspections.models import Finding
from registers.models import ImportRecord
from tests.api.test_write_permissions import READ_ONLY_POSTS, write_operations
from tests.inspections.registry_helpers import make_monitor

# What a monitor of the NPM may write, walked with the NPM's recommendation as the finding: recording a
# recommendation and its source document, changing it, judging it; the two operations that write nothing.
MONITOR_WRITES = {
    "POST /api/v1/findings/",
    "PUT /api/v1/findings/{id}/",
    "PATCH /api/v1/findings/{id}/",
    "POST /api/v1/findings/{id}/judgements/",
    "POST /api/v1/source-documents/",
    # a monitor imports their mechanism's recommendations (kind "recommendations"; the import checks each row)
    "POST /api/v1/imports/",
    "POST /api/v1/imports/{id}/confirm/",
} | READ_ONLY_POSTS


@pytest.mark.parametrize("name", ["npm", "npm_a"])
def test_a_monitor_is_refused_every_other_write(registry_world, name):
    world = registry_world.world
    a = world.a
    action = registry.save_action(
        user=world.users["editor_a"],
        finding=registry_world.npm_rec,
        data={"description": "x", "owner": "KUIS", "due_date": datetime.date(2025, 5, 1)},
    )
    ids = {
        "cells": a.cell.pk,
        "conversions": a.project.pk,
        "inspections": a.inspection.pk,
        "findings": registry_world.npm_rec.pk,
        "actions": action.pk,
        "certification-requests": 1,
        "imports": 1,
    }
    client = registry_world.clients[name]
    wrong = []
    operations = write_operations(world.clients["admin"])
    for method, path in operations:
        label = f"{method} {path}"
        url = path.replace("{id}", str(ids.get(path.split("/")[3], 1)))
        with transaction.atomic():
            response = getattr(client, method.lower())(url, data=b"", content_type="application/json")
            transaction.set_rollback(True)
        if label in MONITOR_WRITES:
            ok = response.status_code not in (401, 403) and response.status_code < 500
        else:
            ok = response.status_code in (403, 404) and set(response.json()) == {"detail"}
        if not ok:
            wrong.append(f"{label}: {response.status_code} {response.content[:160]!r}")
    assert not wrong, "\n".join(wrong)
    assert len([op for op in operations if f"{op[0]} {op[1]}" not in MONITOR_WRITES]) >= 20


def test_the_decisions_give_a_monitor_nothing_else(registry_world):
    monitor = registry_world.monitors["npm"]
    region = registry_world.world.a.facility.region_id
    assert facility_decisions.recording_mechanisms(monitor) == {"npm"}
    for decision in (
        facility_decisions.may_record_inspection,
        facility_decisions.may_edit_cells,
        facility_decisions.may_request_certification,
        facility_decisions.may_review_certification,
        facility_decisions.may_update_headcount,
        facility_decisions.may_publish_releases,
    ):
        assert not decision(monitor), decision.__name__
    assert not facility_decisions.may_edit_cells(monitor, region)
    assert facility_decisions.may_import(monitor, "recommendations")
    assert not any(facility_decisions.may_import(monitor, kind) for kind in ("cells", "facilities", "headcounts"))
    assert facility_decisions.may_record_recommendation(monitor, "npm", region)
    assert not facility_decisions.may_record_recommendation(monitor, "spt", None)
    assert decisions.allowed_moves(monitor, registry_world.npm_rec) == []
    assert not decisions.may_edit_actions(monitor, registry_world.npm_rec)
    # A monitor whose profile names no mechanism records nothing.
    nameless = make_monitor("nameless", "")
    assert not facility_decisions.may_record_recommendation(nameless)
    with pytest.raises(PermissionDenied):
        registry.save_source_document(user=nameless, data={"mechanism": "npm", "reference": "Z", "date": "2025-01-01"})


def test_a_monitor_reads_the_portal_pages_and_writes_none_of_the_others(registry_world, client):
    world = registry_world.world
    a = world.a
    client.force_login(registry_world.monitors["npm"])
    for url in ("/", "/facilities/", f"/facilities/{a.facility.pk}/", "/findings/", "/inspections/", "/standards/"):
        assert client.get(url).status_code == 200, url
    page = client.get("/findings/").content.decode()
    assert 'href="/findings/new/"' in page  # the registry offers them their own recording
    for url in (
        "/inspections/new/",
        f"/inspections/{a.inspection.pk}/findings/new/",
        f"/findings/{a.finding.pk}/edit/",
        f"/cells/{a.cell.pk}/edit/",
        f"/blocks/{a.cell_block.pk}/cells/new/",
        f"/conversions/{a.project.pk}/progress/",
        f"/conversions/{a.project.pk}/edit/",
        f"/facilities/{a.facility.pk}/certification/new/",
        f"/facilities/{a.facility.pk}/movements/new/",
        f"/findings/{registry_world.npm_rec.pk}/actions/new/",
        f"/findings/{a.finding.pk}/judgements/new/",  # a prosecutor's finding: not their mechanism's
        f"/findings/{registry_world.spt_rec.pk}/recommendation/",
    ):
        assert client.get(url).status_code == 403, url
    answer = client.post(f"/findings/{a.finding.pk}/", {"status": "rejected", "response": "x", "version": 1})
    assert answer.status_code == 403
    refused = client.post("/imports/new/", {"kind": "cells"})  # not among the kinds the form offers them
    assert refused.status_code in (200, 403) and not ImportRecord.objects.exists()
    assert Finding.objects.get(pk=a.finding.pk).status == "open"


def test_a_regional_monitor_works_in_their_region_only(registry_world):
    world = registry_world.world
    regional, national = registry_world.monitors["npm_a"], registry_world.monitors["npm"]
    in_b = registry.save_recommendation(
        user=national,
        data={
            "mechanism": "npm",
            "source_document": registry_world.npm_report,
            "scope": "region",
            "region": world.b.facility.region,
            "description": "Region B's transfers",
        },
    )
    visible = set(Finding.objects.visible_to(regional).values_list("pk", flat=True))
    assert registry_world.npm_rec.pk in visible and registry_world.spt_rec.pk in visible
    assert in_b.pk not in visible
    assert registry_world.clients["npm_a"].get(f"/api/v1/findings/{in_b.pk}/").status_code == 404
    assert not decisions.may_judge(regional, in_b) and decisions.may_judge(national, in_b)
    with pytest.raises(PermissionDenied):
        registry.record_judgement(
            user=regional, finding=in_b, judgement="achieved", follow_up_date=datetime.date(2025, 5, 1)
        )
    # National recommendations are the national monitor's to judge and to change.
    national_npm = registry.save_recommendation(
        user=national,
        data={"mechanism": "npm", "source_document": registry_world.npm_report, "scope": "nation", "description": "x"},
    )
    assert not decisions.may_judge(regional, national_npm) and not decisions.may_edit_recommendation(
        regional, national_npm
    )
    registry.record_judgement(
        user=regional,
        finding=registry_world.npm_rec,
        judgement="partially_achieved",
        follow_up_date=datetime.date(2025, 5, 1),
    )
    assert Finding.objects.get(pk=registry_world.npm_rec.pk).judgement == "partially_achieved"


def test_the_demo_has_a_national_npm_monitor(regions, settings):
    from django.contrib.auth import get_user_model

    from demo.management.commands.seed_demo import ROLES, Command

    settings.PORTAL_ALLOW_DEMO_SEED = True
    assert ROLES["monitor"] == ("Monitors", None)
    Command()._users()
    user = get_user_model().objects.get(username="monitor")
    assert user.check_password("monitor-demo-2026")
    assert user.staff_profile.mechanism == "npm" and not user.staff_profile.regions.exists()
    assert facility_decisions.recording_mechanisms(user) == {"npm"}
    assert facility_decisions.may_record_recommendation(user, "npm", None)


def test_the_staff_profile_admin_shows_the_mechanism(registry_world, client):
    from facilities.models import StaffProfile

    client.force_login(registry_world.world.users["admin"])
    admin_user = registry_world.world.users["admin"]
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save()
    profile = StaffProfile.objects.get(user=registry_world.monitors["npm"])
    page = client.get(f"/admin/facilities/staffprofile/{profile.pk}/change/").content.decode()
    assert 'name="mechanism"' in page and 'value="npm" selected' in page
    listing = client.get("/admin/facilities/staffprofile/").content.decode()
    assert "national preventive mechanism" in listing
