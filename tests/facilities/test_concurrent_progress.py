"""Two hundred concurrent progress updates to twenty conversion projects over real HTTP (the live test
server: one thread and one PostgreSQL connection per request) lose none.

Each client reads the project (its ``version`` and figures), sends an update raising the figures by one
step, and on 409 (someone saved since: the optimistic version check under SELECT ... FOR UPDATE) reads
again and retries, as the API asks clients to. Every update must then be in the project's log exactly
once and the project's final figures equal its last logged update.
"""

import datetime
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.utils import timezone

from core.tokens import issue_token
from facilities.models import ConversionProject, ProgressUpdate
from tests.conftest import make_user, requires_postgres
from tests.factories import BlockFactory, FacilityFactory

PROJECTS, UPDATES_PER_PROJECT, CLIENTS = 20, 10, 16


def _call(method, url, token, body=None):
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_progress_updates_lose_none(live_server, standards, regions):
    facility = FacilityFactory(code="LOAD-1", region__code="KZ-35")
    projects = [
        ConversionProject.objects.create(
            block=BlockFactory(facility=facility, name=f"Block {n}"),
            status="construction",
            percent_complete=Decimal("0"),
            budget_spent_kzt=Decimal("0"),
            budget_planned_kzt=Decimal("1000000"),
            actual_start=datetime.date(2025, 1, 1),
        )
        for n in range(PROJECTS)
    ]
    token = issue_token(make_user("load_editor", "Ministry editors", regions=["KZ-35"]))[1]
    today = timezone.localdate().isoformat()
    jobs = [(project.pk, n) for n in range(UPDATES_PER_PROJECT) for project in projects]
    random.Random(7).shuffle(jobs)  # clients collide on a project now and then, in a repeatable order
    outcomes, retries, lock = Counter(), Counter(), threading.Lock()

    def update(job):
        project_id, n = job
        url = f"{live_server.url}/api/v1/conversions/{project_id}/"
        for _attempt in range(100):
            status, current = _call("GET", url, token)
            assert status == 200, current
            body = {
                "version": current["version"],
                "date": today,
                "status": "construction",
                "percent_complete": str(Decimal(current["percent_complete"]) + Decimal("0.5")),
                "budget_spent_kzt": str(Decimal(current["budget_spent_kzt"]) + 1000),
                "note": f"client update {project_id}/{n}",
            }
            status, answer = _call("POST", url + "progress/", token, body)
            with lock:
                outcomes[status] += 1
                if status == 409:
                    retries[project_id] += 1
            if status == 201:
                return
            assert status == 409, (status, answer)
            assert "was changed by" in answer["detail"] and answer["version"] > body["version"]
        raise AssertionError(f"update {job} did not get through in 100 attempts")

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(update, jobs))
    seconds = time.monotonic() - started

    assert outcomes[201] == PROJECTS * UPDATES_PER_PROJECT and set(outcomes) <= {201, 409}
    assert outcomes[409] > 0  # the clients did collide (the fixed shuffle makes this repeatable)
    for project in projects:
        project.refresh_from_db()
        log = list(ProgressUpdate.objects.filter(project=project).order_by("id"))
        assert Counter(u.note for u in log) == Counter(
            f"client update {project.pk}/{n}" for n in range(UPDATES_PER_PROJECT)
        )  # each exactly once
        assert [u.percent_complete for u in log] == [Decimal("0.5") * k for k in range(1, UPDATES_PER_PROJECT + 1)]
        last = log[-1]
        assert (project.percent_complete, project.budget_spent_kzt) == (last.percent_complete, last.budget_spent_kzt)
        assert project.percent_complete == Decimal("5.0") and project.budget_spent_kzt == Decimal("10000")
        assert project.version == 1 + UPDATES_PER_PROJECT
    print(
        f"\n{outcomes[201]} updates from {CLIENTS} clients in {seconds:.1f} s "
        f"({outcomes[201] / seconds:.0f}/s), {outcomes[409]} answered 409 and retried "
        f"(max {max(retries.values(), default=0)} for one project)"
    )
