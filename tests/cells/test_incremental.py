"""What keeps the recalculation fast, guarded: only cells whose inputs changed are evaluated, only their
blocks re-aggregated, unchanged rows are not rewritten, the statement count does not grow with the
estate, and an incremental run leaves exactly what a full run would."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cells.models import Cell, ComplianceResult, ComplianceSnapshot, StandardProfile
from cells.services import recalculate_compliance
from tests.factories import BlockFactory, CellFactory, FacilityFactory

DAY = datetime.date(2026, 11, 27)
NEXT = DAY + datetime.timedelta(days=1)


@pytest.fixture
def estate(standards, regions):
    """Two facilities in two regions, two blocks each, five cells a block."""
    for code, region in (("A", "KZ-35"), ("B", "KZ-75")):
        facility = FacilityFactory(code=code, region__code=region)
        for name in ("North", "South"):
            block = BlockFactory(facility=facility, name=name)
            for n in range(5):
                CellFactory(block=block, number=f"{n}", occupancy=1,
                            living_space_m2=Decimal("6.50") if n % 2 else Decimal("5.50"))


def snapshots(day):
    """Every snapshot row of ``day`` as comparable tuples."""
    fields = ["scope", "object_id", "profile_id", "persons", "places", "persons_compliant",
              "persons_in_single_cells", "cells", "cells_compliant", "cells_non_compliant", "cells_unknown"]
    return sorted(ComplianceSnapshot.objects.filter(date=day).values_list(*fields))


def test_a_rerun_evaluates_nothing_and_writes_no_result(estate):
    first = recalculate_compliance(run_date=DAY)
    assert first.cells_evaluated == 20 and first.results_written == 80
    again = recalculate_compliance(run_date=DAY)
    assert (again.cells_evaluated, again.results_written, again.results_deleted) == (0, 0, 0)


def test_only_changed_cells_are_evaluated_whatever_wrote_them(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="0", block__name="North", block__facility__code="A").update(
        living_space_m2=Decimal("7.00"))  # a queryset update: no save(), no signal
    run = recalculate_compliance(run_date=NEXT)
    assert run.cells_evaluated == 1
    assert run.results_written == 2  # CPT-2015 and KZ-ROADMAP now pass; ICRC and Mandela were already compliant
    assert ComplianceResult.objects.get(cell__number="0", cell__block__name="North", cell__block__facility__code="A",
                                        profile__code="CPT-2015").status == "compliant"


def test_incremental_snapshots_equal_a_full_run(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="1", block__facility__code="B", block__name="South").update(occupancy=3)
    Cell.objects.filter(number="2", block__facility__code="A", block__name="North").update(status="decommissioned")
    incremental = recalculate_compliance(run_date=NEXT)
    assert incremental.cells_evaluated == 1  # the decommissioned cell is not evaluated; its results go
    assert incremental.results_deleted == 4
    carried = snapshots(NEXT)
    recalculate_compliance(run_date=NEXT, full=True)
    assert snapshots(NEXT) == carried
    nation = ComplianceSnapshot.objects.get(date=NEXT, scope="nation", profile__code="CPT-2015")
    assert (nation.persons, nation.cells) == (20 - 1 + 2, 19)


def test_changing_a_rule_re_evaluates_every_cell(estate):
    recalculate_compliance(run_date=DAY)
    profile = StandardProfile.objects.get(code="CPT-2015")
    rule = profile.rules.get(code="CPT-2015-1")
    rule.value = 5.0
    rule.save()
    run = recalculate_compliance(run_date=DAY)
    assert run.cells_evaluated == 20
    assert ComplianceResult.objects.filter(profile=profile, status="compliant").count() > 0


def test_statements_do_not_grow_with_the_cells_changed(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="0").update(occupancy=0)
    with CaptureQueriesContext(connection) as few:
        recalculate_compliance(run_date=NEXT)
    Cell.objects.all().update(occupancy=2)
    with CaptureQueriesContext(connection) as many:
        recalculate_compliance(run_date=NEXT + datetime.timedelta(days=1))
    assert len(few.captured_queries) == len(many.captured_queries)
