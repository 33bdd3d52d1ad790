"""Conversion projects: the state machine, progress rules, completion that converts the block, conflicts."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cells import certification
from cells.models import Cell, CertificationRequest, ComplianceRun
from cells.services import complete_conversion
from core.exceptions import ConflictError
from facilities.models import ConversionProject, ProgressUpdate
from facilities.services import allowed_transitions, record_progress
from tests.conftest import requires_postgres

TODAY = timezone.localdate()


def progress(world, user="editor_a", project=None, **changes):
    project = project or world.a.project
    project.refresh_from_db()
    data = {
        "version": project.version,
        "date": TODAY,
        "status": project.status,
        "percent_complete": project.percent_complete,
        "budget_spent_kzt": project.budget_spent_kzt,
    }
    data.update(changes)
    return record_progress(project=project, user=world.users[user], **data)


def test_transitions(world):
    project = world.a.project
    assert allowed_transitions(project) == ["commissioning", "suspended", "cancelled"]
    with pytest.raises(ValidationError) as error:
        progress(world, status="planned")
    assert error.value.message_dict["status"] == [
        "Cannot move from construction to planned. Allowed: commissioning, suspended, cancelled."
    ]
    progress(world, status="suspended", note="winter")
    project.refresh_from_db()
    assert (project.status, project.status_before_suspension) == ("suspended", "construction")
    assert allowed_transitions(project) == ["construction", "cancelled"]
    with pytest.raises(ValidationError, match="Allowed: construction, cancelled"):
        progress(world, status="commissioning")
    progress(world, status="construction")
    project.refresh_from_db()
    assert (project.status, project.status_before_suspension, project.version) == ("construction", "", 3)
    progress(world, status="cancelled")
    with pytest.raises(ValidationError, match="takes no more updates"):
        progress(world, status="cancelled")


def test_progress_rules(world):
    with pytest.raises(ValidationError) as error:
        progress(world, percent_complete=Decimal("50"), budget_spent_kzt=Decimal("500000"))
    assert set(error.value.message_dict) == {"percent_complete", "budget_spent_kzt"}
    with pytest.raises(ValidationError, match="correction"):
        progress(world, percent_complete=Decimal("50"), is_correction=True, correction_reason=" ")
    update = progress(
        world, percent_complete=Decimal("50"), is_correction=True, correction_reason="surveyor re-measured the works"
    )
    assert update.is_correction and ProgressUpdate.objects.filter(project=world.a.project).count() == 2
    with pytest.raises(ValidationError, match="future"):
        progress(world, date=TODAY + datetime.timedelta(days=1), percent_complete=Decimal("55"))
    with pytest.raises(ValidationError, match="before the actual start"):
        progress(world, actual_end=datetime.date(2025, 1, 1), percent_complete=Decimal("55"))
    with pytest.raises(ValidationError, match="completion form"):
        progress(world, status="commissioning", percent_complete=Decimal("90"))
        progress(world, status="completed", percent_complete=Decimal("100"), actual_end=TODAY)
    project = world.a.project
    project.refresh_from_db()
    # every applied update is in the log, and the project equals the latest one
    last = project.updates.order_by("-date", "-id").first()
    assert (
        (project.status, project.percent_complete)
        == (last.status, last.percent_complete)
        == ("commissioning", Decimal("90"))
    )


def test_only_editors_of_the_region_record_progress(world):
    with pytest.raises(PermissionDenied):
        progress(world, user="prosecutor", percent_complete=Decimal("70"))
    with pytest.raises(PermissionDenied):
        progress(world, project=world.b.project, percent_complete=Decimal("70"))


def _complete(world, cells, **changes):
    project = world.a.project
    project.refresh_from_db()
    data = {
        "version": project.version,
        "date": TODAY,
        "actual_end": TODAY,
        "budget_spent_kzt": Decimal("950000"),
        "cells": cells,
    }
    data.update(changes)
    return complete_conversion(user=world.users["editor_a"], project=project, **data)


NEW = [
    {
        "number": f"S{n}",
        "living_space_m2": Decimal("6.60"),
        "has_sanitary_annex": True,
        "sanitary_annex_partitioned": True,
        "min_wall_distance_m": Decimal("2.2"),
        "ceiling_height_m": Decimal("2.7"),
        "has_natural_light": True,
    }
    for n in range(1, 4)
]


def test_completion_converts_the_block_once_certified(world, django_capture_on_commit_callbacks):
    progress(world, status="commissioning", percent_complete=Decimal("95"))
    plan = [{"from_cell": world.a.crowded.pk, "persons": 3}]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request = _complete(world, NEW, movement_plan=plan)
    assert callbacks == []  # drafts are counted nowhere: nothing to recompute yet
    block = world.a.block
    block.refresh_from_db()
    assert block.accommodation_type == "dormitory"  # the rooms until the approval, never both or neither
    assert Cell.objects.filter(block=block, status="draft").count() == 3
    assert Cell.objects.get(pk=world.a.room.pk).status == "under_reconstruction"
    assert Cell.objects.get(pk=world.a.crowded.pk).occupancy == 50
    project = world.a.project
    project.refresh_from_db()
    assert (project.status, project.percent_complete, project.actual_end) == ("completed", 100, TODAY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        certification.approve(user=world.users["reviewer_a"], request=request)
    assert len(callbacks) == 1  # one recompute of the facility, sent on commit
    block.refresh_from_db()
    assert block.accommodation_type == "cell"
    assert list(Cell.objects.filter(block=block, status="in_use").values_list("number", flat=True)) == [
        "S1",
        "S2",
        "S3",
    ]
    assert Cell.objects.get(pk=world.a.room.pk).status == "decommissioned"
    # the 3 persons moved in came from the facility's crowded dormitory: the headcount stays the same
    assert Cell.objects.get(pk=world.a.crowded.pk).occupancy == 47
    assert sum(Cell.objects.in_use().filter(block__facility=world.a.facility).values_list("occupancy", flat=True)) == 51
    run = ComplianceRun.objects.get(trigger="edit")  # eager in tests without a broker; a worker otherwise
    assert run.facility_id == world.a.facility.pk
    history = Cell.objects.get(block=block, number="S1").history.last()
    assert history.history_user == world.users["editor_a"]


def test_failed_completion_changes_nothing(world):
    progress(world, status="commissioning", percent_complete=Decimal("95"))
    bad = [*NEW[:2], {"number": "S1", "living_space_m2": Decimal("6.6")}, {"number": "S9"}]
    with pytest.raises(ValidationError) as error:
        _complete(world, bad)
    assert set(error.value.message_dict) == {"cells[2].number", "cells[3].living_space_m2"}
    with pytest.raises(ValidationError, match="greater than or equal to 0.01"):
        _complete(world, [{"number": "S1", "living_space_m2": Decimal("-1")}])
    many = [{"number": f"T{n}", "living_space_m2": Decimal("6.6")} for n in range(60)]
    with pytest.raises(ValidationError, match="room E1 holds 50 persons; 60 cannot move out of it"):
        _complete(world, many, movement_plan=[{"from_cell": world.a.crowded.pk, "persons": 60}])
    assert not CertificationRequest.objects.exists()
    world.a.project.refresh_from_db()
    assert world.a.project.status == "commissioning"
    assert Cell.objects.get(pk=world.a.room.pk).status == "under_reconstruction"
    assert not Cell.objects.filter(block=world.a.block, number__startswith="S").exists()


def test_stale_version_is_a_conflict(world):
    stale = world.a.project.version
    progress(world, percent_complete=Decimal("65"))
    with pytest.raises(ConflictError) as conflict:
        progress(world, version=stale, percent_complete=Decimal("70"))
    assert conflict.value.current_version == stale + 1
    assert ProgressUpdate.objects.filter(project=world.a.project).count() == 2


def test_api_conflict_codes(world):
    client = world.clients["editor_a"]
    url = f"/api/v1/conversions/{world.a.project.pk}/"
    etag = client.get(url)["ETag"]
    body = {"date": TODAY.isoformat(), "status": "construction", "percent_complete": "70", "budget_spent_kzt": "700000"}
    assert client.post(url + "progress/", body, format="json", HTTP_IF_MATCH=etag).status_code == 201
    again = client.post(url + "progress/", body, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412 and again.json()["version"] == 2
    stale = client.post(url + "progress/", {**body, "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == 2
    ok = client.post(url + "progress/", {**body, "version": 2, "percent_complete": "75"}, format="json")
    assert ok.status_code == 201 and ok.json()["percent_complete"] == 75.0


def test_browser_conflict_keeps_the_input(client, world):
    client.force_login(world.users["editor_a"])
    url = f"/conversions/{world.a.project.pk}/progress/"
    progress(world, percent_complete=Decimal("65"))  # someone else saves first
    form = {
        "version": 1,
        "date": TODAY.isoformat(),
        "status": "construction",
        "percent_complete": "72",
        "budget_spent_kzt": "720000",
        "note": "my update",
    }
    page = client.post(url, form).content.decode()
    assert "was changed by" in page and "<td>65.00</td><td>72</td>" in page  # stored now, yours
    assert 'value="72"' in page and "my update" in page and 'name="version" value="2"' in page
    assert client.post(url, {**form, "version": 2}).status_code == 302
    world.a.project.refresh_from_db()
    assert world.a.project.percent_complete == Decimal("72")


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_editors_one_conflict(standards, regions):
    """Two real connections save the same project version at once: one wins, the other gets a conflict."""
    from tests.conftest import make_user
    from tests.factories import region_world

    world = region_world("KZ-35", "A")
    editor = make_user("editor_c", "Ministry editors", regions=["KZ-35"])
    barrier = threading.Barrier(2)
    outcomes = []

    def save(percent):
        try:
            project = ConversionProject.objects.get(pk=world.project.pk)
            barrier.wait()
            record_progress(
                project=project,
                version=1,
                date=TODAY,
                status="construction",
                percent_complete=Decimal(percent),
                budget_spent_kzt=Decimal("700000"),
                user=editor,
            )
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(p,)) for p in ("70", "80")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["conflict", "saved"]
    project = ConversionProject.objects.get(pk=world.project.pk)
    assert project.version == 2
    assert ProgressUpdate.objects.filter(project=project).count() == 2  # the seed update and the winner's
    assert project.percent_complete == ProgressUpdate.objects.filter(project=project).latest("id").percent_complete


def test_the_progress_page_names_the_next_statuses_by_their_labels(client, world):
    """The progress page lists the allowed next statuses in the reader's language, not as codes."""
    client.force_login(world.users["editor_a"])
    client.cookies["django_language"] = "ru"
    page = client.get(f"/conversions/{world.a.project.pk}/progress/").content.decode()
    line = next(line for line in page.splitlines() if "Допустимые следующие статусы" in line)
    assert "ввод в эксплуатацию" in line and "commissioning" not in line
