"""No update lost on inspections and findings (issue 24): on real PostgreSQL, two API requests released
together by a barrier, each on its own thread and connection, 40 rounds per pair. A round is lost when a
request that answered 2xx is not reflected in the stored row afterwards.

- a finding's description edit (PATCH) against each status move the state machine allows
  (inspections.decisions: the ministry's open -> in progress / resolved, in progress -> resolved; the
  prosecutor's resolved -> verified / open, open / in progress -> rejected, rejected -> open);
- two PATCHes of different fields of one inspection.

Before the fix (main at 906677a) the edit wrote back the whole row it had read: see the report figures
in the module's test output (``-s``).
"""

import pytest
from rest_framework.test import APIClient

from inspections.decisions import EDITOR_MOVES, PROSECUTOR_MOVES
from inspections.models import Finding, FindingUpdate, Inspection
from tests.conftest import requires_postgres
from tests.races import no_throttling, ok, race

ROUNDS = 40
MOVES = sorted(
    [(old, new, "editor_a") for old, news in EDITOR_MOVES.items() for new in news]
    + [(old, new, "prosecutor_a") for old, news in PROSECUTOR_MOVES.items() for new in news]
)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_each_move_set_while_the_description_is_edited_keeps_both(world, settings):
    no_throttling(settings)
    finding = world.a.finding
    url = f"/api/v1/findings/{finding.pk}/"
    assert len(MOVES) == 8  # every move of inspections.decisions
    lost_by_move = {}
    for old, new, mover in MOVES:
        lost = 0
        for n in range(ROUNDS):
            Finding.objects.filter(pk=finding.pk).update(status=old, description="as recorded")
            text = f"described again ({old} -> {new}, round {n})"
            edit, move = race(
                lambda text=text: _client(world.users["prosecutor_a"]).patch(url, {"description": text}, format="json"),
                lambda new=new, mover=mover, n=n: _client(world.users[mover]).post(
                    url + "status/", {"status": new, "response": f"moved in round {n}"}, format="json"
                ),
            )
            assert ok(edit) and ok(move), (old, new, edit, move)  # no If-Match: both apply
            stored = Finding.objects.get(pk=finding.pk)
            if stored.description != text or stored.status != new:
                lost += 1
        lost_by_move[f"{old}->{new}"] = lost
    print(f"\nfinding edit + move, rounds lost of {ROUNDS}: {lost_by_move}")
    assert lost_by_move == {f"{old}->{new}": 0 for old, new, _ in MOVES}
    moves = FindingUpdate.objects.filter(finding=finding, response__startswith="moved in round")
    assert moves.count() == len(MOVES) * ROUNDS  # every move logged once


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_patches_of_different_fields_of_one_inspection_keep_both(world, settings):
    no_throttling(settings)
    inspection = world.a.inspection
    url = f"/api/v1/inspections/{inspection.pk}/"
    lost = 0
    for n in range(ROUNDS):
        summary, lead = f"summary of round {n}", f"inspector {n}"
        first, second = race(
            lambda summary=summary: _client(world.users["prosecutor_a"]).patch(
                url, {"summary": summary}, format="json"
            ),
            lambda lead=lead: _client(world.users["admin"]).patch(url, {"lead_inspector": lead}, format="json"),
        )
        assert ok(first) and ok(second), (first, second)
        stored = Inspection.objects.get(pk=inspection.pk)
        if (stored.summary, stored.lead_inspector) != (summary, lead):
            lost += 1
    print(f"\ntwo inspection PATCHes, rounds lost: {lost} of {ROUNDS}")
    assert lost == 0
    stored = Inspection.objects.get(pk=inspection.pk)
    assert stored.version == 1 + 2 * ROUNDS  # each PATCH wrote once, raising the version by one
