"""Helpers (not tests) of the compliance run's fault tests (tests/cells/test_faults.py,
tests/cells/test_stopped_runs.py): a small estate, what a run writes, the run lock held by another
session, and a real worker that pauses in the middle of a run (tests/cells/fault_worker.py)."""

import contextlib
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from django.db import connection

from cells.models import BlockCompliance, Cell, ComplianceSnapshot
from cells.services import RUN_LOCK
from core.locks import lock_key
from tests.factories import BlockFactory, CellFactory, FacilityFactory

ROOT = Path(__file__).resolve().parents[2]


def build_estate():
    """Two facilities in two regions: single cells (compliant, too small, unknown ceiling) and dormitories."""
    for code, region in (("F-A", "KZ-35"), ("F-B", "KZ-71")):
        facility = FacilityFactory(code=code, region__code=region)
        cells = BlockFactory(facility=facility, name="Cells", accommodation_type="cell")
        dorm = BlockFactory(facility=facility, name="Dormitory")
        CellFactory.create_batch(4, block=cells)
        CellFactory(block=cells, number="small", living_space_m2=Decimal("5.5"))
        CellFactory(block=cells, number="dark", ceiling_height_m=None)
        CellFactory(
            block=dorm,
            number="D1",
            accommodation_type="dormitory",
            living_space_m2=Decimal("80"),
            design_capacity=20,
            occupancy=24,
            has_sanitary_annex=False,
        )


def change_some_cells():
    """Edits that give an incremental run work: a cell shrunk, a headcount changed, a cell added."""
    Cell.objects.filter(number="small", block__facility__code="F-A").update(living_space_m2=Decimal("7.5"))
    Cell.objects.filter(number="D1", block__facility__code="F-B").update(occupancy=30)
    CellFactory(block=BlockFactory(facility=FacilityFactory(code="F-C", region__code="KZ-35")), number="new")


def tables() -> dict:
    """The full contents of what a run writes (results, snapshots, the cells' evaluation fingerprints),
    without surrogate ids and timestamps, as sorted lists of tuples."""
    return {
        "results": sorted(
            Cell.objects.filter(evaluated_outcomes__isnull=False)
            .values_list("id", "evaluated_outcomes", "evaluated_revision")
            .order_by()
        ),
        "blocks": sorted(
            BlockCompliance.objects.with_totals()
            .values_list(
                "block_id",
                "profile_id",
                "persons",
                "places",
                "persons_compliant",
                "persons_in_single_cells",
                "cells",
                "cells_compliant",
                "cells_non_compliant",
                "cells_unknown",
            )
            .order_by()
        ),
        "snapshots": sorted(
            ComplianceSnapshot.objects.values_list(
                "date",
                "profile_id",
                "scope",
                "object_id",
                "persons",
                "places",
                "persons_compliant",
                "persons_in_single_cells",
                "cells",
                "cells_compliant",
                "cells_non_compliant",
                "cells_unknown",
                "is_reconstructed",
            ).order_by()
        ),
        "fingerprints": sorted(
            Cell.objects.values_list(
                "pk",
                "evaluated_outcomes",
                "evaluated_revision",
                "evaluated_block_id",
                "evaluated_persons",
                "evaluated_places",
                "evaluated_single",
            ).order_by()
        ),
    }


@contextlib.contextmanager
def lock_held_elsewhere():
    """The run lock held by another database session (another process's run), on PostgreSQL."""
    import psycopg2

    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"],
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
    )
    try:
        with other.cursor() as cursor:  # psycopg2 opens a transaction: the lock lasts until the rollback
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(RUN_LOCK)])
            assert cursor.fetchone()[0] is True
        yield
    finally:
        other.rollback()
        other.close()


def start_worker(env, name, log, pause_file, pool="solo"):
    """A worker (tests/cells/fault_worker.py; ``pool`` solo, or prefork: a main process and one child) whose
    first run pauses in the middle for 300 s."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.cells.fault_worker",
            str(pause_file),
            "300",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=info",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def clear_broker():
    """Empty the queue and kombu's record of unacknowledged messages (a message left by an earlier,
    aborted test would be delivered again here)."""
    import redis

    from roadmap_portal.celery import app

    app.control.purge()
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).delete("unacked", "unacked_index", "unacked_mutex")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
