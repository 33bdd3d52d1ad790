"""The demo estate's activity: conversion projects with their progress logs, re-housing, inspections with
findings, and the population by home region (called by demo.estate.build_dataset)."""

import datetime
from decimal import Decimal

from .plan import (
    COUNT_DATE,
    FLOW,
    IMPRISONMENT_PER_REGION,
    PERCENT,
    PHASE_1_BLOCKS,
    PHASE_1_LATE,
    PHASE_2_BLOCKS_PER_COLONY,
    PROJECT_PLAN,
    _allocate,
    _cell,
    _d,
    _split_total,
)
from .texts import (
    CONTRACTORS,
    FINDINGS,
    INSPECTION_SUMMARIES,
    INSPECTOR_INITIALS,
    INSPECTOR_SURNAMES,
    PROGRESS_NOTES,
    fields,
)

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
    if planned_end.year < 2021:
        return ""  # before the roadmap (the reconstructions of 2010-2015)
    if planned_end.year <= 2023:
        return "Phase 1 (2021-2023)"
    return "Phase 2 (2024-2026)" if planned_end.year <= 2026 else "Phase 3 (2027-2029)"


def _record(rng, data, facility, block, status, dates, *, start, planned_end, places, rooms, beds, before=""):
    """Append one project and its progress log (one update per step of FLOW reached, dated ``dates``; a
    suspended or cancelled project adds its final update 60 days after the last step)."""
    reached = FLOW.index(before or {"cancelled": "design"}.get(status, status))
    budget = Decimal(places) * Decimal(rng.randint(9, 14)) * Decimal(1_000_000)
    percent = PERCENT.get(before or status, 0)
    spent = (budget * Decimal(percent) / Decimal(100)).quantize(Decimal("1"))
    data.projects.append(
        {
            "facility_code": facility["code"],
            "block_name": block["name"],
            "status": status,
            "status_before_suspension": before,
            "roadmap_phase": _phase(planned_end),
            "baseline_rooms": rooms,
            "baseline_beds": beds,
            "target_cells": places,
            "target_places": places,
            "planned_start": start,
            "planned_end": planned_end,
            "actual_start": dates[3] if reached >= 3 else None,
            "actual_end": dates[-1] if status == "completed" else None,
            "percent_complete": Decimal(percent),
            "budget_planned_kzt": budget,
            "budget_spent_kzt": spent,
            "contractor": rng.choice(CONTRACTORS),
        }
    )
    steps = [(date, FLOW[i], Decimal(PERCENT[FLOW[i]])) for i, date in enumerate(dates)]
    if status in ("suspended", "cancelled"):
        steps.append((dates[-1] + datetime.timedelta(days=60), status, Decimal(percent)))
    for date, step, step_percent in steps:
        data.updates.append(
            {
                "facility_code": facility["code"],
                "block_name": block["name"],
                "date": date,
                "status": step,
                "percent_complete": step_percent,
                "budget_spent_kzt": (budget * step_percent / 100).quantize(Decimal("1")),
                **fields("note", PROGRESS_NOTES[step]),
            }
        )


def _completed_dates(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The dates of the six steps of a completed project, evenly from ``start`` to ``end``."""
    last = len(FLOW) - 1
    return [start + (end - start) * i / last for i in range(last + 1)]


def _reconstructions(rng, data, schedule):
    """The reconstructions of 2010-2015 (data/kz_estate.json: 7 institutions converted to cells by 2012, 8
    by 2015-08-12): every cell block of each institution in ``schedule`` ({code: year}) gets a completed
    project ending in that year; the block held dormitories of 40 to 80 beds before (baseline rooms and
    beds), its single cells exist already (demo.estate._cell_blocks)."""
    by_code = {}
    for code, year in schedule.items():
        last_month = 6 if year == 2015 else 11  # the 8th before the press conference of 2015-08-12
        end = datetime.date(year, rng.randint(1, last_month), rng.randint(1, 28))
        for block in [b for b in data.blocks if b["facility_code"] == code]:
            places = sum(1 for c in data.cells if c["facility_code"] == code and c["block_name"] == block["name"])
            rooms = max(1, round(places / 60))
            beds = sum(rng.randint(40, 80) for _ in range(rooms))
            start = end - datetime.timedelta(days=rng.randint(700, 900))
            by_code[code] = end
            _record(
                rng,
                data,
                {"code": code},
                block,
                "completed",
                _completed_dates(start, end),
                start=start,
                planned_end=end - datetime.timedelta(days=rng.randint(0, 90)),
                places=places,
                rooms=rooms,
                beds=beds,
            )
    return by_code


def _convert(rng, data, facility, block, places, start, end, *, planned_end):
    """Complete the conversion of a dormitory ``block``: its rooms are decommissioned, ``places`` single
    cells take their place and hold as many residents as fit; the others move to the facility's other
    dormitories."""
    rooms = [c for c in data.cells if c["facility_code"] == facility["code"] and c["block_name"] == block["name"]]
    _record(
        rng,
        data,
        facility,
        block,
        "completed",
        _completed_dates(start, end),
        start=start,
        planned_end=planned_end,
        places=places,
        rooms=len(rooms),
        beds=sum(c["design_capacity"] for c in rooms),
    )
    moved = sum(c["occupancy"] for c in rooms)
    for c in rooms:
        c["status"], c["occupancy"], c["occupancy_date"] = "decommissioned", 0, None
    block["accommodation_type"] = "cell"
    housed = min(moved, places)
    occupancy = _allocate(rng, [1] * places, housed, [False] * places)
    for n, occ in enumerate(occupancy):
        data.cells.append(
            _cell(
                rng,
                facility,
                block["name"],
                f"S{n // 40 + 1}{n % 40 + 1:02d}",  # floor and room, e.g. S114 (floor 1, room 14)
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


def _projects(rng, data, candidates):
    """Conversion projects in every state, with dates consistent with the state reached by COUNT_DATE.

    Roadmap Phase 1 (data/roadmap_targets.json: 12 cell blocks for 1,200 people by 2023): one block of each
    of PHASE_1_BLOCKS generated dormitory colonies among ``candidates`` (one per region) converted into 80
    to 120 single cells, PHASE_1_LATE of them finished late, in 2024; Phase 2 (2024-2026): the same
    colonies convert PHASE_2_BLOCKS_PER_COLONY more blocks each, a single cell for each resident; then
    PROJECT_PLAN's projects in the other states, one per other colony (known institutions included: planned or ongoing works only)."""
    # Phase 1 colonies: one per region first (so that progress shows in many regions), then the others.
    pool = rng.sample(candidates, len(candidates))
    first = []
    for facility in pool:
        if not facility["source"] and facility["region"] not in {f["region"] for f in first}:  # generated only
            first.append(facility)
    first = first[:PHASE_1_BLOCKS]
    rest = [f for f in pool if f not in first]
    chosen = first + rest[: len(PROJECT_PLAN)]
    for index, facility in enumerate(chosen[:PHASE_1_BLOCKS]):
        block = rng.choice([b for b in data.blocks if b["facility_code"] == facility["code"]])
        start = datetime.date(2021, rng.randint(1, 9), 1)
        planned_end = datetime.date(2023, rng.randint(6, 12), 1)
        late = index < PHASE_1_LATE
        end = (
            datetime.date(2024, rng.randint(2, 10), 1)
            if late
            else datetime.date(2022 + index % 2, rng.randint(3, 11), 1)
        )
        end = min(end, planned_end) if not late else end
        _convert(rng, data, facility, block, rng.randint(80, 120), start, end, planned_end=planned_end)
    # Phase 2 (2024-2026): the same colonies go on, PHASE_2_BLOCKS_PER_COLONY more dormitory blocks each
    # rebuilt with a single cell for each resident.
    for facility in chosen[:PHASE_1_BLOCKS]:
        dormitories = [
            b for b in data.blocks if b["facility_code"] == facility["code"] and b["accommodation_type"] == "dormitory"
        ]
        for block in rng.sample(dormitories, min(PHASE_2_BLOCKS_PER_COLONY, len(dormitories))):
            persons = sum(
                c["occupancy"]
                for c in data.cells
                if c["facility_code"] == facility["code"]
                and c["block_name"] == block["name"]
                and c["status"] == "in_use"
            )
            start = datetime.date(2023, rng.randint(1, 9), 1)
            end = datetime.date(2024, 3, 1) + datetime.timedelta(days=rng.randint(0, 900))
            places = max(20, int(persons * rng.uniform(1.02, 1.08)) + 1)
            _convert(rng, data, facility, block, places, start, end, planned_end=datetime.date(2026, 6, 30))
    for facility, status in zip(chosen[PHASE_1_BLOCKS:], PROJECT_PLAN):
        block = rng.choice([b for b in data.blocks if b["facility_code"] == facility["code"]])
        rooms = [c for c in data.cells if c["facility_code"] == facility["code"] and c["block_name"] == block["name"]]
        places = rng.randint(80, 120)
        start = datetime.date(rng.randint(*START_YEARS[status]), rng.randint(1, 6), 1)
        planned_end = start + datetime.timedelta(days=rng.randint(800, 1000))
        before = rng.choice(["procurement", "construction"]) if status == "suspended" else ""
        reached = FLOW.index(before or {"cancelled": "design"}.get(status, status))
        if status == "planned":
            dates = [datetime.date(2026, rng.randint(1, 9), 1)]
        else:
            tail = 60 if status in ("suspended", "cancelled") else 0
            last = min(COUNT_DATE, COUNT_DATE - datetime.timedelta(days=tail + rng.randint(15, 120)))
            last = min(last, planned_end - datetime.timedelta(days=60))  # works so far began before the planned end
            last = max(last, start + datetime.timedelta(days=30 * reached))
            dates = [start + (last - start) * i / reached for i in range(reached + 1)] if reached else [start]
        _record(
            rng,
            data,
            facility,
            block,
            status,
            dates,
            start=start,
            planned_end=planned_end,
            places=places,
            rooms=len(rooms),
            beds=sum(c["design_capacity"] for c in rooms),
            before=before,
        )
        if status in ("construction", "commissioning"):
            # Residents moved out while the block is rebuilt; they are held in the other blocks.
            moved = sum(c["occupancy"] for c in rooms)
            for c in rooms:
                c["status"], c["occupancy"], c["occupancy_date"] = "under_reconstruction", 0, None
            _rehouse(rng, data, facility, block["name"], moved)


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


def _inspections(rng, data, facilities):
    """Demo inspections (1-2 for a third of the institutions) with findings citing the standards."""
    bodies = ["prosecutor", "prosecutor", "npm", "public_monitoring", "ministry"]
    for facility in rng.sample(facilities, len(facilities) // 3):
        rooms = [c for c in data.cells if c["facility_code"] == facility["code"] and c["status"] == "in_use"]
        for _ in range(rng.randint(1, 2)):
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
                    "lead_inspector": f"{rng.choice(INSPECTOR_INITIALS)} {rng.choice(INSPECTOR_SURNAMES)}",
                    **fields("summary", INSPECTION_SUMMARIES[body], rooms=rng.randint(6, 30)),
                }
            )
            for rule, severity, description, recommendation in rng.sample(FINDINGS, rng.randint(1, 3)):
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
                        **fields("description", description, room=room["number"]),
                        **fields("recommendation", recommendation),
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
