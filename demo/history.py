"""Demo trend history: monthly and yearly snapshots before the first compliance run, reconstructed from the demo's
completed conversion projects (generated demo data, flagged ``is_reconstructed``).

A real deployment accrues its history from the nightly runs; the demo starts with one run, so without
this its charts would hold a single point. Dates: the first day of each of the 60 months before it, and
before them the first of January of every year from that of the first completed demo conversion (2010 in
the demo: the first reconstructions into cells of data/kz_estate.json), when it is older. Method: start from the latest real snapshot of each scope
(nation, region, facility) under the headline profile; for each month-start before it, undo every
demo conversion completed after that date: the block's single cells (places, persons in single cells,
compliant persons, cells) are taken away and its baseline dormitory rooms and beds put back. Persons
held are unchanged (they lived in the dormitories before). Reruns replace the same rows.
"""

import datetime

from django.db import transaction
from django.db.models import Max

from cells.models import BlockCompliance, ComplianceCounts, ComplianceSnapshot
from facilities.models import ConversionProject
from reporting.figures import headline_profile

Scope = ComplianceSnapshot.Scope
COUNTS = [field.name for field in ComplianceCounts._meta.fields]


def history_dates(before: datetime.date, months: int, since: datetime.date | None = None) -> list[datetime.date]:
    """The dates of the reconstructed history, oldest first: the ``months`` month-starts before ``before``
    (month_starts), preceded, when ``since`` (the first completed conversion) is older than the first of
    them, by the first of January of each year from ``since``'s up to it."""
    monthly = month_starts(before, months)
    if since is None or not monthly or since >= monthly[0]:
        return monthly
    yearly = [datetime.date(year, 1, 1) for year in range(since.year, monthly[0].year + 1)]
    return [day for day in yearly if day < monthly[0]] + monthly


def month_starts(before: datetime.date, months: int) -> list[datetime.date]:
    """The first days of the ``months`` months before ``before`` (exclusive), oldest first."""
    year, month = before.year, before.month
    if before.day == 1:
        month -= 1
    dates = []
    for _ in range(months):
        if month == 0:
            year, month = year - 1, 12
        dates.append(datetime.date(year, month, 1))
        month -= 1
    return sorted(dates)


@transaction.atomic
def reconstruct_demo_history(months: int = 60) -> int:
    """Replace the reconstructed demo snapshots (headline profile; nation, regions, facilities) for the
    ``months`` month-starts before the latest real snapshot and the yearly points before them
    (history_dates). Returns the rows written; 0 when no real snapshot exists yet (run the compliance
    recalculation first)."""
    profile = headline_profile()
    if profile is None:
        return 0
    real = ComplianceSnapshot.objects.filter(profile=profile, is_reconstructed=False)
    latest = real.filter(scope=Scope.NATION).aggregate(d=Max("date"))["d"]
    ComplianceSnapshot.objects.filter(profile=profile, is_reconstructed=True).delete()
    if latest is None:
        return 0
    base = list(real.filter(date=latest, scope__in=[Scope.NATION, Scope.REGION, Scope.FACILITY]))
    projects = list(
        ConversionProject.objects.filter(
            is_demo=True,
            status=ConversionProject.Status.COMPLETED,
            actual_end__isnull=False,
        ).select_related("block__facility")
    )
    blocks = {
        b.block_id: b
        for b in BlockCompliance.objects.with_totals().filter(
            profile=profile, block_id__in=[p.block_id for p in projects]
        )
    }
    taken = set(real.values_list("date", flat=True).distinct())
    rows = []
    first = min((p.actual_end for p in projects), default=None)
    for day in history_dates(latest, months, since=first):
        if day in taken:
            continue
        undone = [p for p in projects if p.actual_end is not None and p.actual_end > day]
        for snapshot in base:
            values = {name: getattr(snapshot, name) for name in COUNTS}
            for project in undone:
                facility = project.block.facility
                inside = (
                    snapshot.scope == Scope.NATION
                    or (snapshot.scope == Scope.REGION and snapshot.object_id == facility.region_id)
                    or (snapshot.scope == Scope.FACILITY and snapshot.object_id == facility.pk)
                )
                block = blocks.get(project.block_id)
                if not inside or block is None:
                    continue
                for name in (
                    "places",
                    "persons_compliant",
                    "persons_in_single_cells",
                    "cells",
                    "cells_compliant",
                    "cells_non_compliant",
                    "cells_unknown",
                ):
                    values[name] -= getattr(block, name)
                rooms, beds = project.baseline_rooms or 0, project.baseline_beds or 0
                values["places"] += beds
                values["cells"] += rooms
                values["cells_non_compliant"] += rooms
            rows.append(
                ComplianceSnapshot(
                    date=day,
                    profile=profile,
                    scope=snapshot.scope,
                    object_id=snapshot.object_id,
                    is_reconstructed=True,
                    **{k: max(v, 0) for k, v in values.items()},
                )
            )
    ComplianceSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
