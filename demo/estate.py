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

import json
import random
from pathlib import Path

from django.conf import settings

from .activity import _inspections, _projects, _reconstructions, _residence
from .plan import (
    CERTIFIED_STATUSES,
    CONVICTS,
    COUNT_DATE,
    IMPRISONMENT_PER_REGION,
    KIND_NAMES,
    KNOWN,
    PRE_TRIAL_REGIONS,
    RECONSTRUCTION_YEARS,
    REMAND,
    SEED,
    Dataset,
    _allocate,
    _cell,
    _d,
    _maybe,
    _split_total,
)
from .texts import KNOWN_NOTES, block_name


def build_dataset(seed: int = SEED) -> Dataset:
    """Generate the demo estate deterministically from ``seed``. Returns a Dataset; no database access."""
    rng = random.Random(seed)
    data = Dataset()
    estate = json.loads((Path(settings.BASE_DIR) / "data" / "kz_estate.json").read_text(encoding="utf-8"))
    sources = {k["code"]: k["source"] for k in estate["known_institutions"]}

    # 1. The institutions for imprisonment: known ones first, then generated ones per region.
    imprisonment = []
    for known in KNOWN:
        note = (
            {k: f" ({v})" for k, v in KNOWN_NOTES[known["note"]].items()} if known.get("note") else {"ru": "", "kk": ""}
        )
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
            "name_ru": f"Учреждение {known['code'].replace('No.', '№')}" + note["ru"],
            "name_kk": f"{known['code'].replace('No.', '№')} мекемесі" + note["kk"],
        }
        imprisonment.append(row)
    in_operation_known: dict[str, int] = {}
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
    # The year each was completed: 7 by 2012, the 8th by 2015 (plan.RECONSTRUCTION_YEARS).
    order = sorted(reconstructed)
    rng.shuffle(order)
    schedule = dict(zip(order, RECONSTRUCTION_YEARS))

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
            _cell_blocks(rng, data, facility, persons, built=schedule[facility["code"]])
        else:
            _dormitory_blocks(rng, data, facility, persons)
        facility["population"] = persons
    for facility in imprisonment:
        if facility["status"] != "operating":
            facility["year_built"] = None
            facility["population"] = 0
            _dormitory_blocks(rng, data, facility, 0, status="decommissioned")

    _reconstructions(rng, data, schedule)
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
    # Certified capacity (persons): the places on the facility's baseline cell certificate, as designed, for
    # every room on the record (in use or under reconstruction: Cell.CERTIFIED_STATUSES); none for the
    # decommissioned rooms (no longer certified). Set here, after the projects changed the rooms' statuses.
    for cell in data.cells:
        cell["certified_capacity"] = cell["design_capacity"] if cell["status"] in CERTIFIED_STATUSES else None
    data.facilities.extend(_planned_institutions())
    _inspections(rng, data, operating + pre_trial)
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


# The new institutions announced for 2022-2024 (data/kz_estate.json: 4 of the 20 by 2029, in the Almaty,
# Aktobe, Mangystau and Turkistan regions), as planned facilities of the standard 1,500-place design (2012
# fact). Their kind, security level and size are demo assumptions; no cells until they are built.
PLANNED_REGIONS = ("KZ-15", "KZ-19", "KZ-47", "KZ-61")
PLANNED_PLACES = 1500


def _planned_institutions() -> list[dict]:
    """The four announced new institutions as planned medium-security colonies for men (demo rows)."""
    en, ru, kk = KIND_NAMES["colony"]
    return [
        {
            "code": f"ДЕМО-{region[3:]}/НОВ",
            "region": region,
            "locality": "",
            "status": "planned",
            "kind": "colony",
            "security_level": "medium",
            "category": "men",
            "source": "",
            "year_built": None,
            "design_capacity": PLANNED_PLACES,
            "population": 0,
            "population_date": None,
            "name_en": f"Demo new {en} (planned, {region})",
            "name_ru": f"Демо: новая {ru} (планируется, {region})",
            "name_kk": f"Демо: жаңа {kk} (жоспарланған, {region})",
        }
        for region in PLANNED_REGIONS
    ]


def _dormitory_blocks(rng, data, facility, persons, status="in_use"):
    rooms_needed = max(1, round(persons / 60)) if persons else rng.randint(4, 8)
    blocks = max(2, min(8, (rooms_needed + 2) // 3))
    room_specs = []
    for b in range(1, blocks + 1):
        names = block_name("dormitory", b)
        name = names["name"]
        data.blocks.append(
            {
                "facility_code": facility["code"],
                **names,
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
        names = block_name("cell", b)
        name = names["name"]
        data.blocks.append(
            {
                "facility_code": facility["code"],
                **names,
                "accommodation_type": "cell",
                "year_built": built,
                "floors": 3,
            }
        )
        for n in range(1, count + 1):
            specs.append((name, _room_number(b, n - 1, per_floor=(count + 2) // 3)))
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
    specs: list[tuple[str, str, bool]] = []
    capacities: list[int] = []
    over: list[bool] = []
    target_places = int(persons * rng.uniform(0.85, 1.1))
    b = 0
    while sum(capacities) < target_places:
        b = b % blocks + 1
        single = rng.random() < 0.1
        capacity = 1 if single else rng.choice([2, 4, 4, 6, 8])
        in_block = sum(1 for spec in specs if spec[0] == block_name("pre_trial", b)["name"])
        specs.append((block_name("pre_trial", b)["name"], _room_number(b, in_block, per_floor=40), single))
        capacities.append(capacity)
        over.append(not single)
    for n in range(1, blocks + 1):
        data.blocks.append(
            {
                "facility_code": facility["code"],
                **block_name("pre_trial", n),
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


def _room_number(block: int, index: int, per_floor: int) -> str:
    """The number of the ``index``-th room (from 0) of block ``block``, filled ``per_floor`` rooms a floor:
    block, floor and room, e.g. "2-114" (block 2, floor 1, room 14); never a four-digit figure that reads
    like a year."""
    floor, room = divmod(index, per_floor)
    return f"{block}-{floor + 1}{room + 1:02d}"
