"""Benchmark: concurrent writers against one residential block (issue 24). Not a test: prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/writes.py [SECONDS] [WRITERS]

In the database named by DATABASE_URL (PostgreSQL; use a scratch database: it is migrated and gets a
facility ``BENCH-W``), WRITERS threads (default 8), each on its own connection, write for SECONDS (default
30) through the services the API and the pages call:

- headcounts (cells.services.update_headcount), each writer its own share of the block's cells;
- cell PATCHes of one field (cells.services.save_cell with only that field), each writer its own field
  on every cell of the block, so that they collide with the headcounts and with each other on every row;
- finding status moves (inspections.services.change_finding_status: open -> in progress -> resolved ->
  open), each writer its own finding of the facility.

The share is 3 : 3 : 2 of the writers (headcounts : PATCHes : moves). One more thread plays the Celery worker:
it recomputes the facility's compliance while writes are pending (every fifth run a full one, which locks
the cells' table in SHARE mode), as the recompute the writes schedule would.

Prints writes per second, p50/p95 latency (ms) per kind and overall, deadlocks, other errors, and lost
updates: a (cell, field) or finding whose stored value at the end is not the last value its only writer
wrote successfully (or whose history misses a move). Expect 0 deadlocks and 0 lost updates.
"""

import datetime
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection  # noqa: E402

from cells import services as cell_services  # noqa: E402
from cells.compliance.run import recalculate_compliance  # noqa: E402
from cells.models import Cell  # noqa: E402
from facilities.models import Facility, Region, ResidentialBlock  # noqa: E402
from inspections import services as inspection_services  # noqa: E402
from inspections.models import Finding, FindingUpdate, Inspection  # noqa: E402

CELLS = 24
FIELDS = ("living_space_m2", "ceiling_height_m", "min_wall_distance_m")
MOVES = {"open": "in_progress", "in_progress": "resolved", "resolved": "open"}


def setup():
    """The facility BENCH-W with one block of CELLS single cells, an inspection with one finding per
    writer, and an administrator (who may make every move). Returns (user, block, findings)."""
    call_command("migrate", verbosity=0)
    from cells.services import load_standards
    from facilities.services import load_regions

    load_regions()
    load_standards()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-writer", defaults={"is_superuser": True, "is_staff": True}
    )
    Inspection.objects.filter(facility__code="BENCH-W").delete()
    Facility.objects.filter(code="BENCH-W").delete()
    facility = Facility.objects.create(
        code="BENCH-W", kind="colony", region=Region.objects.get(code="KZ-35"), name_en="Bench writes", is_demo=True
    )
    block = ResidentialBlock.objects.create(facility=facility, name="W", accommodation_type="cell")
    for n in range(CELLS):
        Cell.objects.create(
            block=block,
            number=f"W{n:03d}",
            accommodation_type="single_occupancy_cell",
            design_capacity=1,
            occupancy=1,
            occupancy_date=datetime.date(2026, 1, 1),
            living_space_m2=Decimal("6.60"),
            ceiling_height_m=Decimal("2.70"),
            min_wall_distance_m=Decimal("2.20"),
            has_sanitary_annex=True,
            sanitary_annex_partitioned=True,
            has_natural_light=True,
        )
    inspection = Inspection.objects.create(
        facility=facility, body="prosecutor", type="scheduled", date_start=datetime.date(2026, 1, 10), summary="bench"
    )
    return user, block, inspection


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)  # kind -> seconds
        self.deadlocks = 0
        self.errors = defaultdict(int)
        self.last = {}  # (kind, key) -> last value written successfully
        self.moves = defaultdict(int)  # finding id -> successful moves

    def done(self, kind, seconds, key=None, value=None):
        with self.lock:
            self.latency[kind].append(seconds)
            if key is not None:
                self.last[(kind, key)] = value

    def failed(self, error):
        with self.lock:
            if isinstance(error, OperationalError) and "deadlock" in str(error):
                self.deadlocks += 1
            else:
                self.errors[f"{type(error).__name__}: {str(error)[:80]}"] += 1


def main(seconds: float, writers: int) -> None:
    user, block, inspection = setup()
    cells = list(block.cells.order_by("id"))
    today = timezone.localdate()
    stats = Stats()
    dirty = threading.Event()
    stop = time.monotonic() + seconds
    cell_services.schedule_recalculation = lambda *ids: dirty.set()  # the worker thread below recomputes
    kinds = ["headcount"] * 3 + ["patch"] * 3 + ["move"] * 2
    kinds = (kinds * (writers // len(kinds) + 1))[:writers]
    plan = []
    for index, kind in enumerate(kinds):
        rank = kinds[:index].count(kind)
        if kind == "move":
            finding = Finding.objects.create(
                inspection=inspection, description=f"bench finding {index}", severity="medium", status="open"
            )
            plan.append((kind, finding.pk))
        else:
            plan.append((kind, rank))
    headcounters = kinds.count("headcount")

    def writer(kind, arg, seed):
        rng = random.Random(seed)
        try:
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    if kind == "headcount":
                        cell = rng.choice([c for i, c in enumerate(cells) if i % headcounters == arg])
                        persons = rng.randint(0, 3)
                        cell_services.update_headcount(user=user, cell=cell, occupancy=persons, occupancy_date=today)
                        stats.done(kind, time.perf_counter() - started, (cell.pk, "occupancy"), persons)
                    elif kind == "patch":
                        cell, field = rng.choice(cells), FIELDS[arg % len(FIELDS)]
                        value = Decimal(rng.randint(250, 900)) / 100
                        cell_services.save_cell(user=user, data={field: value}, cell=cell)
                        stats.done(kind, time.perf_counter() - started, (cell.pk, field), value)
                    else:
                        finding = Finding.objects.get(pk=arg)
                        target = MOVES[finding.status]
                        inspection_services.change_finding_status(
                            user=user, finding=finding, status=target, response="bench response"
                        )
                        stats.done(kind, time.perf_counter() - started, (arg, "status"), target)
                        with stats.lock:
                            stats.moves[arg] += 1
                except Exception as error:  # counted and printed; the benchmark goes on
                    stats.failed(error)
        finally:
            connection.close()

    def worker():
        runs = 0
        try:
            while time.monotonic() < stop:
                if not dirty.wait(0.2):
                    continue
                dirty.clear()
                runs += 1
                try:
                    recalculate_compliance(facility_id=block.facility_id, trigger="edit", full=runs % 5 == 0)
                except Exception as error:
                    stats.failed(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(kind, arg, n)) for n, (kind, arg) in enumerate(plan)]
    threads.append(threading.Thread(target=worker))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    lost = 0
    stored = {c.pk: c for c in Cell.objects.filter(block=block)}
    for (kind, key), value in stats.last.items():
        if kind == "move":
            finding = Finding.objects.get(pk=key[0])
            updates = FindingUpdate.objects.filter(finding=finding).count()
            lost += finding.status != value or updates != stats.moves[key[0]]
        else:
            lost += getattr(stored[key[0]], key[1]) != value
    every = [s for values in stats.latency.values() for s in values]

    def line(label, values):
        if not values:
            return f"{label:<11} {0:>7}"
        q = statistics.quantiles(values, n=20) if len(values) > 1 else [values[0]] * 19
        return (
            f"{label:<11} {len(values):>7} {len(values) / elapsed:>8.1f}/s  p50 {statistics.median(values) * 1000:7.1f} ms"
            f"  p95 {q[18] * 1000:7.1f} ms"
        )

    print(f"{writers} writers, {elapsed:.1f} s, one block of {CELLS} cells (PostgreSQL {connection.pg_version})")
    print(f"{'kind':<11} {'writes':>7} {'rate':>10}")
    for kind in ("headcount", "patch", "move"):
        print(line(kind, stats.latency[kind]))
    print(line("all", every))
    print(f"deadlocks {stats.deadlocks}; lost updates {lost}; other errors {sum(stats.errors.values())}")
    for message, count in sorted(stats.errors.items()):
        print(f"  {count} x {message}")


if __name__ == "__main__":
    main(
        float(sys.argv[1]) if len(sys.argv) > 1 else 30.0,
        int(sys.argv[2]) if len(sys.argv) > 2 else 8,
    )
