"""``python manage.py generate_scale_dataset``: a synthetic estate of any size for benchmarks (PostgreSQL).

The reference size is 2,000 facilities x 25 blocks x 40 cells = 2,000,000 cells. Rows are written by
set-based ``INSERT ... SELECT`` over ``generate_series`` inside PostgreSQL (no row crosses the wire),
with ``setseed`` and parallel query off, so the same seed gives the same rows. Every row is marked
``is_demo`` and every facility code starts with ``SCALE-``: this is never real data.

Spread (per block, then per cell): 60 % dormitory blocks (rooms of 20-80 beds, 1.8-5 m² per bed),
35 % cell blocks (70 % single-occupancy cells of 4.5-8.5 m², 30 % multiple-occupancy cells of 2-6
places), 5 % mixed; about 3 % of each measurement missing; occupancy 60-130 % of design capacity;
97 % of cells in use, 2 % under reconstruction, 1 % decommissioned.

Facilities (set afterwards from ``random.Random(seed)``, so that the blocks and cells are those an earlier
version of this command wrote for the same seed): about 15 % pre-trial centres (security level not
recorded, category mixed, as in the demo); the others in the demo estate's mix of compatibility classes
(CLASS_MIX: ordinary colonies of medium, maximum and minimum security and without a recorded level,
colony-settlements, medical institutions, women's colonies, prisons, juvenile colonies, extreme security).
Facilities are in the 20 regions in turn. Place of residence (``ResidencePopulation`` on COUNT_DATE, by
``bulk_create``): each facility's persons held in its cells in use (``Facility.population``) by home
region, most from its own region (85-97 % in pre-trial centres, 45-90 % elsewhere, as the demo), the rest
spread over the 19 other regions with weights (each region's own weight times a draw per facility), so
that the placement planner (reporting.placement) has a realistic national problem to solve.
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from facilities.models import Facility, Region, ResidencePopulation
from facilities.services import load_regions

PREFIX = "SCALE-"
COUNT_DATE = datetime.date(2026, 11, 1)  # the cells' occupancy date and the place-of-residence counts' date

# The compatibility classes (kind, security level, category) of the facilities other than pre-trial
# centres, with their weights: the demo estate's mix of 65 institutions for imprisonment (demo.estate).
CLASS_MIX = (
    (("colony", "medium", "men"), 25),
    (("colony_settlement", "minimum", "men"), 12),
    (("colony", "maximum", "men"), 7),
    (("colony", "minimum", "men"), 6),
    (("colony", "", "men"), 3),
    (("medical", "mixed", "men"), 3),
    (("colony", "medium", "women"), 3),
    (("prison", "full", "men"), 2),
    (("juvenile", "medium_juvenile", "juveniles"), 1),
    (("colony", "extreme", "men"), 1),
)
PRE_TRIAL_CLASS = ("pre_trial_centre", "", "mixed")
HOME_SHARE = {"pre_trial_centre": (0.85, 0.97)}  # share held in their home region; others DEFAULT_HOME_SHARE
DEFAULT_HOME_SHARE = (0.45, 0.9)


def split_total(rng: random.Random, weights: list[float], total: int) -> list[int]:
    """``total`` (persons) split in proportion to ``weights`` by largest remainder: integers summing to it."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], rng.random()))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def classes_and_residence(seed: int) -> int:
    """Give the SCALE- facilities their classes (CLASS_MIX, pre-trial centres as drawn) and write their
    place-of-residence counts on COUNT_DATE (module docstring); returns the rows written. Deterministic:
    ``random.Random(seed)`` over the facilities in code order."""
    rng = random.Random(seed)
    regions = list(Region.objects.order_by("code").values_list("id", flat=True))
    region_weight = {pk: rng.uniform(0.5, 2.0) for pk in regions}
    classes, weights = zip(*CLASS_MIX, strict=True)
    facilities = list(
        Facility.objects.filter(code__startswith=PREFIX)
        .order_by("code")
        .values_list("id", "kind", "region", "population")
    )
    by_class: dict[tuple, list[int]] = {}
    counts = []
    for pk, kind, region, persons in facilities:
        klass = PRE_TRIAL_CLASS if kind == Facility.Kind.PRE_TRIAL else rng.choices(classes, weights)[0]
        by_class.setdefault(klass, []).append(pk)
        persons = persons or 0
        low, high = HOME_SHARE.get(klass[0], DEFAULT_HOME_SHARE)
        home = round(persons * rng.uniform(low, high))
        others = [r for r in regions if r != region]
        split = split_total(rng, [region_weight[r] * rng.uniform(0.2, 1.0) for r in others], persons - home)
        for home_region, n in [(region, home), *zip(others, split, strict=True)]:
            if n:
                counts.append(
                    ResidencePopulation(
                        facility_id=pk, home_region_id=home_region, date=COUNT_DATE, persons=n, is_demo=True
                    )
                )
    for (kind, level, category), ids in by_class.items():
        Facility.objects.filter(pk__in=ids).update(kind=kind, security_level=level, category=category)
    ResidencePopulation.objects.bulk_create(counts, batch_size=5000)
    return len(counts)


def generate(facilities: int, blocks_per_facility: int, cells_per_block: int, seed: int = 20261129) -> dict:
    """Write the synthetic estate; returns ``{"facilities", "blocks", "cells", "residence_counts", "seconds"}``
    (``residence_counts``: ResidencePopulation rows).

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
                longitude, source, publish_detail, is_demo, version)
            SELECT %(prefix)s || lpad(g::text, 5, '0'), 'Scale test facility ' || g, '', '',
                   CASE WHEN random() < 0.85 THEN 'colony' ELSE 'pre_trial_centre' END,
                   (ARRAY['minimum', 'medium', 'maximum', 'medium'])[1 + floor(random() * 4)::int],
                   (%(regions)s::bigint[])[1 + (g - 1) %% %(n_regions)s], '', 1930 + floor(random() * 90)::int,
                   'operating', 'men', NULL, NULL, NULL, NULL, NULL, '', true, true, 1
            FROM generate_series(1, %(n)s) g ORDER BY g
        """,
            {"prefix": PREFIX, "regions": regions, "n_regions": len(regions), "n": facilities},
        )
        cursor.execute(
            """
            INSERT INTO facilities_residentialblock (facility_id, name, name_ru, name_kk, year_built, floors,
                accommodation_type, is_demo, version)
            SELECT f.id, 'Block ' || g, '', '', f.year_built, 1 + floor(random() * 4)::int,
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
        residence = classes_and_residence(seed)
    with connection.cursor() as cursor:
        for table in (
            "facilities_facility",
            "facilities_residentialblock",
            "cells_cell",
            "facilities_residencepopulation",
        ):
            cursor.execute(f"ANALYZE {table}")
    return {
        "facilities": facilities,
        "blocks": facilities * blocks_per_facility,
        "cells": cells,
        "residence_counts": residence,
        "seconds": round(time.perf_counter() - started, 1),
    }


def delete_scale_rows() -> None:
    """Remove every SCALE- facility with its blocks, cells, block figures, snapshots and place-of-residence
    counts (set-based)."""
    with transaction.atomic(), connection.cursor() as cursor:
        scale = "SELECT id FROM facilities_facility WHERE code LIKE 'SCALE-%%'"
        blocks = f"SELECT id FROM facilities_residentialblock WHERE facility_id IN ({scale})"
        cursor.execute(f"DELETE FROM cells_blockcompliance WHERE block_id IN ({blocks})")
        cursor.execute(f"DELETE FROM cells_blocktotals WHERE block_id IN ({blocks})")
        cursor.execute(f"DELETE FROM cells_compliancesnapshot WHERE scope = 'facility' AND object_id IN ({scale})")
        cursor.execute(f"DELETE FROM facilities_residencepopulation WHERE facility_id IN ({scale})")
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
            f"{result['facilities']} facilities, {result['blocks']} blocks, {result['cells']} cells, "
            f"{result['residence_counts']} place-of-residence counts in {result['seconds']} s (generated data, codes {PREFIX}*)."
        )
