"""No update lost on conversion projects (issue 24): on real PostgreSQL, a progress update (POST
.../progress/) and an edit of the plan (PATCH .../conversions/<id>/) released together by a barrier, each
on its own thread and connection, 40 rounds. A round is lost when a request that answered 2xx is not
reflected in the stored project afterwards.

Both state the version they read (the progress body's ``version``; the edit's ``If-Match`` in half the
rounds, none in the other half): one may be refused (409/412, nothing written) when the other wrote
first; neither may be answered 2xx and then undone.
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from facilities.models import ConversionProject, ProgressUpdate
from tests.conftest import requires_postgres
from tests.races import no_throttling, ok, race

ROUNDS = 40


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_progress_update_and_project_edit_lose_nothing(world, settings):
    no_throttling(settings)
    project = world.a.project
    url = f"/api/v1/conversions/{project.pk}/"
    today = timezone.localdate().isoformat()
    lost, refused = 0, 0
    for n in range(ROUNDS):
        read = ConversionProject.objects.get(pk=project.pk)
        percent = read.percent_complete + Decimal("0.5")
        contractor, budget = f"Contractor {n}", Decimal(2_000_000 + n)
        headers = {"HTTP_IF_MATCH": f'"{read.version}"'} if n % 2 else {}

        def progress(read=read, percent=percent, n=n):
            client = APIClient()
            client.force_authenticate(world.users["editor_a"])
            body = {
                "version": read.version,
                "date": today,
                "status": "construction",
                "percent_complete": str(percent),
                "budget_spent_kzt": str(read.budget_spent_kzt),
                "note": f"round {n}",
            }
            return client.post(url + "progress/", body, format="json")

        def edit(contractor=contractor, budget=budget, headers=headers):
            client = APIClient()
            client.force_authenticate(world.users["admin"])
            body = {"contractor": contractor, "budget_planned_kzt": str(budget)}
            return client.patch(url, body, format="json", **headers)

        answered_progress, answered_edit = race(progress, edit)
        for answer in (answered_progress, answered_edit):
            assert ok(answer) or answer.status_code in (409, 412), answer
        refused += sum(not ok(a) for a in (answered_progress, answered_edit))
        stored = ConversionProject.objects.get(pk=project.pk)
        logged = ProgressUpdate.objects.filter(project=project, note=f"round {n}").count()
        if ok(answered_progress) and (stored.percent_complete != percent or logged != 1):
            lost += 1
        elif ok(answered_edit) and (stored.contractor, stored.budget_planned_kzt) != (contractor, budget):
            lost += 1
        elif not ok(answered_progress) and logged:
            lost += 1  # refused, yet written
    print(f"\nprogress + project edit, rounds lost: {lost} of {ROUNDS} ({refused} requests refused as stale)")
    assert lost == 0
