"""What keeps the recalculation fast, guarded: only cells whose inputs changed are evaluated, only their
blocks re-aggregated, unchanged rows are not rewritten, the statement count does not grow with the
estate, and an incremental run leaves exactly what a full run would."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cells.compliance.outcomes import recorded_results
from cells.models import Cell, ComplianceSnapshot, StandardProfile
from cells.services import recalculate_compliance
from tests.cells.comparisons import DAY, NEXT, snapshots, state_and_full
from tests.factories import CellFactory


def test_a_rerun_evaluates_nothing_and_writes_no_result(estate):
    first = recalculate_compliance(run_date=DAY)
    assert first.cells_evaluated == 20 and first.results_written == 20
    again = recalculate_compliance(run_date=DAY)
    assert (again.cells_evaluated, again.results_written, again.results_deleted) == (0, 0, 0)


def test_only_changed_cells_are_evaluated_whatever_wrote_them(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="0", block__name="North", block__facility__code="A").update(
        living_space_m2=Decimal("7.00")
    )  # a queryset update: no save(), no signal
    run = recalculate_compliance(run_date=NEXT)
    assert run.cells_evaluated == 1
    assert run.results_written == 1  # CPT-2015 and KZ-ROADMAP now pass; ICRC and Mandela were already compliant
    cell = Cell.objects.get(number="0", block__name="North", block__facility__code="A")
    assert recorded_results()[(cell.pk, "CPT-2015")].status == "compliant"


def test_incremental_snapshots_equal_a_full_run(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="1", block__facility__code="B", block__name="South").update(occupancy=3)
    Cell.objects.filter(number="2", block__facility__code="A", block__name="North").update(status="decommissioned")
    incremental = recalculate_compliance(run_date=NEXT)
    assert incremental.cells_evaluated == 1  # the decommissioned cell is not evaluated; its results go
    assert incremental.results_deleted == 1
    carried = snapshots(NEXT)
    recalculate_compliance(run_date=NEXT, full=True)
    assert snapshots(NEXT) == carried
    nation = ComplianceSnapshot.objects.get(date=NEXT, scope="nation", profile__code="CPT-2015")
    assert (nation.persons, nation.cells) == (20 - 1 + 2, 19)


def test_changing_a_rule_re_evaluates_every_cell(estate):
    recalculate_compliance(run_date=DAY)

    def compliant() -> int:
        return sum(1 for (_, code), r in recorded_results().items() if code == "CPT-2015" and r.status == "compliant")

    before = compliant()
    profile = StandardProfile.objects.get(code="CPT-2015")
    rule = profile.rules.get(code="CPT-2015-1")
    rule.value = 5.0
    rule.save()
    run = recalculate_compliance(run_date=DAY)
    assert run.cells_evaluated == 20
    assert compliant() > before


def test_statements_do_not_grow_with_the_cells_changed(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="0").update(occupancy=0)
    with CaptureQueriesContext(connection) as few:
        recalculate_compliance(run_date=NEXT)
    Cell.objects.all().update(occupancy=2)
    with CaptureQueriesContext(connection) as many:
        recalculate_compliance(run_date=NEXT + datetime.timedelta(days=1))
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.django_db(transaction=False)
def test_random_changes_incremental_equals_full(estate):
    """Sixty rounds of random changes (plain UPDATEs, moves between blocks, new cells, decommissioning,
    rule and profile changes, runs for one facility or all, the same day, the next or an earlier one): after each
    estate-wide incremental run, results and snapshots equal those of a full run."""
    import random

    from facilities.models import ResidentialBlock

    rng = random.Random(7)
    recalculate_compliance(run_date=DAY)
    day = DAY
    blocks = list(ResidentialBlock.objects.all())
    for round_ in range(60):
        cells = list(Cell.objects.all())
        for cell in rng.sample(cells, rng.randint(1, 4)):
            change = rng.choice(["occupancy", "area", "status", "move", "nulls", "type"])
            qs = Cell.objects.filter(pk=cell.pk)
            if change == "occupancy":
                qs.update(occupancy=rng.choice([0, 1, None]))
            elif change == "area":
                qs.update(living_space_m2=Decimal(rng.choice(["4.00", "5.90", "6.00", "9.50"])))
            elif change == "status":
                qs.update(status=rng.choice(["in_use", "in_use", "decommissioned", "under_reconstruction"]))
            elif change == "move":
                qs.update(block=rng.choice(blocks), number=f"m{round_}-{cell.pk}")
            elif change == "nulls":
                qs.update(ceiling_height_m=rng.choice([None, Decimal("2.70")]))
            else:
                qs.update(accommodation_type="multiple_occupancy_cell", design_capacity=2)
        if rng.random() < 0.2:
            CellFactory(block=rng.choice(blocks), number=f"new-{round_}", occupancy=1)
        if rng.random() < 0.1:
            rule = StandardProfile.objects.get(code="CPT-2015").rules.get(code="CPT-2015-1")
            rule.value = rng.choice([5.0, 6.0])
            rule.save()
        if rng.random() < 0.25:
            StandardProfile.objects.filter(code="ICRC-2012").update(is_active=rng.random() < 0.5)
        if rng.random() < 0.3:
            day = day + datetime.timedelta(days=1)
        if rng.random() < 0.1:  # a run for an earlier date in between
            recalculate_compliance(run_date=day - datetime.timedelta(days=2))
        if rng.random() < 0.3:
            recalculate_compliance(run_date=day, facility_id=rng.choice(blocks).facility_id)
        recalculate_compliance(run_date=day)
        incremental, full = state_and_full(day)
        assert incremental[0] == full[0], f"results differ after round {round_}"
        assert incremental[1] == full[1], f"snapshots differ after round {round_}"


def _equals_full(day):
    state, full = state_and_full(day)
    return state == full


def test_reactivating_a_profile_after_a_facility_run(estate):
    from facilities.models import Facility

    recalculate_compliance(run_date=DAY)
    StandardProfile.objects.filter(code="CPT-2015").update(is_active=False)
    recalculate_compliance(run_date=DAY, facility_id=Facility.objects.get(code="A").pk)
    StandardProfile.objects.filter(code="CPT-2015").update(is_active=True)
    recalculate_compliance(run_date=NEXT)
    assert sum(1 for _, code in recorded_results() if code == "CPT-2015") == 20
    assert _equals_full(NEXT)


def test_a_run_for_an_earlier_date_then_a_later_one(estate):
    recalculate_compliance(run_date=NEXT)
    Cell.objects.filter(number="3", block__facility__code="B", block__name="North").update(occupancy=4)
    recalculate_compliance(run_date=DAY)
    later = NEXT + datetime.timedelta(days=1)
    recalculate_compliance(run_date=later)
    assert _equals_full(later)


def test_a_copied_cell_is_evaluated(estate):
    recalculate_compliance(run_date=DAY)
    cell = Cell.objects.filter(block__facility__code="A").first()
    cell.pk, cell.number = None, "copy"
    cell.save()
    assert cell.evaluated_outcomes is None and cell.evaluated_revision is None
    assert recalculate_compliance(run_date=NEXT).cells_evaluated == 1
    assert _equals_full(NEXT)


def test_a_run_on_a_date_of_reconstructed_demo_history(estate):
    recalculate_compliance(run_date=DAY)
    profile = StandardProfile.objects.get(code="KZ-ROADMAP")
    ComplianceSnapshot.objects.create(
        date=NEXT, profile=profile, scope="nation", object_id=0, persons=1, is_reconstructed=True
    )
    recalculate_compliance(run_date=NEXT)
    nation = ComplianceSnapshot.objects.get(date=NEXT, profile=profile, scope="nation")
    assert not nation.is_reconstructed and nation.persons == 20


def test_the_trigger_raises_the_revision_only_when_an_input_changes(estate):
    cell = Cell.objects.order_by("pk").first()
    assert cell.input_revision == 1 and cell.evaluated_revision is None  # a new cell is due
    recalculate_compliance(run_date=DAY)
    cell.refresh_from_db()
    assert (cell.input_revision, cell.evaluated_revision) == (1, 1)
    Cell.objects.filter(pk=cell.pk).update(number="renamed", is_demo=True)  # not an input: still evaluated
    cell.refresh_from_db()
    assert (cell.input_revision, cell.evaluated_revision) == (1, 1)
    with connection.cursor() as cursor:  # plain SQL, as another system would write it
        cursor.execute("UPDATE cells_cell SET occupancy = 4 WHERE id = %s", [cell.pk])
    cell.refresh_from_db()
    assert cell.input_revision == 2
    cell.input_revision = 1  # a form holding an old copy cannot lower it
    cell.occupancy = 5
    cell.save()
    cell.refresh_from_db()
    assert cell.input_revision == 3
    run = recalculate_compliance(run_date=DAY)
    assert run.cells_evaluated == 1
    cell.refresh_from_db()
    assert (cell.input_revision, cell.evaluated_revision) == (3, 3)


def test_a_change_written_during_a_run_keeps_the_cell_due(estate, monkeypatch):
    from cells.compliance import evaluate

    recalculate_compliance(run_date=DAY)
    cell = Cell.objects.order_by("pk").first()
    Cell.objects.filter(pk=cell.pk).update(occupancy=2)
    prepare = evaluate.evaluate_chosen_cells

    def prepare_then_write(*args, **kwargs):
        count = prepare(*args, **kwargs)  # the run has read the cell at revision 2...
        Cell.objects.filter(pk=cell.pk).update(occupancy=3)  # ...and a ministry edit lands (revision 3)
        return count

    monkeypatch.setattr(evaluate, "evaluate_chosen_cells", prepare_then_write)
    assert recalculate_compliance(run_date=DAY).cells_evaluated == 1
    cell.refresh_from_db()
    assert (cell.input_revision, cell.evaluated_revision) == (3, 2)  # still due
    monkeypatch.setattr(evaluate, "evaluate_chosen_cells", prepare)
    assert recalculate_compliance(run_date=DAY).cells_evaluated == 1
    assert recalculate_compliance(run_date=DAY).cells_evaluated == 0
    assert _equals_full(DAY)


def test_only_runs_under_other_rules_force_a_full_run(estate):
    from cells.compliance import policy

    run = recalculate_compliance(run_date=DAY)
    assert run.full  # the first estate-wide run
    assert not recalculate_compliance(run_date=DAY).full
    rule = StandardProfile.objects.get(code="CPT-2015").rules.get(code="CPT-2015-1")
    original = rule.value
    rule.value = 5.0
    rule.save()
    facility_run = recalculate_compliance(run_date=DAY, facility_code="A")
    assert facility_run.full  # the estate's last run used other rules
    rule.value = original
    rule.save()
    # Facility A's cells were evaluated under the changed rule: the next estate-wide run cannot trust them.
    assert policy.must_run_full(run.rules_version)
    assert recalculate_compliance(run_date=DAY).full
    assert _equals_full(DAY)


def test_the_triggers_list_every_due_cell_and_a_run_empties_the_list(estate):
    """Whatever writes a cell (an insert, an ORM update, plain SQL), the triggers list it as due
    (DueCell); the run that evaluates it removes it, and a deleted cell's row goes with the next run."""
    from cells.models import DueCell

    recalculate_compliance(run_date=DAY)
    assert not DueCell.objects.exists()
    first, second, third = Cell.objects.filter(block__facility__code="A").order_by("pk")[:3]
    Cell.objects.filter(pk=first.pk).update(occupancy=9)
    Cell.objects.filter(pk=second.pk).update(number="renamed")  # not an input: not due
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cells_cell SET has_natural_light = NOT has_natural_light WHERE id = %s", [third.pk])
    new = CellFactory(block=first.block, number="new")
    assert set(DueCell.objects.values_list("cell_id", flat=True)) == {first.pk, third.pk, new.pk}
    run = recalculate_compliance(run_date=DAY)
    assert run.cells_evaluated == 3
    assert not DueCell.objects.exists()
    assert _equals_full(DAY)
    gone = Cell.objects.filter(block__facility__code="B").order_by("pk").first()
    Cell.objects.filter(pk=gone.pk).update(occupancy=5)
    Cell.objects.filter(pk=gone.pk).delete()  # its row outlives it (no foreign key)...
    assert list(DueCell.objects.values_list("cell_id", flat=True)) == [gone.pk]
    assert recalculate_compliance(run_date=DAY).cells_evaluated == 0
    assert not DueCell.objects.exists()  # ...until the next run


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
def test_an_evaluation_rewrites_a_cell_in_place(estate):
    """A run's record of an evaluation is a HOT update (heap only, no new index entries): no index of
    the cells names the columns it writes (the list of due cells is a table of its own)."""
    from cells.compliance.triggers import INPUT_FIELDS

    indexed = set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'cells_cell'::regclass")
        definitions = [row[0] for row in cursor.fetchall()]
    for field in Cell._meta.concrete_fields:
        if any(field.column in definition for definition in definitions):
            indexed.add(field.column)
    assert indexed.isdisjoint(Cell.ENGINE_FIELDS), indexed
    assert "input_revision" not in indexed and len(INPUT_FIELDS) > 0


def test_a_copy_loaded_before_a_run_does_not_write_back_the_evaluation(estate):
    recalculate_compliance(run_date=DAY)
    stale_copy = Cell.objects.filter(block__facility__code="A").order_by("pk").first()  # a form opened...
    Cell.objects.filter(pk=stale_copy.pk).update(occupancy=3)
    recalculate_compliance(run_date=DAY)  # ...a run evaluates another change to the cell...
    stale_copy.number = "renamed"
    stale_copy.save()  # ...and the form is saved: the run's record of the cell stands
    fresh = Cell.objects.get(pk=stale_copy.pk)
    assert (fresh.evaluated_persons, fresh.evaluated_revision, fresh.number) == (3, 2, "renamed")
    assert recalculate_compliance(run_date=DAY).cells_evaluated == 1  # its occupancy (1) is an input again
    assert _equals_full(DAY)


def test_a_full_run_repairs_a_write_that_bypassed_the_trigger(estate):
    """The weekly full run is the safety net: a cell changed with the trigger off (a bulk load with
    triggers disabled) is not seen by an incremental run, but a full run sees that its contribution to
    its block differs from the one recorded, and re-evaluates it."""
    from cells.compliance import triggers

    recalculate_compliance(run_date=DAY)
    cell = Cell.objects.filter(block__facility__code="B").order_by("pk").first()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # as pg_restore or a replica would write it: no triggers
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute(f"DROP TRIGGER {triggers.TRIGGER}")
        cursor.execute("UPDATE cells_cell SET occupancy = 7 WHERE id = %s", [cell.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            triggers.install(connection)
    assert recalculate_compliance(run_date=DAY).cells_evaluated == 0  # unseen
    full = recalculate_compliance(run_date=DAY, full=True)
    assert full.results_written > 0
    fresh = Cell.objects.get(pk=cell.pk)
    assert fresh.evaluated_persons == 7
    nation = ComplianceSnapshot.objects.get(date=DAY, scope="nation", profile__code="CPT-2015")
    assert nation.persons == 20 - 1 + 7
    assert _equals_full(DAY)


def test_a_same_day_run_adds_its_deltas_to_the_facility_rows(estate):
    """A second run of the same date adds the changed blocks' deltas to the day's facility rows instead of
    summing every block (policy.facility_rows_current); the rows equal a full recount, and a facility
    left without a cell in use loses its row as it would then."""
    from cells.compliance import policy

    recalculate_compliance(run_date=DAY)
    blocks = policy.blocks_version()
    assert policy.facility_rows_current(DAY, blocks) and not policy.facility_rows_current(NEXT, blocks)
    Cell.objects.filter(block__facility__code="A", number="1").update(occupancy=3)
    with CaptureQueriesContext(connection) as captured:
        recalculate_compliance(run_date=DAY)
    assert not any(
        "cells_blockcompliance" in q["sql"] and 'INSERT INTO "cells_compliancesnapshot"' in q["sql"]
        for q in captured.captured_queries
    )  # the facility rows were not summed from the blocks
    assert _equals_full(DAY)
    Cell.objects.filter(block__facility__code="B").update(status="decommissioned")
    recalculate_compliance(run_date=DAY)
    from facilities.models import Facility

    b = Facility.objects.get(code="B")
    assert not ComplianceSnapshot.objects.filter(date=DAY, scope="facility", object_id=b.pk).exists()
    assert _equals_full(DAY)


@pytest.mark.parametrize("how", ["save", "queryset update"])
def test_a_block_moved_to_another_facility_is_counted_there_the_same_day(estate, how):
    """Moving a block changes no cell: the day's facility rows are summed from the blocks again, since the
    blocks' fingerprint (policy.blocks_version) differs from the last run's, however the block was moved."""
    from facilities.models import Facility, ResidentialBlock

    recalculate_compliance(run_date=DAY)
    block = ResidentialBlock.objects.get(facility__code="A", name="North")
    if how == "save":
        block.facility = Facility.objects.get(code="B")
        block.name = "North (moved)"
        block.save()
    else:
        ResidentialBlock.objects.filter(pk=block.pk).update(
            facility=Facility.objects.get(code="B"), name="North (moved)"
        )  # no history written
    Cell.objects.filter(block__facility__code="B", number="0").update(occupancy=2)
    recalculate_compliance(run_date=DAY)
    a = ComplianceSnapshot.objects.get(
        date=DAY, scope="facility", object_id=Facility.objects.get(code="A").pk, profile__code="CPT-2015"
    )
    assert a.cells == 5  # South only
    assert _equals_full(DAY)
