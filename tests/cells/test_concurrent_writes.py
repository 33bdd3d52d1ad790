"""Concurrent writes of cells lose nothing (issue 24), on real PostgreSQL: each pair of writers runs 40
rounds, the two in their own threads and connections, started together by a barrier after each read what
it would have read (the view's get_object), and a round fails if a write that succeeded lost its effect.

- a PATCH of one field + a headcount of the same cell (services);
- two PATCHes of different fields of one cell (over HTTP, the live server: a thread per request);
- a completion + an edit of one of the block's rooms (services): the edit is kept, and once the
  certification request is approved no room is in use and the facility's persons are conserved;
- a completion + a headcount of one of its rooms: the completion is refused, or the count is kept and the
  request no longer applies (its approval is refused); never a person lost;
- two completions of one project: one completes, the other is refused with AlreadyDone (409).

Without the fix (cells.services.save_cell saving the whole row it was given) the first three lose writes
in a share of the rounds (docs/performance.md, §Concurrent writes).
"""

import datetime
import json
import threading
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cells import certification, services
from cells.models import Cell
from core.exceptions import ConflictError
from core.tokens import issue_token
from facilities.models import ConversionProject
from tests.conftest import make_user, requires_postgres
from tests.factories import BlockFactory, CellFactory, ConversionProjectFactory, FacilityFactory

ROUNDS = 40
TODAY = timezone.localdate()

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def race(*jobs):
    """Run each job (a function of the barrier: it reads, waits at the barrier, writes) in its own thread
    and connection; returns each job's result or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job(barrier)
        except Exception as error:  # the test asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.fixture
def estate(standards, regions):
    facility = FacilityFactory(code="RACE-1", region__code="KZ-35")
    editor = make_user("race_editor", "Ministry editors", regions=["KZ-35"])
    feed = make_user("race_feed", "API clients", headcount_regions=["KZ-35"])
    return facility, editor, feed


def test_patch_of_one_field_and_a_headcount_both_stay(estate):
    facility, editor, feed = estate
    cell = CellFactory(block=BlockFactory(facility=facility), occupancy=1, occupancy_date=TODAY)
    lost, failed = [], []
    for n in range(ROUNDS):
        space, persons = Decimal("6.00") + n, n % 2  # a new value for each in every round

        def edit(barrier, space=space):
            read = Cell.objects.select_related("block__facility").get(pk=cell.pk)  # the view's get_object
            barrier.wait()
            return services.save_cell(user=editor, data={"living_space_m2": space}, cell=read)

        def count(barrier, persons=persons):
            read = Cell.objects.select_related("block__facility").get(pk=cell.pk)
            barrier.wait()
            return services.update_headcount(user=feed, cell=read, occupancy=persons, occupancy_date=TODAY)

        results = race(edit, count)
        stored = Cell.objects.get(pk=cell.pk)
        if any(isinstance(r, Exception) for r in results):
            failed.append((n, results))
        elif (stored.living_space_m2, stored.occupancy) != (space, persons):
            lost.append(n)
    assert (lost, failed) == ([], []), f"lost in {len(lost)} of {ROUNDS} rounds, failed in {len(failed)}"


def _call(method, url, token, body):
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_patches_of_different_fields_both_stay_over_http(live_server, estate):
    facility, editor, _feed = estate
    cell = CellFactory(block=BlockFactory(facility=facility))
    token = issue_token(editor)[1]
    url = f"{live_server.url}/api/v1/cells/{cell.pk}/"
    lost, failed = [], []
    for n in range(ROUNDS):
        space, height = Decimal("6.00") + n, Decimal("2.50") + Decimal(n) / 100

        def patch(body):
            def job(barrier):
                barrier.wait()
                return _call("PATCH", url, token, body)

            return job

        statuses = race(patch({"living_space_m2": str(space)}), patch({"ceiling_height_m": str(height)}))
        stored = Cell.objects.get(pk=cell.pk)
        if statuses != [200, 200]:
            failed.append((n, statuses))
        elif (stored.living_space_m2, stored.ceiling_height_m) != (space, height):
            lost.append(n)
    assert (lost, failed) == ([], []), f"lost in {len(lost)} of {ROUNDS} rounds, failed in {len(failed)}"


def _block_to_complete(facility, n):
    """A block with two dormitory rooms in use (nobody in them) and its project at commissioning."""
    block = BlockFactory(facility=facility, name=f"Converted {n}")
    rooms = [
        CellFactory(
            block=block,
            number=f"D{i}",
            accommodation_type="dormitory",
            design_capacity=20,
            occupancy=0,
            living_space_m2=Decimal("80"),
            status="in_use",
        )
        for i in range(2)
    ]
    project = ConversionProjectFactory(
        block=block, status="commissioning", percent_complete=Decimal("95"), actual_start=datetime.date(2025, 1, 1)
    )
    return block, rooms, project


def _complete(editor, project, cells, barrier, plan=()):
    read = ConversionProject.objects.select_related("block__facility").get(pk=project.pk)
    barrier.wait()
    return services.complete_conversion(
        user=editor,
        project=read,
        version=read.version,
        date=TODAY,
        actual_end=TODAY,
        budget_spent_kzt=Decimal("1000"),
        cells=cells,
        movement_plan=list(plan),
    )


def in_use_persons(facility):
    return sum(Cell.objects.in_use().filter(block__facility=facility).values_list("occupancy", flat=True))


def test_completion_and_an_edit_of_one_of_its_rooms_serialise(estate):
    facility, editor, _feed = estate
    reviewer = make_user("race_reviewer", "Certification reviewers", regions=["KZ-35"])
    crowded = CellFactory(
        block=BlockFactory(facility=facility, name="Crowded"),
        number="E1",
        accommodation_type="dormitory",
        design_capacity=40,
        occupancy=5 * ROUNDS,
        living_space_m2=Decimal("150"),
    )
    new = [{"number": f"S{i}", "living_space_m2": Decimal("6.6")} for i in range(4)]
    plan = [{"from_cell": crowded.pk, "persons": 2}]
    lost, failed = [], []
    for n in range(ROUNDS):
        block, rooms, project = _block_to_complete(facility, n)
        persons = in_use_persons(facility)
        space = Decimal("81.00") + n

        def edit(barrier, room=rooms[n % 2], space=space):
            read = Cell.objects.select_related("block__facility").get(pk=room.pk)
            barrier.wait()
            return services.save_cell(user=editor, data={"living_space_m2": space}, cell=read)

        done, edited = race(lambda barrier, p=project: _complete(editor, p, new, barrier, plan), edit)
        if isinstance(done, Exception) or isinstance(edited, Exception):
            failed.append((n, done, edited))
            continue
        certification.approve(user=reviewer, request=done)
        old = Cell.objects.filter(block=block).exclude(number__startswith="S")
        back = list(old.exclude(status="decommissioned").values_list("number", "status"))
        conserved = in_use_persons(facility) == persons
        kept = Cell.objects.get(pk=rooms[n % 2].pk).living_space_m2 == space
        if back or not conserved or not kept:
            lost.append((n, back, conserved, kept))
    assert (lost, failed) == ([], []), f"lost in {len(lost)} of {ROUNDS} rounds, failed in {len(failed)}"


def test_completion_and_a_headcount_of_one_of_its_rooms_serialise(estate):
    """A headcount of a room while its block is completed: either the count is first and the completion is
    refused (the room would be decommissioned holding persons the plan does not move), or the completion is
    first, the count is kept (the room is in use until the approval) and the request's approval is refused.
    Never a room decommissioned holding persons, never a person lost."""
    facility, editor, feed = estate
    reviewer = make_user("race_reviewer", "Certification reviewers", regions=["KZ-35"])
    CellFactory(
        block=BlockFactory(facility=facility, name="Crowded"),
        number="E1",
        accommodation_type="dormitory",
        design_capacity=40,
        occupancy=5 * ROUNDS,
        living_space_m2=Decimal("150"),
    )
    new = [{"number": f"S{i}", "living_space_m2": Decimal("6.6")} for i in range(2)]
    lost = []
    for n in range(ROUNDS):
        block, rooms, project = _block_to_complete(facility, n)
        persons = in_use_persons(facility)

        def count(barrier, room=rooms[0], persons=1 + n % 3):
            read = Cell.objects.select_related("block__facility").get(pk=room.pk)
            barrier.wait()
            return services.update_headcount(user=feed, cell=read, occupancy=persons, occupancy_date=TODAY)

        done, counted = race(lambda barrier, p=project: _complete(editor, p, new, barrier), count)
        completed = not isinstance(done, Exception)
        expected = persons + (0 if isinstance(counted, Exception) else 1 + n % 3)
        ok = not isinstance(counted, Exception)  # the room stays in use until an approval: the count is kept
        if completed:
            try:
                certification.approve(user=reviewer, request=done)
                ok = False  # the room holds the persons counted: it cannot be decommissioned
            except ValidationError:
                pass
        room = Cell.objects.get(pk=rooms[0].pk)
        ok = ok and in_use_persons(facility) == expected and room.status == "in_use"
        if not ok:
            lost.append((n, done, counted, room.status, room.occupancy))
    assert lost == [], f"lost in {len(lost)} of {ROUNDS} rounds: {lost[:3]}"


def test_two_completions_one_completes_the_other_is_told(estate):
    facility, editor, _feed = estate
    new = [{"number": "S1", "living_space_m2": Decimal("6.6")}]
    for n in range(10):
        block, _rooms, project = _block_to_complete(facility, n)
        first, second = race(*(lambda barrier, p=project: _complete(editor, p, new, barrier) for _ in range(2)))
        outcomes = sorted(type(r).__name__ for r in (first, second))
        assert outcomes == ["AlreadyDone", "CertificationRequest"], (first, second)
        refused = first if isinstance(first, ConflictError) else second
        assert f"was completed on {TODAY:%Y-%m-%d} by race_editor" in str(refused)
        assert Cell.objects.filter(block=block, number="S1").count() == 1
