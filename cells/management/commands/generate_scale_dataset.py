"""``python manage.py generate_scale_dataset``: a synthetic estate of any size for benchmarks (PostgreSQL).

The reference size is 2,000 facilities x 25 blocks x 40 cells = 2,000,000 cells. Rows are written by
set-based ``INSERT ... SELECT`` over ``generate_series`` inside PostgreSQL (no row crosses the wire),
with ``setseed`` and parallel query off, so the same seed gives the same rows. Every row is marked
``is_demo`` and every facility code starts with ``SCALE-``: this is never real data.

Spread (per block, then per cell): 60 % dormitory blocks (rooms of 20-80 beds, 1.8-5 m² per bed),
35 % cell blocks (70 % single-occupancy cells of 4.5-8.5 m², 30 % multiple-occupancy cells of 2-6
places), 5 % mixed; about 3 % of each measurement missing; occupancy 60-130 % of design capacity;
97 % of cells in use, 2 % under reconstruction, 1 % decommissioned.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from facilities.models import Region
from facilities.services import load_regions

PREFIX = "SCALE-"


def generate(facilities: int, blocks_per_facility: int, cells_per_block: int, seed: int = 20261129) -> dict:
    """Write the synthetic estate; returns ``{"facilities", "blocks", "cells", "seconds"}``.

    Raises CommandError when the database is not PostgreSQL or SCALE- facilities already exist.
    """
    if connection.vendor != "postgresql":
        raise CommandError("generate_scale_dataset needs PostgreSQL (set DATABASE_URL=postgres://...).")
    if not Region.objects.exists():
        load_regions()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM facilities_facility WHERE code LIKE %s", [PREFIX + "%"])
        if cursor.fetchone()[0]:
            raise CommandError("SCALE- facilities exist already; use a fresh database (or --replace).")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # one random() stream: reproducible
        cursor.execute("SELECT setseed(%s)", [(seed % 2_000_000) / 2_000_000])
        cursor.execute("SELECT id FROM facilities_region ORDER BY code")
        regions = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            INSERT INTO facilities_facility (code, name_en, name_ru, name_kk, kind, security_level, region_id,
                locality, year_built, status, category, design_capacity, population, population_date, latitude,
                longitude, source, is_demo, version)
            SELECT %(prefix)s || lpad(g::text, 5, '0'), 'Scale test facility ' || g, '', '',
                   CASE WHEN random() < 0.85 THEN 'colony' ELSE 'pre_trial_centre' END,
                   (ARRAY['minimum', 'medium', 'maximum', 'medium'])[1 + floor(random() * 4)::int],
                   (%(regions)s::bigint[])[1 + (g - 1) %% %(n_regions)s], '', 1930 + floor(random() * 90)::int,
                   'operating', 'men', NULL, NULL, NULL, NULL, NULL, '', true, 1
            FROM generate_series(1, %(n)s) g ORDER BY g
        """,
            {"prefix": PREFIX, "regions": regions, "n_regions": len(regions), "n": facilities},
        )
        cursor.execute(
            """
            INSERT INTO facilities_residentialblock (facility_id, name, year_built, floors, accommodation_type, is_demo,
                version)
            SELECT f.id, 'Block ' || g, f.year_built, 1 + floor(random() * 4)::int,
                   CASE WHEN r < 0.60 THEN 'dormitory' WHEN r < 0.95 THEN 'cell' ELSE 'mixed' END, true, 1
            FROM (SELECT id, year_built FROM facilities_facility WHERE code LIKE %(like)s ORDER BY id) f
            CROSS JOIN generate_series(1, %(b)s) g
            CROSS JOIN LATERAL (SELECT random() + g * 0 AS r) x
            ORDER BY f.id, g
        """,
            {"like": PREFIX + "%", "b": blocks_per_facility},
        )
        cursor.execute(
            """
            INSERT INTO cells_cell (block_id, number, accommodation_type, living_space_m2, design_capacity, occupancy,
                occupancy_date, has_sanitary_annex, sanitary_annex_partitioned, min_wall_distance_m,
                ceiling_height_m, has_natural_light, status, is_demo, version)
            SELECT block_id, lpad(g::text, 3, '0'), kind,
                   CASE WHEN m1 < 0.03 THEN NULL ELSE round((capacity * per_place)::numeric, 2) END,
                   CASE WHEN m2 < 0.02 AND kind <> 'single_occupancy_cell' THEN NULL ELSE capacity END,
                   CASE WHEN m3 < 0.03 THEN NULL
                        ELSE greatest(0, round(capacity * (0.6 + 0.7 * o)))::int END,
                   DATE '2026-11-01',
                   CASE WHEN m4 < 0.03 THEN NULL ELSE kind <> 'dormitory' AND a < 0.8 END,
                   CASE WHEN m5 < 0.03 THEN NULL ELSE kind <> 'dormitory' AND a < 0.6 END,
                   CASE WHEN m6 < 0.03 THEN NULL ELSE round((1.6 + 1.4 * w)::numeric, 2) END,
                   CASE WHEN m7 < 0.03 THEN NULL ELSE round((2.3 + 0.9 * h)::numeric, 2) END,
                   CASE WHEN m8 < 0.03 THEN NULL ELSE l < 0.9 END,
                   CASE WHEN s < 0.97 THEN 'in_use' WHEN s < 0.99 THEN 'under_reconstruction' ELSE 'decommissioned' END,
                   true, 1
            FROM (
                SELECT b.id AS block_id, g, k.kind,
                       CASE k.kind WHEN 'dormitory' THEN 20 + floor(random() * 61)::int
                                   WHEN 'multiple_occupancy_cell' THEN 2 + floor(random() * 5)::int ELSE 1 END AS capacity,
                       CASE k.kind WHEN 'dormitory' THEN 1.8 + 3.2 * random()
                                   WHEN 'multiple_occupancy_cell' THEN 2.5 + 3.0 * random()
                                   ELSE 4.5 + 4.0 * random() END AS per_place,
                       random() AS o, random() AS a, random() AS w, random() AS h, random() AS l, random() AS s,
                       random() AS m1, random() AS m2, random() AS m3, random() AS m4, random() AS m5,
                       random() AS m6, random() AS m7, random() AS m8
                FROM (SELECT id, accommodation_type FROM facilities_residentialblock
                      WHERE facility_id IN (SELECT id FROM facilities_facility WHERE code LIKE %(like)s) ORDER BY id) b
                CROSS JOIN generate_series(1, %(c)s) g
                CROSS JOIN LATERAL (SELECT CASE
                    WHEN b.accommodation_type = 'dormitory' THEN 'dormitory'
                    WHEN b.accommodation_type = 'cell' AND random() + g * 0 < 0.7 THEN 'single_occupancy_cell'
                    WHEN b.accommodation_type = 'cell' THEN 'multiple_occupancy_cell'
                    ELSE (ARRAY['dormitory', 'single_occupancy_cell', 'multiple_occupancy_cell'])[1 + floor(random() * 3)::int]
                    END AS kind) k
                ORDER BY b.id, g
            ) x
        """,
            {"like": PREFIX + "%", "c": cells_per_block},
        )
        cells = cursor.rowcount
        # Certified for its design capacity, as the baseline of every cell on the record (migration cells 0018).
        cursor.execute(
            """
            UPDATE cells_cell SET certified_capacity = design_capacity
            WHERE status IN ('in_use', 'under_reconstruction')
              AND block_id IN (SELECT b.id FROM facilities_residentialblock b JOIN facilities_facility f
                               ON f.id = b.facility_id WHERE f.code LIKE %s)
        """,
            [PREFIX + "%"],
        )
        cursor.execute(
            """
            UPDATE facilities_facility f SET design_capacity = t.places, population = t.persons,
                   population_date = DATE '2026-11-01'
            FROM (SELECT b.facility_id, sum(c.design_capacity) places, sum(c.occupancy) persons
                  FROM cells_cell c JOIN facilities_residentialblock b ON b.id = c.block_id
                  WHERE c.status = 'in_use' GROUP BY b.facility_id) t
            WHERE f.id = t.facility_id AND f.code LIKE %s
        """,
            [PREFIX + "%"],
        )
    with connection.cursor() as cursor:
        for table in ("facilities_facility", "facilities_residentialblock", "cells_cell"):
            cursor.execute(f"ANALYZE {table}")
    return {
        "facilities": facilities,
        "blocks": facilities * blocks_per_facility,
        "cells": cells,
        "seconds": round(time.perf_counter() - started, 1),
    }


def delete_scale_rows() -> None:
    """Remove every SCALE- facility with its blocks, cells, block figures and snapshots (set-based)."""
    with transaction.atomic(), connection.cursor() as cursor:
        scale = "SELECT id FROM facilities_facility WHERE code LIKE 'SCALE-%%'"
        blocks = f"SELECT id FROM facilities_residentialblock WHERE facility_id IN ({scale})"
        cursor.execute(f"DELETE FROM cells_blockcompliance WHERE block_id IN ({blocks})")
        cursor.execute(f"DELETE FROM cells_blocktotals WHERE block_id IN ({blocks})")
        cursor.execute(f"DELETE FROM cells_compliancesnapshot WHERE scope = 'facility' AND object_id IN ({scale})")
        cursor.execute(f"DELETE FROM cells_cell WHERE block_id IN ({blocks})")
        cursor.execute(f"DELETE FROM facilities_residentialblock WHERE facility_id IN ({scale})")
        cursor.execute("DELETE FROM facilities_facility WHERE code LIKE 'SCALE-%%'")


class Command(BaseCommand):
    help = (
        "Generate a synthetic estate for benchmarks on PostgreSQL (default: the reference size, 2,000 "
        "facilities x 25 blocks x 40 cells = 2,000,000 cells). Rows are marked as generated demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--facilities", type=int, default=2000)
        parser.add_argument("--blocks-per-facility", type=int, default=25)
        parser.add_argument("--cells-per-block", type=int, default=40)
        parser.add_argument("--seed", type=int, default=20261129)
        parser.add_argument("--replace", action="store_true", help="delete earlier SCALE- rows first")

    def handle(self, *args, facilities, blocks_per_facility, cells_per_block, seed, replace, **options):
        for name, value in (
            ("facilities", facilities),
            ("blocks-per-facility", blocks_per_facility),
            ("cells-per-block", cells_per_block),
        ):
            if not 1 <= value <= 1_000_000:
                raise CommandError(f"--{name} must be between 1 and 1,000,000 (got {value}).")
        if replace:
            delete_scale_rows()
        result = generate(facilities, blocks_per_facility, cells_per_block, seed)
        self.stdout.write(
            f"{result['facilities']} facilities, {result['blocks']} blocks, {result['cells']} cells "
            f"in {result['seconds']} s (generated data, codes {PREFIX}*)."
        )
