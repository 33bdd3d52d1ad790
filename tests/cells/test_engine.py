"""The recalculation: aggregates of a hand-built facility, snapshots, reruns, locks, the command."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from cells.compliance.outcomes import recorded_results
from cells.models import BlockCompliance, BlockTotals, Cell, ComplianceRun, ComplianceSnapshot, StandardProfile
from cells.selectors import active_rules, cells_with_results, rule_outcomes
from cells.services import recalculate_compliance
from reporting.selectors import summary
from tests.factories import BlockFactory, CellFactory, FacilityFactory

DAY = datetime.date(2026, 11, 28)


@pytest.fixture
def small_facility(standards, regions):
    """One colony: a dormitory block (2 rooms) and a cell block (3 single cells), hand-measured.

    Dormitory room A: 100 m², 20 beds, 25 persons -> 4.0 m² per person (CPT-2015-2 passes), no annex.
    Dormitory room B: 60 m², 20 beds, 18 persons -> 3.0 m² (fails CPT-2015-2 and ICRC-2012-2).
    Single cells: S1 compliant (1 person), S2 5.9 m² (fails CPT/RM-3, 1 person), S3 ceiling unknown (0 persons).
    """
    facility = FacilityFactory(code="TEST-1", region__code="KZ-35")
    dorm = BlockFactory(facility=facility, name="Dormitory")
    cells = BlockFactory(facility=facility, name="Cells", accommodation_type="cell")
    common = {
        "sanitary_annex_partitioned": True,
        "min_wall_distance_m": Decimal("6"),
        "ceiling_height_m": Decimal("3"),
        "has_natural_light": True,
        "has_sanitary_annex": False,
        "accommodation_type": "dormitory",
    }
    CellFactory(block=dorm, number="A", living_space_m2=Decimal("100"), design_capacity=20, occupancy=25, **common)
    CellFactory(block=dorm, number="B", living_space_m2=Decimal("60"), design_capacity=20, occupancy=18, **common)
    CellFactory(block=cells, number="S1")
    CellFactory(block=cells, number="S2", living_space_m2=Decimal("5.90"))
    CellFactory(block=cells, number="S3", ceiling_height_m=None, occupancy=0)
    CellFactory(block=cells, number="OLD", status="decommissioned", occupancy=0)
    return facility


def _result(number: str, profile: str = "CPT-2015", cell=None):
    """The result shown for the cell ``number`` (or ``cell``) under ``profile``; None when it has none."""
    cell = cell or Cell.objects.get(number=number)
    return recorded_results(Cell.objects.filter(pk=cell.pk)).get((cell.pk, profile))


def _snapshot(scope, object_id, profile):
    return ComplianceSnapshot.objects.get(date=DAY, scope=scope, object_id=object_id, profile__code=profile)


def test_facility_aggregates(small_facility):
    run = recalculate_compliance(run_date=DAY)
    assert (run.outcome, run.cells_evaluated) == ("succeeded", 5)
    assert run.results_written == 5  # 5 cells in use, evaluated for the first time
    cpt = _snapshot("facility", small_facility.pk, "CPT-2015")
    assert (cpt.persons, cpt.places, cpt.cells) == (45, 43, 5)
    # CPT-2015 compliant: room A (25) and S1 (1); B fails 2; S2 fails 1; S3 unknown (ceiling).
    assert (cpt.persons_compliant, cpt.cells_compliant, cpt.cells_non_compliant, cpt.cells_unknown) == (26, 2, 2, 1)
    assert cpt.persons_in_single_cells == 2
    assert cpt.compliant_share == round(100 * 26 / 45, 1)
    roadmap = _snapshot("facility", small_facility.pk, "KZ-ROADMAP")
    # KZ-ROADMAP: dormitories always fail RM-1; S1 and S3 comply (ceiling is not a roadmap rule); S2 fails RM-3.
    assert (roadmap.persons_compliant, roadmap.cells_compliant, roadmap.cells_non_compliant) == (1, 2, 3)
    block = BlockCompliance.objects.with_totals().get(
        block=small_facility.blocks.get(name="Dormitory"), profile__code="CPT-2015"
    )
    assert (block.persons, block.persons_compliant) == (43, 25)
    region = _snapshot("region", small_facility.region_id, "CPT-2015")
    nation = _snapshot("nation", 0, "CPT-2015")
    assert region.persons == nation.persons == 45
    result = _result("B")
    assert result.status == "non_compliant" and result.failed == {"CPT-2015-2": "living_space_per_person_m2"}
    unknown = _result("S3")
    assert unknown.status == "unknown" and unknown.unknown == {"CPT-2015-6": "ceiling_height_m"}
    assert _result("OLD") is None and _result("OLD", "KZ-ROADMAP") is None  # not in use: no result
    assert len(recorded_results()) == 5 * 4

    figures = summary()
    assert (figures["facilities"], figures["places"], figures["population"]) == (1, 43, 45)
    assert figures["persons_in_single_cells"] == 2
    assert figures["headline"] == {"label": figures["headline"]["label"], "persons": 1, "share": 2.2}
    assert {c["profile"]: c["persons_compliant"] for c in figures["compliance"]} == {
        "CPT-2015": 26,
        "ICRC-2012": 27,
        "MANDELA-2015": 2,
        "KZ-ROADMAP": 1,
    }


def test_rerun_writes_nothing_and_keeps_one_snapshot_per_scope(small_facility):
    recalculate_compliance(run_date=DAY)
    before = list(ComplianceSnapshot.objects.order_by("scope", "object_id", "profile_id").values())
    results_before = recorded_results()
    recorded_before = list(Cell.objects.order_by("pk").values("evaluated_outcomes", "outcomes_changed_at"))
    again = recalculate_compliance(run_date=DAY)
    assert again.results_written == 0 and again.results_deleted == 0
    after = list(ComplianceSnapshot.objects.order_by("scope", "object_id", "profile_id").values())
    strip = [{k: v for k, v in row.items() if k != "id"} for row in before]
    assert strip == [{k: v for k, v in row.items() if k != "id"} for row in after]
    assert results_before == recorded_results()
    assert recorded_before == list(Cell.objects.order_by("pk").values("evaluated_outcomes", "outcomes_changed_at"))
    # 1 facility + 1 region + nation, for 4 active profiles; the 2 blocks' figures are kept current
    assert ComplianceSnapshot.objects.filter(date=DAY).count() == 3 * 4
    assert BlockCompliance.objects.count() == 2 * 4 and BlockTotals.objects.count() == 2


def test_only_changed_results_are_written(small_facility):
    recalculate_compliance(run_date=DAY)
    changed_at = dict(Cell.objects.values_list("number", "outcomes_changed_at"))
    Cell.objects.filter(number__in=["S2", "A"]).update(living_space_m2=F("living_space_m2") + Decimal("0.5"))
    run = recalculate_compliance(run_date=DAY)
    # S2 now passes CPT-2015 and KZ-ROADMAP; its ICRC and Mandela results were already compliant. A (25
    # persons in 100.5 m²) changes no outcome.
    assert (run.cells_evaluated, run.results_written) == (2, 1)
    now = dict(Cell.objects.values_list("number", "outcomes_changed_at"))
    assert now["S2"] > changed_at["S2"] and now["A"] == changed_at["A"] and now["B"] == changed_at["B"]
    assert _result("S2").status == "compliant"
    assert _snapshot("facility", small_facility.pk, "CPT-2015").persons_compliant == 27


def test_a_run_records_every_profile_on_the_cell_and_writes_no_row_per_profile(small_facility):
    """Each evaluated cell's outcomes under all four profiles are one text written on its row (its
    results, cells.compliance.outcomes): the run writes to the cells in one statement (the record of the
    evaluation, with the time the outcomes changed), whatever the number of cells or profiles."""
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="A").update(occupancy=30)  # 100 m² for 30 persons: 3.33 m² each
    Cell.objects.filter(number="S2").update(living_space_m2=Decimal("6.50"))
    with CaptureQueriesContext(connection) as captured:
        run = recalculate_compliance(run_date=DAY)
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(('UPDATE "cells_cell"', 'WITH recorded AS (UPDATE "cells_cell"'))
    ]
    assert len(writes) == 1
    assert not [q for q in captured.captured_queries if "complianceresult" in q["sql"]]
    # A now fails CPT-2015 and ICRC-2012 (3.33 m² a person); S2 passes CPT-2015 and KZ-ROADMAP
    assert (run.cells_evaluated, run.results_written) == (2, 2)
    a = _result("A")
    assert (a.status, a.failed) == ("non_compliant", {"CPT-2015-2": "living_space_per_person_m2"})
    assert _result("S2").status == "compliant"


def test_a_failure_measured_again_keeps_its_result_and_shows_the_new_value(small_facility):
    """Same outcome letters, another measured value where a rule fails: the result (which rules fail, since
    when) is not rewritten, and the value shown is the cell's new one (selectors.measured_value)."""
    Cell.objects.filter(number="A").update(occupancy=31)  # 100 m² / 31 persons = 3.22 m²: fails CPT-2015-2
    recalculate_compliance(run_date=DAY)
    before, changed_at = _result("A"), Cell.objects.get(number="A").outcomes_changed_at
    assert changed_at is not None
    Cell.objects.filter(number="A").update(occupancy=32)  # 3.12 m²: fails the same rules, the same letters
    run = recalculate_compliance(run_date=DAY)
    assert (run.cells_evaluated, run.results_written) == (1, 0)
    assert (_result("A"), Cell.objects.get(number="A").outcomes_changed_at) == (before, changed_at)
    cell = cells_with_results(Cell.objects.filter(number="A")).get()
    outcome = next(o for o in rule_outcomes(cell, active_rules()) if o and o["rule"].code == "CPT-2015-2")
    assert (outcome["status"], float(outcome["measured"])) == ("fail", 3.12)


def test_a_change_that_moves_no_count_writes_no_block_figures(small_facility):
    """Deltas that sum to zero are left out: a measurement changed within the same outcomes leaves the
    blocks' figures untouched."""
    recalculate_compliance(run_date=DAY)
    rows = sorted(
        BlockCompliance.objects.with_totals().values_list("block_id", "profile_id", "persons", "cells_compliant")
    )
    Cell.objects.filter(number="S1").update(ceiling_height_m=Decimal("3.10"))  # passes before and after
    run = recalculate_compliance(run_date=DAY)
    assert run.cells_evaluated == 1 and run.results_written == 0
    # No block or facility row written; the region and nation rows of the day (4 profiles each) are summed again.
    assert run.snapshots_written == 4 + 4
    assert (
        sorted(
            BlockCompliance.objects.with_totals().values_list("block_id", "profile_id", "persons", "cells_compliant")
        )
        == rows
    )
    # One person fewer in a cell compliant under the 4 profiles: the block's totals, its 4 figures of
    # persons in compliant accommodation, and the facility, region and nation rows.
    Cell.objects.filter(number="S1").update(occupancy=0)
    assert recalculate_compliance(run_date=DAY).snapshots_written == 1 + 4 + 4 + 4 + 4
    assert _snapshot("facility", small_facility.pk, "CPT-2015").persons == 44


def test_facility_run_and_deactivated_profile(small_facility):
    other = CellFactory(block__facility__code="TEST-2", block__facility__region=small_facility.region)
    recalculate_compliance(run_date=DAY)
    StandardProfile.objects.filter(code="ICRC-2012").update(is_active=False)
    Cell.objects.filter(pk=other.pk).update(living_space_m2=Decimal("5.00"))
    # A facility's run whose rules changed since the last run (a profile deactivated) covers the estate:
    # the cells of other facilities hold outcomes under the old rules.
    other_before = _result(None, cell=other)
    assert Cell.objects.get(pk=other.pk).awaiting_evaluation and other_before.status == "compliant"
    run = recalculate_compliance(run_date=DAY, facility_code="TEST-1")
    assert (run.full, run.facility, run.cells_evaluated, run.results_deleted) == (True, None, 6, 0)
    shown = recorded_results()
    assert {code for _, code in shown} == {"CPT-2015", "MANDELA-2015", "KZ-ROADMAP"} and len(shown) == 6 * 3
    assert not Cell.objects.get(pk=other.pk).awaiting_evaluation
    assert _snapshot("region", small_facility.region_id, "CPT-2015").persons == 46
    # Under the same rules, a facility's run stays the facility's.
    Cell.objects.filter(pk=other.pk).update(occupancy=0)
    again = recalculate_compliance(run_date=DAY, facility_code="TEST-1")
    assert (again.full, again.facility.code, again.cells_evaluated) == (False, "TEST-1", 0)


def test_a_failing_run_leaves_the_previous_state(small_facility, monkeypatch):
    recalculate_compliance(run_date=DAY)
    snapshot_ids = set(ComplianceSnapshot.objects.values_list("pk", flat=True))
    Cell.objects.filter(number="S2").update(living_space_m2=Decimal("6.50"))

    def boom(*args, **kwargs):
        raise RuntimeError("killed half way")

    monkeypatch.setattr("cells.compliance.snapshots.write_figures", boom)
    with pytest.raises(RuntimeError):
        recalculate_compliance(run_date=DAY)
    assert ComplianceRun.objects.first().outcome == "failed"
    assert _result("S2").status == "non_compliant"
    assert set(ComplianceSnapshot.objects.values_list("pk", flat=True)) == snapshot_ids
    monkeypatch.undo()
    assert recalculate_compliance(run_date=DAY).outcome == "succeeded"
    assert _snapshot("facility", small_facility.pk, "CPT-2015").persons_compliant == 27


# The lock (a second run refused) and a run failing half way: tests/cells/test_faults.py.


def test_statement_count_does_not_depend_on_cells(small_facility):
    with CaptureQueriesContext(connection) as first:
        recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="A").update(occupancy=26)
    with CaptureQueriesContext(connection) as small:
        recalculate_compliance(run_date=DAY)
    block = small_facility.blocks.get(name="Cells")  # a new block would make the roll-up sum every block
    CellFactory.create_batch(60, block=block)
    with CaptureQueriesContext(connection) as large:
        recalculate_compliance(run_date=DAY)
    assert len(large.captured_queries) == len(small.captured_queries)
    with CaptureQueriesContext(connection) as full:
        recalculate_compliance(run_date=DAY, full=True)
    assert len(full.captured_queries) <= len(first.captured_queries) + 2


def test_command_options(small_facility, capsys):
    call_command("recalculate_compliance", "--facility", "TEST-1", "--date", "2026-11-27")
    assert "5 cells evaluated" in capsys.readouterr().out
    assert ComplianceSnapshot.objects.filter(date=datetime.date(2026, 11, 27), scope="facility").count() == 4
    with pytest.raises(CommandError, match="no facility with code 'NOPE'"):
        call_command("recalculate_compliance", "--facility", "NOPE")
    with pytest.raises(CommandError, match="not a date"):
        call_command("recalculate_compliance", "--date", "2024-02-30")
    with pytest.raises(CommandError, match=r"--date: The date cannot be in the future \(today is "):
        call_command("recalculate_compliance", "--date", "2099-01-01")
    assert not ComplianceSnapshot.objects.filter(date=datetime.date(2099, 1, 1)).exists()


def test_no_active_profile_clears_results(small_facility):
    recalculate_compliance(run_date=DAY)
    StandardProfile.objects.update(is_active=False)
    run = recalculate_compliance(run_date=DAY)
    assert (run.outcome, run.results_written, run.results_deleted, run.snapshots_written) == ("succeeded", 0, 0, 0)
    assert recorded_results() == {}


def test_results_are_read_under_the_rules_of_their_evaluation(small_facility):
    """A rule added after a cell's evaluation has no outcome for it until the next run (not a pass), while
    the rules it was evaluated against keep theirs; the run then records the new layout."""
    recalculate_compliance(run_date=DAY)
    profile = StandardProfile.objects.get(code="CPT-2015")
    profile.rules.create(
        code="CPT-2015-X",
        metric="ceiling_height_m",
        operator=">=",
        value=9.0,
        unit="m",
        applies_to=["dormitory", "single_occupancy_cell", "multiple_occupancy_cell"],
        source="test",
        position=99,
    )

    def outcomes(number: str) -> dict:
        cell = cells_with_results(Cell.objects.filter(number=number)).get()
        return {o["rule"].code: o["status"] for o in rule_outcomes(cell, active_rules()) if o}

    before = outcomes("A")
    assert before["CPT-2015-X"] == "awaiting" and before["CPT-2015-2"] == "pass"
    assert _result("A").status == "compliant"  # as evaluated, under the rules of the time
    run = recalculate_compliance(run_date=DAY)
    assert run.full and run.cells_evaluated == 5
    after = outcomes("A")
    assert after["CPT-2015-X"] == "fail" and after["CPT-2015-2"] == "pass"
    assert _result("A").failed == {"CPT-2015-X": "ceiling_height_m"}


def test_a_new_headcount_writes_the_blocks_totals_once_and_only_the_profiles_it_counts_in(small_facility):
    """The totals that do not depend on a profile (persons, places, cells) are one row per block
    (BlockTotals); a profile's row changes only when the cell counts in its compliant persons or
    changes status."""
    recalculate_compliance(run_date=DAY)
    cell = Cell.objects.get(number="B")
    compliant = [
        code for (pk, code), r in recorded_results(Cell.objects.filter(pk=cell.pk)).items() if r.status == "compliant"
    ]
    Cell.objects.filter(pk=cell.pk).update(occupancy=F("occupancy") + 1)
    run = recalculate_compliance(run_date=DAY)
    assert run.results_written == 0  # the same outcomes
    # the block's totals + one row per profile it is compliant under + 4 facility, 4 region, 4 nation rows
    assert run.snapshots_written == 1 + len(compliant) + 4 + 4 + 4
    assert len(compliant) < 4
    assert BlockTotals.objects.get(block=cell.block).persons == 43 + 1
