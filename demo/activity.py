"""The demo estate's activity: conversion projects with their progress logs, re-housing, inspections with
findings, and the population by home region (called by demo.estate.build_dataset)."""

import datetime
from decimal import Decimal

from .plan import COUNT_DATE, FLOW, IMPRISONMENT_PER_REGION, PERCENT, PROJECT_PLAN, _allocate, _cell, _d, _split_total

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
