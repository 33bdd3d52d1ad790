"""Benchmark: import a generated cell survey of N rows (default 100,000) through the register import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/import_cells.py [ROWS]

Creates a test facility with blocks of 100 cells (in the database named by DATABASE_URL: use a scratch
database), writes the CSV, then times the dry run, the confirmed import and a second import of the same
file (all unchanged), and prints the peak memory (RSS) of the process. Prints figures; asserts nothing.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from cells.models import Cell  # noqa: E402
from facilities.models import Facility, Region, ResidentialBlock  # noqa: E402
from registers import imports  # noqa: E402


def main(rows: int) -> None:
    call_command("migrate", verbosity=0)
    from facilities.services import load_regions

    load_regions()
    user, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    facility, _ = Facility.objects.get_or_create(
        code="BENCH-1", defaults={"kind": "colony", "region": Region.objects.get(code="KZ-35"), "is_demo": True}
    )
    Cell.objects.filter(block__facility=facility).delete()
    blocks = rows // 100
    ResidentialBlock.objects.bulk_create(
        [ResidentialBlock(facility=facility, name=f"B{b:04d}", accommodation_type="cell") for b in range(blocks)],
        ignore_conflicts=True,
    )
    lines = [
        "facility_code;block_name;number;accommodation_type;living_space_m2;design_capacity;occupancy;"
        "occupancy_date;has_sanitary_annex;ceiling_height_m"
    ]
    for n in range(rows):
        single = n % 3 != 0
        lines.append(
            f"BENCH-1;B{n // 100:04d};{n:06d};{'single_occupancy_cell' if single else 'dormitory'};"
            f"{'6,6' if single else '48,0'};{1 if single else 12};{1 if single else 11};01.11.2026;"
            f"{'да' if single else 'нет'};{'' if n % 17 == 0 else '2,7'}"
        )
    data = ("\n".join(lines) + "\n").encode("utf-8")
    print(f"file: {rows} rows, {len(data) / 1e6:.1f} MB")
    for label, confirm in (("dry run", False), ("import", True), ("second import (unchanged)", True)):
        start = time.perf_counter()
        out = imports.check_file("cells", data, user=user)
        if confirm and (out.created or out.updated):
            imports.write(out, user=user, reason="benchmark")
        seconds = time.perf_counter() - start
        print(
            f"{label:<28} {seconds:7.1f} s  created {out.created}, updated {out.updated}, "
            f"unchanged {out.unchanged}, rejected {out.rejected}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) {peak:.0f} MB; cells now {Cell.objects.filter(block__facility=facility).count()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
