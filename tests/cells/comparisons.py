"""What the engine's tests compare: an incremental run's state and a full run's (helpers, not tests)."""

import datetime

from django.db import transaction

from cells.compliance.outcomes import recorded_results
from cells.models import BlockCompliance, Cell, ComplianceSnapshot
from cells.services import recalculate_compliance

DAY = datetime.date(2026, 11, 27)
NEXT = DAY + datetime.timedelta(days=1)


def snapshots(day):
    """Every snapshot row of ``day``, and the blocks' current figures, as comparable tuples."""
    counts = [
        "persons",
        "places",
        "persons_compliant",
        "persons_in_single_cells",
        "cells",
        "cells_compliant",
        "cells_non_compliant",
        "cells_unknown",
    ]
    return (
        sorted(ComplianceSnapshot.objects.filter(date=day).values_list("scope", "object_id", "profile_id", *counts)),
        sorted(BlockCompliance.objects.with_totals().values_list("block_id", "profile_id", *counts)),
    )


def results():
    """Every result, and every cell's contribution as of its last evaluation, as comparable tuples."""
    return (
        sorted(
            (pk, r.profile.pk, r.status, tuple(sorted(r.failed.items())), tuple(sorted(r.unknown.items())))
            for (pk, _), r in recorded_results().items()
        ),
        sorted(
            Cell.objects.values_list(
                "id",
                "evaluated_block_id",
                "evaluated_persons",
                "evaluated_places",
                "evaluated_single",
                "evaluated_outcomes",
            )
        ),
    )


def state_and_full(day):
    """``(now, full)``: the results and snapshots of ``day`` as they stand, and as a full run would leave
    them (the full run rolled back)."""
    state = (results(), snapshots(day))
    with transaction.atomic():
        recalculate_compliance(run_date=day, full=True)
        full = (results(), snapshots(day))
        transaction.set_rollback(True)
    return state, full
