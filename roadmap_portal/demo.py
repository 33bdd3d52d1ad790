"""Deterministic demo dataset of Kazakhstan's penitentiary estate, calibrated to data/kz_estate.json.

Published aggregates it reproduces (data/kz_estate.json, "2024 (reported)"): 62 institutions for
imprisonment holding 32,000 convicts and 16 pre-trial centres holding 5,000 persons on remand;
Karaganda (KZ-35) with 11 institutions and East Kazakhstan with Abai (KZ-63 + KZ-10) with 12;
dormitories of 40 to 80 beds; 8 institutions reconstructed into cells with an in-cell sanitary unit
and about 6.6 m² per person (KUIS, 2015); conversion projects in every state of the workflow.
The known institutions keep their real codes and states; every generated figure is marked is_demo.

``build_dataset()`` returns plain dicts (no database access), so the same seed always gives the same
rows; ``seed_demo`` writes them idempotently by natural keys.
"""

import datetime
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings

SEED = 20261129
COUNT_DATE = datetime.date(2026, 11, 1)
CONVICTS = 32_000
REMAND = 5_000

# Institutions for imprisonment per region (62 in all, known institutions included).
IMPRISONMENT_PER_REGION = {
    "KZ-35": 11,
    "KZ-63": 6,
    "KZ-10": 6,
    "KZ-11": 4,
    "KZ-15": 2,
    "KZ-19": 3,
    "KZ-23": 1,
    "KZ-27": 2,
    "KZ-31": 3,
    "KZ-33": 1,
    "KZ-39": 3,
    "KZ-43": 2,
    "KZ-47": 1,
    "KZ-55": 4,
    "KZ-59": 3,
    "KZ-61": 2,
    "KZ-62": 1,
    "KZ-71": 2,
    "KZ-75": 3,
    "KZ-79": 2,
}
# Pre-trial centres: one in 16 regions.
PRE_TRIAL_REGIONS = [
    "KZ-11",
    "KZ-15",
    "KZ-19",
    "KZ-23",
    "KZ-27",
    "KZ-31",
    "KZ-35",
    "KZ-39",
    "KZ-43",
    "KZ-47",
    "KZ-55",
    "KZ-59",
    "KZ-63",
    "KZ-71",
    "KZ-75",
    "KZ-79",
]

# Known institutions (data/kz_estate.json, known_institutions) mapped to the portal's vocabulary.
KNOWN = [
    {
        "code": "АК-159/7",
        "region": "KZ-35",
        "locality": "Dolinka",
        "status": "operating",
        "kind": "colony",
        "security_level": "medium",
        "note": "former Karlag site",
    },
    {
        "code": "No. 34",
        "region": "KZ-35",
        "locality": "",
        "status": "operating",
        "kind": "colony",
        "security_level": "",
    },
    {
        "code": "No. 22",
        "region": "KZ-63",
        "locality": "Oskemen",
        "status": "operating",
        "kind": "colony",
        "security_level": "",
    },
    {
        "code": "ЛА-155/6",
        "region": "KZ-75",
        "locality": "Almaty",
        "status": "operating",
        "kind": "juvenile",
        "security_level": "medium_juvenile",
        "category": "juveniles",
    },
    {
        "code": "No. 19",
        "region": "KZ-10",
        "locality": "",
        "status": "closing",
        "kind": "colony",
        "security_level": "",
        "note": "being repurposed",
    },
    {
        "code": "УК-161/4",
        "region": "KZ-39",
        "locality": "Kushmurun",
        "status": "closed",
        "kind": "colony",
        "security_level": "medium",
        "note": "closed in 2020",
    },
    {
        "code": "ОВ-156/17",
        "region": "KZ-63",
        "locality": "Shuak",
        "status": "closed",
        "kind": "colony",
        "security_level": "medium",
        "note": "closed in 2020",
    },
]

PROJECT_PLAN = [  # status of each demo conversion project, in order (every state of the workflow)
    "completed",
    "completed",
    "completed",
    "commissioning",
    "commissioning",
    "construction",
    "construction",
    "construction",
    "construction",
    "procurement",
    "procurement",
    "procurement",
    "design",
    "design",
    "design",
    "planned",
    "planned",
    "planned",
    "planned",
    "suspended",
    "suspended",
    "cancelled",
]
FLOW = ["planned", "design", "procurement", "construction", "commissioning", "completed"]
PERCENT = {
    "planned": 0,
    "design": 8,
    "procurement": 15,
    "construction": 55,
    "commissioning": 95,
    "completed": 100,
    "cancelled": 5,
}

KIND_NAMES = {
    "colony": ("correctional colony", "исправительная колония", "түзеу колониясы"),
    "colony_settlement": ("colony-settlement", "колония-поселение", "колония-қоныс"),
    "prison": ("prison", "тюрьма", "түрме"),
    "medical": ("medical institution", "лечебное учреждение", "емдеу мекемесі"),
    "juvenile": ("juvenile colony", "воспитательная колония", "тәрбие колониясы"),
    "pre_trial_centre": ("pre-trial detention centre", "следственный изолятор", "тергеу изоляторы"),
}


@dataclass
class Dataset:
    """Generated rows as dicts keyed by natural keys, plus the totals the generator aimed at."""

    facilities: list = field(default_factory=list)
    blocks: list = field(default_factory=list)  # facility_code, name, ...
    cells: list = field(default_factory=list)  # facility_code, block_name, number, ...
    projects: list = field(default_factory=list)  # facility_code, block_name, ...
    updates: list = field(default_factory=list)  # facility_code, block_name, date, status, ...
    inspections: list = field(default_factory=list)  # facility_code, date_start, body, ...
    findings: list = field(default_factory=list)  # facility_code, date_start, body, description, ...
    residence: list = field(default_factory=list)  # facility_code, home_region, date, persons
    totals: dict = field(default_factory=dict)


def _d(value: float, places: int = 2) -> Decimal:
    return Decimal(str(round(value, places)))


def _maybe(rng, value, missing: float):
    """``value``, or None (an unknown measurement) with probability ``missing``."""
    return None if rng.random() < missing else value


def _allocate(rng, capacities: list[int], persons: int, allow_over: list[bool]) -> list[int]:
    """Split ``persons`` over rooms of ``capacities``: proportional fill, overflow to rooms allowed to
    exceed capacity. The result sums to ``persons`` exactly."""
    total = sum(capacities)
    occupancy = [c * persons // total for c in capacities] if total else [0] * len(capacities)
    remainder = persons - sum(occupancy)
    order = list(range(len(capacities)))
    rng.shuffle(order)
    while remainder > 0:
        progressed = False
        for i in order:
            if remainder == 0:
                break
            if occupancy[i] < capacities[i] or allow_over[i]:
                occupancy[i] += 1
                remainder -= 1
                progressed = True
        if not progressed:  # every room is full and none may be overcrowded: overcrowd any
            occupancy[order[0]] += remainder
            remainder = 0
    return occupancy


def _split_total(rng, weights: list[float], total: int) -> list[int]:
    raw = [w * total / sum(weights) for w in weights]
    values = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - values[i], reverse=True)[: total - sum(values)]:
        values[i] += 1
    return values


def build_dataset(seed: int = SEED) -> Dataset:
    """Generate the demo estate deterministically from ``seed``. Returns a Dataset; no database access."""
    rng = random.Random(seed)
    data = Dataset()
    estate = json.loads((Path(settings.BASE_DIR) / "data" / "kz_estate.json").read_text(encoding="utf-8"))
    sources = {k["code"]: k["source"] for k in estate["known_institutions"]}

    # 1. The institutions for imprisonment: known ones first, then generated ones per region.
    imprisonment = []
    for known in KNOWN:
        row = {
            "code": known["code"],
            "region": known["region"],
            "locality": known["locality"],
            "status": known["status"],
            "kind": known["kind"],
            "security_level": known["security_level"],
            "category": known.get("category", "men"),
            "source": sources[known["code"]],
            "name_en": f"Institution {known['code']}" + (f" ({known['note']})" if known.get("note") else ""),
            "name_ru": f"Учреждение {known['code'].replace('No.', '№')}",
            "name_kk": f"{known['code'].replace('No.', '№')} мекемесі",
        }
        imprisonment.append(row)
    in_operation_known = {}
    for row in imprisonment:
        if row["status"] == "operating":
            in_operation_known[row["region"]] = in_operation_known.get(row["region"], 0) + 1
    generated_plan = []
    for region, count in IMPRISONMENT_PER_REGION.items():
        for _ in range(count - in_operation_known.get(region, 0)):
            generated_plan.append(region)
    kinds = ["colony_settlement"] * 12 + ["medical"] * 3 + ["prison"] * 2 + ["colony"] * (len(generated_plan) - 17)
    rng.shuffle(kinds)
    for index, (region, kind) in enumerate(zip(generated_plan, kinds), start=1):
        number = f"{index:02d}"
        security = {"colony_settlement": "minimum", "medical": "mixed", "prison": "full"}.get(
            kind, rng.choice(["medium", "medium", "medium", "maximum", "minimum"])
        )
        en, ru, kk = KIND_NAMES[kind]
        imprisonment.append(
            {
                "code": f"ДЕМО-{region[3:]}/{number}",
                "region": region,
                "locality": "",
                "status": "operating",
                "kind": kind,
                "security_level": security,
                "category": "men",
                "source": "",
                "name_en": f"Demo {en} No. {number}",
                "name_ru": f"Демо: {ru} № {number}",
                "name_kk": f"Демо: № {number} {kk}",
            }
        )
    # One extreme-security colony and three women's colonies among the generated colonies.
    colonies = [f for f in imprisonment if f["kind"] == "colony" and f["code"].startswith("ДЕМО")]
    colonies[0]["security_level"] = "extreme"
    for row in colonies[1:4]:
        row["category"], row["security_level"] = "women", "medium"

    pre_trial = []
    for region in PRE_TRIAL_REGIONS:
        en, ru, kk = KIND_NAMES["pre_trial_centre"]
        pre_trial.append(
            {
                "code": f"ДЕМО-СИЗО-{region[3:]}",
                "region": region,
                "locality": "",
                "status": "operating",
                "kind": "pre_trial_centre",
                "security_level": "",
                "category": "mixed",
                "source": "",
                "name_en": f"Demo {en} ({region})",
                "name_ru": f"Демо: {ru} ({region})",
                "name_kk": f"Демо: {kk} ({region})",
            }
        )

    operating = [f for f in imprisonment if f["status"] == "operating"]
    assert len(operating) == 62 and len(pre_trial) == 16, (len(operating), len(pre_trial))
    # Eight institutions already reconstructed into single cells (KUIS, 2015).
    reconstructed = {
        f["code"]
        for f in rng.sample([f for f in operating if f["kind"] == "colony" and f["security_level"] != "extreme"], 8)
    }

    size = {
        "colony": (650, 1400),
        "colony_settlement": (120, 380),
        "medical": (220, 520),
        "prison": (300, 600),
        "juvenile": (60, 120),
        "pre_trial_centre": (200, 520),
    }
    convict_split = _split_total(rng, [rng.uniform(*size[f["kind"]]) for f in operating], CONVICTS)
    remand_split = _split_total(rng, [rng.uniform(*size["pre_trial_centre"]) for _ in pre_trial], REMAND)

    for facility, persons in [*zip(operating, convict_split), *zip(pre_trial, remand_split)]:
        facility["year_built"] = rng.choice([1889, 1896]) if rng.random() < 0.04 else rng.randint(1936, 1988)
        if facility["source"]:  # a known institution: no invented year for a real place
            facility["year_built"] = None
        if facility["kind"] == "pre_trial_centre":
            _pre_trial_blocks(rng, data, facility, persons)
        elif facility["code"] in reconstructed:
            _cell_blocks(rng, data, facility, persons, built=rng.randint(2010, 2015))
        else:
            _dormitory_blocks(rng, data, facility, persons)
        facility["population"] = persons
    for facility in imprisonment:
        if facility["status"] != "operating":
            facility["year_built"] = None
            facility["population"] = 0
            _dormitory_blocks(rng, data, facility, 0, status="decommissioned")

    _projects(rng, data, [f for f in operating if f["code"] not in reconstructed and f["kind"] == "colony"])
    for facility in imprisonment + pre_trial:
        cells = [c for c in data.cells if c["facility_code"] == facility["code"] and c["status"] == "in_use"]
        facility["design_capacity"] = sum(c["design_capacity"] for c in cells)
        facility["population_date"] = COUNT_DATE if facility["status"] == "operating" else None
        if any(
            p["facility_code"] == facility["code"] and p["status"] in ("construction", "commissioning")
            for p in data.projects
        ):
            facility["status"] = "under_reconstruction"
        data.facilities.append(facility)
    _inspections(rng, data, [f for f in operating + pre_trial])
    _residence(random.Random(seed + 1), data, operating + pre_trial)
    data.totals = {
        "facilities_in_operation": 78,
        "imprisonment": 62,
        "pre_trial": 16,
        "convicts": CONVICTS,
        "remand": REMAND,
        "population": CONVICTS + REMAND,
        "reconstructed": sorted(reconstructed),
    }
    return data


def _dormitory_blocks(rng, data, facility, persons, status="in_use"):
    rooms_needed = max(1, round(persons / 60)) if persons else rng.randint(4, 8)
    blocks = max(2, min(8, (rooms_needed + 2) // 3))
    room_specs = []
    for b in range(1, blocks + 1):
        name = f"Block {b}"
        data.blocks.append(
            {
                "facility_code": facility["code"],
                "name": name,
                "accommodation_type": "dormitory",
                "year_built": (facility["year_built"] or 1960) + rng.choice([0, 0, 5, 12]),
                "floors": rng.choice([2, 2, 3]),
            }
        )
        for r in range(rooms_needed // blocks + (1 if b <= rooms_needed % blocks else 0)):
            room_specs.append((name, f"{b}-{r + 1:02d}", rng.randint(40, 80)))
    capacities = [spec[2] for spec in room_specs]
    occupancy = _allocate(rng, capacities, persons, [True] * len(capacities))
    for (block, number, beds), occ in zip(room_specs, occupancy):
        per_bed = rng.uniform(2.1, 4.8)
        data.cells.append(
            _cell(
                rng,
                facility,
                block,
                number,
                "dormitory",
                _d(beds * per_bed),
                beds,
                occ,
                annex=rng.random() < 0.12,
                partitioned=_maybe(rng, rng.random() < 0.5, 0.3),
                wall=_d(rng.uniform(5.0, 9.0)),
                ceiling=_d(rng.uniform(2.6, 3.3)),
                light=rng.random() > 0.06,
                status=status,
            )
        )


def _cell_blocks(rng, data, facility, persons, built):
    places = int(persons * rng.uniform(1.03, 1.12))
    blocks = max(2, places // 250 + 1)
    per_block = _split_total(rng, [1] * blocks, places)
    capacities, specs = [], []
    for b, count in enumerate(per_block, start=1):
        name = f"Cell block {b}"
        data.blocks.append(
            {
                "facility_code": facility["code"],
                "name": name,
                "accommodation_type": "cell",
                "year_built": built,
                "floors": 3,
            }
        )
        for n in range(1, count + 1):
            specs.append((name, f"{b}{n:03d}"))
            capacities.append(1)
    occupancy = _allocate(rng, capacities, persons, [False] * len(capacities))
    # A few cells hold two persons (recorded overcrowding); as many others stand empty.
    single = [i for i, occ in enumerate(occupancy) if occ == 1]
    pairs = max(1, len(single) // 60)
    chosen = rng.sample(single, 2 * pairs)
    for i, j in zip(chosen[:pairs], chosen[pairs:]):
        occupancy[i], occupancy[j] = 2, 0
    for (block, number), occ in zip(specs, occupancy):
        data.cells.append(
            _cell(
                rng,
                facility,
                block,
                number,
                "single_occupancy_cell",
                _d(rng.choice([6.6, 6.6, 6.6, 6.4, 6.8, 7.0, 5.9])),
                1,
                occ,
                annex=True,
                partitioned=True,
                wall=_d(rng.uniform(2.1, 2.6)),
                ceiling=_maybe(rng, _d(rng.uniform(2.6, 2.9)), 0.03),
                light=True,
            )
        )


def _pre_trial_blocks(rng, data, facility, persons):
    blocks = rng.randint(2, 4)
    specs, capacities, over = [], [], []
    target_places = int(persons * rng.uniform(0.85, 1.1))
    b = 0
    while sum(capacities) < target_places:
        b = b % blocks + 1
        single = rng.random() < 0.1
        capacity = 1 if single else rng.choice([2, 4, 4, 6, 8])
        specs.append((f"Corpus {b}", f"{b}{len(specs) + 1:03d}", single))
        capacities.append(capacity)
        over.append(not single)
    for n in range(1, blocks + 1):
        data.blocks.append(
            {
                "facility_code": facility["code"],
                "name": f"Corpus {n}",
                "accommodation_type": "cell",
                "year_built": facility["year_built"],
                "floors": rng.choice([2, 3, 4]),
            }
        )
    occupancy = _allocate(rng, capacities, persons, over)
    for (block, number, single), capacity, occ in zip(specs, capacities, occupancy):
        kind = "single_occupancy_cell" if single else "multiple_occupancy_cell"
        area = rng.uniform(5.4, 8.0) if single else capacity * rng.uniform(2.6, 4.6)
        data.cells.append(
            _cell(
                rng,
                facility,
                block,
                number,
                kind,
                _d(area),
                capacity,
                occ,
                annex=rng.random() < 0.9,
                partitioned=_maybe(rng, rng.random() < 0.7, 0.1),
                wall=_d(rng.uniform(1.9, 4.0)),
                ceiling=_maybe(rng, _d(rng.uniform(2.5, 3.1)), 0.1),
                light=_maybe(rng, rng.random() > 0.1, 0.05),
            )
        )


def _cell(
    rng,
    facility,
    block,
    number,
    kind,
    area,
    capacity,
    occupancy,
    *,
    annex,
    partitioned,
    wall,
    ceiling,
    light,
    status="in_use",
):
    return {
        "facility_code": facility["code"],
        "block_name": block,
        "number": number,
        "accommodation_type": kind,
        "living_space_m2": _maybe(rng, area, 0.02),
        "design_capacity": capacity,
        "occupancy": occupancy if status == "in_use" else 0,
        "occupancy_date": COUNT_DATE if status == "in_use" else None,
        "has_sanitary_annex": annex,
        "sanitary_annex_partitioned": (partitioned if kind != "single_occupancy_cell" else True) if annex else None,
        "min_wall_distance_m": _maybe(rng, wall, 0.08),
        "ceiling_height_m": _maybe(rng, ceiling, 0.08) if ceiling is not None else None,
        "has_natural_light": light,
        "status": status,
    }


# Planned start year of a demo project by its status, so that dates agree with the state reached by 2026.
START_YEARS = {
    "completed": (2021, 2021),
    "commissioning": (2022, 2022),
    "construction": (2023, 2024),
    "suspended": (2023, 2023),
    "cancelled": (2023, 2024),
    "procurement": (2025, 2025),
    "design": (2026, 2026),
    "planned": (2027, 2027),
}


def _phase(planned_end: datetime.date) -> str:
    if planned_end.year <= 2023:
        return "Phase 1 (2021-2023)"
    return "Phase 2 (2024-2026)" if planned_end.year <= 2026 else "Phase 3 (2027-2029)"


def _projects(rng, data, candidates):
    """Conversion projects in every state, with dates consistent with the state reached by COUNT_DATE;
    completed ones have their block converted into single cells."""
    chosen = rng.sample(candidates, len(PROJECT_PLAN))
    for facility, status in zip(chosen, PROJECT_PLAN):
        block = rng.choice([b for b in data.blocks if b["facility_code"] == facility["code"]])
        rooms = [c for c in data.cells if c["facility_code"] == facility["code"] and c["block_name"] == block["name"]]
        beds = sum(c["design_capacity"] for c in rooms)
        places = rng.randint(80, 120)
        start = datetime.date(rng.randint(*START_YEARS[status]), rng.randint(1, 6), 1)
        planned_end = start + datetime.timedelta(days=rng.randint(800, 1000))
        before = rng.choice(["procurement", "construction"]) if status == "suspended" else None
        reached = FLOW.index(before or {"cancelled": "design"}.get(status, status))
        budget = Decimal(places) * Decimal(rng.randint(9, 14)) * Decimal(1_000_000)
        percent = PERCENT.get(before or status, 0)
        spent = (budget * Decimal(percent) / Decimal(100)).quantize(Decimal("1"))
        if status == "planned":
            dates = [datetime.date(2026, rng.randint(1, 9), 1)]
        else:
            tail = 60 if status in ("suspended", "cancelled") else 0
            last = min(
                planned_end if status == "completed" else COUNT_DATE,
                COUNT_DATE - datetime.timedelta(days=tail + rng.randint(15, 120)),
            )
            if status != "completed":  # works reported so far began before the planned end
                last = min(last, planned_end - datetime.timedelta(days=60))
            last = max(last, start + datetime.timedelta(days=30 * reached))
            dates = [start + (last - start) * i / reached for i in range(reached + 1)] if reached else [start]
        actual_start = dates[3] if reached >= 3 else None
        actual_end = dates[-1] if status == "completed" else None
        data.projects.append(
            {
                "facility_code": facility["code"],
                "block_name": block["name"],
                "status": status,
                "status_before_suspension": before or "",
                "roadmap_phase": _phase(planned_end),
                "baseline_rooms": len(rooms),
                "baseline_beds": beds,
                "target_cells": places,
                "target_places": places,
                "planned_start": start,
                "planned_end": planned_end,
                "actual_start": actual_start,
                "actual_end": actual_end,
                "percent_complete": Decimal(percent),
                "budget_planned_kzt": budget,
                "budget_spent_kzt": spent,
                "contractor": f"Demo contractor {rng.randint(1, 9)}",
            }
        )
        for i, date in enumerate(dates):
            step = FLOW[i]
            data.updates.append(
                {
                    "facility_code": facility["code"],
                    "block_name": block["name"],
                    "date": date,
                    "status": step,
                    "percent_complete": Decimal(PERCENT[step]),
                    "budget_spent_kzt": (budget * Decimal(PERCENT[step]) / 100).quantize(Decimal("1")),
                    "note": "generated demo progress update",
                }
            )
        if status in ("suspended", "cancelled"):
            data.updates.append(
                {
                    "facility_code": facility["code"],
                    "block_name": block["name"],
                    "date": dates[-1] + datetime.timedelta(days=60),
                    "status": status,
                    "percent_complete": Decimal(percent),
                    "budget_spent_kzt": spent,
                    "note": "generated demo progress update",
                }
            )
        if status in ("construction", "commissioning"):
            # Residents moved out while the block is rebuilt; they are held in the other blocks.
            moved = sum(c["occupancy"] for c in rooms)
            for c in rooms:
                c["status"], c["occupancy"], c["occupancy_date"] = "under_reconstruction", 0, None
            _rehouse(rng, data, facility, block["name"], moved)
        if status == "completed":
            moved = sum(c["occupancy"] for c in rooms)
            for c in rooms:
                c["status"], c["occupancy"], c["occupancy_date"] = "decommissioned", 0, None
            block["accommodation_type"] = "cell"
            housed = min(moved, places)
            occupancy = _allocate(rng, [1] * places, housed, [False] * places)
            for n, occ in enumerate(occupancy, start=1):
                data.cells.append(
                    _cell(
                        rng,
                        facility,
                        block["name"],
                        f"S{n:03d}",
                        "single_occupancy_cell",
                        _d(rng.choice([6.0, 6.2, 6.6, 6.6, 7.0])),
                        1,
                        occ,
                        annex=True,
                        partitioned=True,
                        wall=_d(rng.uniform(2.05, 2.5)),
                        ceiling=_d(rng.uniform(2.6, 2.8)),
                        light=True,
                    )
                )
            _rehouse(rng, data, facility, block["name"], moved - housed)


def _rehouse(rng, data, facility, left_block, persons):
    """Move ``persons`` into the facility's other dormitory rooms in use (they become more crowded)."""
    rooms = [
        c
        for c in data.cells
        if c["facility_code"] == facility["code"]
        and c["block_name"] != left_block
        and c["status"] == "in_use"
        and c["accommodation_type"] == "dormitory"
    ]
    extra = _allocate(rng, [c["design_capacity"] for c in rooms], persons, [True] * len(rooms))
    for room, add in zip(rooms, extra):
        room["occupancy"] += add


FINDING_TEMPLATES = [
    (
        "CPT-2015-2",
        "high",
        "Living space below 4 m² per person in dormitory room {room}.",
        "Reduce the number of persons accommodated or convert the room.",
    ),
    (
        "SMR-15",
        "medium",
        "No in-room sanitation in {room}; toilets shared by the whole block.",
        "Install partitioned sanitary annexes.",
    ),
    ("SMR-14", "medium", "Insufficient natural light in {room}.", "Enlarge the windows."),
    ("CPT-2015-4", "low", "Sanitary annex in {room} is not fully partitioned.", "Partition it to the ceiling."),
    (
        None,
        "critical",
        "Overcrowding: {room} holds more persons than its design capacity.",
        "Transfer persons to vacant places and report the headcount.",
    ),
]


def _inspections(rng, data, facilities):
    """Demo inspections (1-2 for a third of the institutions) with findings citing the standards."""
    bodies = ["prosecutor", "prosecutor", "npm", "public_monitoring", "ministry"]
    for facility in rng.sample(facilities, len(facilities) // 3):
        rooms = [c for c in data.cells if c["facility_code"] == facility["code"] and c["status"] == "in_use"]
        for n in range(rng.randint(1, 2)):
            start = datetime.date(2025, 1, 15) + datetime.timedelta(days=rng.randint(0, 640))
            body = rng.choice(bodies)
            kind = rng.choice(["scheduled", "unannounced", "follow_up"])
            data.inspections.append(
                {
                    "facility_code": facility["code"],
                    "date_start": start,
                    "date_end": start + datetime.timedelta(days=rng.randint(0, 3)),
                    "body": body,
                    "type": kind,
                    "announced": kind != "unannounced",
                    "lead_inspector": f"Demo inspector {rng.randint(1, 40)}",
                    "summary": "Generated demo inspection.",
                }
            )
            for rule, severity, description, recommendation in rng.sample(FINDING_TEMPLATES, rng.randint(1, 3)):
                room = rng.choice(rooms)
                status = rng.choice(["open", "open", "in_progress", "resolved", "verified", "rejected"])
                data.findings.append(
                    {
                        "facility_code": facility["code"],
                        "date_start": start,
                        "body": body,
                        "block_name": room["block_name"],
                        "rule": rule,
                        "severity": severity,
                        "description": description.format(room=room["number"]),
                        "recommendation": recommendation,
                        "deadline": start + datetime.timedelta(days=rng.choice([90, 180, 365])),
                        "status": status,
                    }
                )


# Regions with few institutions for their population send more convicts elsewhere (demo assumption).
SENDING_WEIGHT = {"KZ-23": 3.0, "KZ-33": 2.5, "KZ-47": 2.5, "KZ-62": 2.0, "KZ-71": 3.0, "KZ-75": 2.0, "KZ-79": 3.0}


def _residence(rng, data, facilities):
    """Persons held by home region on COUNT_DATE for every institution in operation: most are from the
    institution's own region (85-97 % in pre-trial centres, 45-90 % elsewhere), the rest from other
    regions, weighted towards the regions with few institutions. Sums equal each facility's population."""
    regions = sorted(IMPRISONMENT_PER_REGION)
    for facility in facilities:
        persons = facility["population"]
        low, high = (0.85, 0.97) if facility["kind"] == "pre_trial_centre" else (0.45, 0.9)
        home = round(persons * rng.uniform(low, high))
        others = [r for r in regions if r != facility["region"]]
        split = _split_total(rng, [SENDING_WEIGHT.get(r, 1.0) * rng.uniform(0.2, 1.0) for r in others], persons - home)
        for region, count in [(facility["region"], home), *zip(others, split)]:
            if count:
                data.residence.append(
                    {"facility_code": facility["code"], "home_region": region, "date": COUNT_DATE, "persons": count}
                )
