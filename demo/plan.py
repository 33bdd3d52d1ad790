"""The demo dataset's calibration (data/kz_estate.json), its container and the row helpers that the estate
(demo.estate) and its activity (demo.activity) share."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from facilities import flow

SEED = 20261129


COUNT_DATE = datetime.date(2026, 11, 1)


# The cell statuses whose places are certified (cells.models.Cell.CERTIFIED_STATUSES, as plain strings).
CERTIFIED_STATUSES = ("in_use", "under_reconstruction", "deactivated")


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


# Conversions completed, calibrated to data/kz_estate.json and data/roadmap_targets.json:
# - 2010-2015: the 8 institutions reconstructed into cells (KUIS: 7 by 2012, 8 by 2015-08-12), the year each
#   one's cell blocks were completed;
RECONSTRUCTION_YEARS = [2010, 2010, 2011, 2011, 2012, 2012, 2012, 2015]
# - roadmap Phase 1 (12 cell blocks for 1,200 people planned by 2023): 12 blocks of 80 to 120 single cells,
#   3 of them finished late, in 2024;
PHASE_1_BLOCKS = 12
PHASE_1_LATE = 3
# - roadmap Phase 2 (2024-2026): those 12 colonies go on with 3 more blocks each, rebuilt with a single cell
#   for each resident (demo assumption: it brings the national share to about a third by 2026).
PHASE_2_BLOCKS_PER_COLONY = 3


PROJECT_PLAN = [  # status of each other demo conversion project, in order (every other state of the workflow)
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


FLOW = [str(step) for step in flow.FLOW]  # the conversion flow (facilities.flow), as plain strings


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
