"""Benchmark (prints figures, asserts nothing): a 100,000-row cell survey through the register import, as
the pages and the API run it (registers.services.upload, then process: dry run, then confirm).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imports_bench .venv/bin/python bench/imports.py [ROWS]

Uses the database named by DATABASE_URL (a scratch one: it is migrated, and the cells of the facility
BENCH-IMP are deleted first). Generates a CSV of ROWS (default 100,000) new cells in blocks of 100, then
runs, each in its own process so that each peak memory (RSS) is its own:

1. the dry run of the file (nothing written);
2. the confirm of that checked import (the rows written, with history);
3. the dry run and 4. the confirm of a second file of the same rows with another living space and count
   (every row an update).

The compliance recompute that a confirm schedules is not run (it is timed by bench/run.py).
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imports_bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

CODE = "BENCH-IMP"
HEADER = (
    "facility_code;block_name;number;accommodation_type;living_space_m2;design_capacity;occupancy;"
    "occupancy_date;has_sanitary_annex;ceiling_height_m"
)


def cells_file(rows: int, update: bool = False) -> bytes:
    """A cell survey of ``rows`` cells in blocks of 100 (``update``: another living space and count)."""
    lines = [HEADER]
    for n in range(rows):
        single = n % 3 != 0
        space = ("6,8" if update else "6,6") if single else ("50,0" if update else "48,0")
        count = (0 if update else 1) if single else (10 if update else 11)
        lines.append(
            f"{CODE};B{n // 100:04d};{n:06d};{'single_occupancy_cell' if single else 'dormitory'};"
            f"{space};{1 if single else 12};{count};01.11.2026;"
            f"{'да' if single else 'нет'};{'' if n % 17 == 0 else '2,7'}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def setup(rows: int) -> int:
    """Migrate, create the user, the facility and its blocks (no cells); returns the user's id."""
    from cells.models import Cell
    from cells.services import load_standards
    from facilities.models import Facility, Region, ResidentialBlock
    from facilities.services import load_regions

    call_command("migrate", verbosity=0)
    load_regions()
    load_standards()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-imports", defaults={"is_superuser": True, "is_staff": True}
    )
    facility, _ = Facility.objects.get_or_create(
        code=CODE, defaults={"kind": "colony", "region": Region.objects.get(code="KZ-35"), "is_demo": True}
    )
    Cell.objects.filter(block__facility=facility).delete()
    ResidentialBlock.objects.bulk_create(
        [ResidentialBlock(facility=facility, name=f"B{b:04d}", accommodation_type="cell") for b in range(rows // 100)],
        ignore_conflicts=True,
    )
    return user.pk


def phase(name: str, argument: str) -> None:
    """One timed step in this process; prints a JSON line with the figures."""
    import cells.services
    from registers import services
    from registers.models import ImportRecord

    cells.services.schedule_recalculation = lambda *facilities: None  # not timed here
    user = get_user_model().objects.get(username="bench-imports")
    start = time.perf_counter()
    if name == "dry":
        record = services.process(ImportRecord.objects.get(pk=int(argument)))
    else:
        record = services.process(ImportRecord.objects.get(pk=int(argument)), confirm=True, user=user)
    seconds = time.perf_counter() - start
    record.refresh_from_db()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "rss_mb": peak_rss_mb(),
                "status": record.status,
                "rows": record.rows,
                "created": record.created,
                "updated": record.updated,
                "message": record.message,
            }
        )
    )


def peak_rss_mb() -> int:
    """This process's peak RSS in MB: VmHWM, which exec resets (ru_maxrss keeps the parent's RSS at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_phase(name: str, argument: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--phase", name, argument], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(rows: int) -> None:
    from registers import services

    user_id = setup(rows)
    data = cells_file(rows)
    record = services.upload(
        user=get_user_model().objects.get(pk=user_id), kind="cells", file_name="cells.csv", data=data
    )
    print(f"cell survey: {rows} rows, {len(data) / 1e6:.1f} MB; database {os.environ['DATABASE_URL']}")
    results = [
        ("dry run (rows new)", run_phase("dry", str(record.pk))),
        ("confirm (rows created)", run_phase("confirm", str(record.pk))),
    ]
    user = get_user_model().objects.get(pk=user_id)
    update = services.upload(user=user, kind="cells", file_name="cells-2.csv", data=cells_file(rows, update=True))
    results += [
        ("dry run (every row an update)", run_phase("dry", str(update.pk))),
        ("confirm (rows updated)", run_phase("confirm", str(update.pk))),
    ]
    print(f"| {'step':<40} | time (s) | peak RSS (MB) | outcome |")
    print(f"|{'-' * 42}|---------:|--------------:|---------|")
    for label, figures in results:
        outcome = f"{figures['status']}: {figures['created']} created, {figures['updated']} updated"
        print(f"| {label:<40} | {figures['seconds']:>8} | {figures['rss_mb']:>13} | {outcome} |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        phase(sys.argv[2], sys.argv[3])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
