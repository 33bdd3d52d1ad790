"""Adversarial sequences against the incremental compliance run: after each, the incremental state must
equal what a full run would leave (tests.cells.comparisons.state_and_full).

Known limits, not tested here: a cell deleted outright, and a copy of a loaded cell inserted with
bulk_create (which skips Cell.save and keeps the original's evaluation record), are seen only by an
estate-wide full run's recount (the first) or not at all (the second)."""

import datetime
from decimal import Decimal

import pytest

from cells.models import Cell, ComplianceRun, ComplianceSnapshot, StandardProfile, StandardRule
from cells.services import recalculate_compliance
from facilities.models import Facility, Region, ResidentialBlock
from tests.cells.comparisons import DAY, NEXT, state_and_full
from tests.conftest import requires_postgres
from tests.factories import BlockFactory, CellFactory

EARLIER = DAY - datetime.timedelta(days=1)


def cell(facility, block, number):
    return Cell.objects.get(block__facility__code=facility, block__name=block, number=number)


def diff(day):
    """What differs between the current state and a full run's (for the report)."""
    state, full = state_and_full(day)
    out = []
    names = ["results", "cells", "snapshots", "blocks"]
    for name, a, b in zip(names, [*state[0], *state[1]], [*full[0], *full[1]]):
        sa, sb = set(map(repr, a)), set(map(repr, b))
        if sa != sb:
            out.append((name, "incremental only:", sorted(sa - sb), "full only:", sorted(sb - sa)))
    return out


def check(day):
    """The state equals a full run's (as _equals_full), with what differs in the message."""
    d = diff(day)
    assert not d, "\n".join(map(str, d))


# --- 1. same-day facility-row deltas -------------------------------------------------------------


def test_block_moved_by_queryset_update_same_day(estate):
    recalculate_compliance(run_date=DAY)
    ResidentialBlock.objects.filter(facility__code="A", name="North").update(
        facility=Facility.objects.get(code="B"), name="North (moved)"
    )  # no history row
    Cell.objects.filter(block__facility__code="B", block__name="South", number="0").update(occupancy=2)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_block_moved_by_save_then_facility_run_then_estate_run(estate):
    recalculate_compliance(run_date=DAY)
    block = ResidentialBlock.objects.get(facility__code="A", name="North")
    block.facility = Facility.objects.get(code="B")
    block.name = "North (moved)"
    block.save()
    recalculate_compliance(run_date=DAY, facility_code="A")
    Cell.objects.filter(number="2").update(occupancy=3)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_block_deleted_same_day(estate):
    recalculate_compliance(run_date=DAY)
    ResidentialBlock.objects.get(facility__code="A", name="North").delete()
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="1").update(occupancy=2)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_block_deleted_after_a_cell_moved_out_of_it(estate):
    recalculate_compliance(run_date=DAY)
    south = ResidentialBlock.objects.get(facility__code="A", name="South")
    Cell.objects.filter(block__facility__code="A", block__name="North", number="1").update(block=south, number="x1")
    ResidentialBlock.objects.get(facility__code="A", name="North").delete()
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_facility_deleted_same_day(estate):
    recalculate_compliance(run_date=DAY)
    Facility.objects.get(code="A").delete()
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_facility_changes_region_same_day(estate):
    recalculate_compliance(run_date=DAY)
    Facility.objects.filter(code="A").update(region=Region.objects.get(code="KZ-75"))
    Cell.objects.filter(block__facility__code="B", number="1").update(occupancy=2)
    recalculate_compliance(run_date=DAY)
    check(DAY)
    facility = Facility.objects.get(code="B")
    facility.region = Region.objects.get(code="KZ-35")
    facility.save()
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_facility_runs_interleaved_with_estate_runs_same_day(estate):
    recalculate_compliance(run_date=DAY)
    b_north = ResidentialBlock.objects.get(facility__code="B", name="North")
    Cell.objects.filter(block__facility__code="A", block__name="North", number="0").update(block=b_north, number="a0")
    recalculate_compliance(run_date=DAY, facility_code="A")  # the moved cell is now B's: not seen
    Cell.objects.filter(block__facility__code="A", number="3").update(occupancy=0)
    recalculate_compliance(run_date=DAY, facility_code="B")
    recalculate_compliance(run_date=DAY, facility_code="A")
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_cell_moved_in_then_facility_full_run_then_estate_run(estate):
    """A cell moved from B to A; a full run of facility A recounts A's blocks only: B's block keeps the
    cell's old contribution while the cell records its new one."""
    recalculate_compliance(run_date=DAY)
    a_north = ResidentialBlock.objects.get(facility__code="A", name="North")
    Cell.objects.filter(block__facility__code="B", block__name="South", number="1").update(block=a_north, number="b1")
    recalculate_compliance(run_date=DAY, facility_code="A", full=True)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_cell_moved_out_then_facility_full_run_then_estate_run(estate):
    """A cell moved from A to B; a full run of facility A recounts A's blocks without it, and the next
    incremental run takes its old contribution out of A's block a second time."""
    recalculate_compliance(run_date=DAY)
    b_north = ResidentialBlock.objects.get(facility__code="B", name="North")
    Cell.objects.filter(block__facility__code="A", block__name="South", number="1").update(block=b_north, number="a1")
    recalculate_compliance(run_date=DAY, facility_code="A", full=True)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_cell_moved_out_then_facility_full_run_then_estate_run_next_day(estate):
    recalculate_compliance(run_date=DAY)
    b_north = ResidentialBlock.objects.get(facility__code="B", name="North")
    Cell.objects.filter(block__facility__code="A", block__name="South", number="1").update(block=b_north, number="a1")
    recalculate_compliance(run_date=DAY, facility_code="A", full=True)
    recalculate_compliance(run_date=NEXT)
    check(NEXT)


def test_earlier_date_run_in_between(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="1").update(occupancy=2)
    recalculate_compliance(run_date=EARLIER)
    Cell.objects.filter(number="3").update(occupancy=0)
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="0").update(status="decommissioned")
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_failed_run_in_between(estate, monkeypatch):
    from cells.compliance import snapshots as figures_stage

    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="1").update(occupancy=2)
    original = figures_stage.roll_up

    def broken(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("boom")

    monkeypatch.setattr(figures_stage, "roll_up", broken)
    with pytest.raises(RuntimeError):
        recalculate_compliance(run_date=DAY)
    monkeypatch.setattr(figures_stage, "roll_up", original)
    Cell.objects.filter(number="2").update(occupancy=3)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_failed_run_of_another_date_in_between(estate, monkeypatch):
    from cells.compliance import snapshots as figures_stage

    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="1").update(occupancy=2)
    original = figures_stage.write_figures

    def broken(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("boom")

    monkeypatch.setattr(figures_stage, "write_figures", broken)
    with pytest.raises(RuntimeError):
        recalculate_compliance(run_date=NEXT)
    monkeypatch.setattr(figures_stage, "write_figures", original)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_facility_without_cell_in_use_then_back(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(block__facility__code="A").update(status="decommissioned")
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(block__facility__code="A", number="2").update(status="in_use")
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(block__facility__code="A").update(status="in_use")
    recalculate_compliance(run_date=DAY, facility_code="A")
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_all_cells_out_of_use_then_back(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.update(status="under_reconstruction")
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="4").update(status="in_use")
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_bulk_created_new_cells_same_day(estate):
    recalculate_compliance(run_date=DAY)
    block = ResidentialBlock.objects.get(facility__code="B", name="South")
    Cell.objects.bulk_create(
        [
            Cell(
                block=block,
                number=f"bulk{n}",
                accommodation_type="multiple_occupancy_cell",
                living_space_m2=Decimal("9.00"),
                design_capacity=2,
                occupancy=n,
            )
            for n in range(3)
        ]
    )
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_bulk_created_block_and_cells_same_day(estate):
    recalculate_compliance(run_date=DAY)
    (block,) = ResidentialBlock.objects.bulk_create(
        [ResidentialBlock(facility=Facility.objects.get(code="A"), name="Bulk", accommodation_type="dormitory")]
    )
    block = ResidentialBlock.objects.get(name="Bulk")
    Cell.objects.bulk_create(
        [
            Cell(
                block=block,
                number="b0",
                accommodation_type="single_occupancy_cell",
                living_space_m2=Decimal("7.00"),
                design_capacity=1,
                occupancy=1,
            )
        ]
    )
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_new_block_and_cells_with_save_same_day(estate):
    recalculate_compliance(run_date=DAY)
    block = BlockFactory(facility=Facility.objects.get(code="B"), name="East")
    CellFactory(block=block, number="e0")
    recalculate_compliance(run_date=DAY)
    check(DAY)
    CellFactory(block=block, number="e1", occupancy=2)
    recalculate_compliance(run_date=DAY)
    check(DAY)


# --- 2. failures fingerprint ----------------------------------------------------------------------


def test_failing_measured_value_changes_letters_same(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(block__facility__code="A", block__name="North", number="0").update(
        living_space_m2=Decimal("5.45")
    )  # still fails CPT-2015-1 and RM-3, passes ICRC (5.4)
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="0").update(ceiling_height_m=Decimal("2.40"))  # another failure, status same
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="0").update(ceiling_height_m=Decimal("2.30"))
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_failing_per_person_value_in_multiple_cells(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="2").update(
        accommodation_type="multiple_occupancy_cell", design_capacity=2, living_space_m2=Decimal("7.00"), occupancy=2
    )  # 3.5 per person
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="2").update(occupancy=3)  # 2.33: still fails CPT-2015-2, now ICRC too
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="2").update(living_space_m2=Decimal("6.00"))  # 2.00
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="2").update(living_space_m2=Decimal("6.01"))  # 2.003 -> shown 2.00
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_threshold_change_and_revert_with_runs(estate):
    recalculate_compliance(run_date=DAY)
    rule = StandardRule.objects.get(code="CPT-2015-1")
    rule.value = 5.0
    rule.save()
    recalculate_compliance(run_date=DAY)
    check(DAY)
    rule.value = 6.0
    rule.save()
    Cell.objects.filter(number="3").update(occupancy=2)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_threshold_change_under_facility_run_then_revert(estate):
    recalculate_compliance(run_date=DAY)
    StandardRule.objects.filter(code="CPT-2015-1").update(value=5.0)
    recalculate_compliance(run_date=DAY, facility_code="A")
    StandardRule.objects.filter(code="CPT-2015-1").update(value=6.0)
    recalculate_compliance(run_date=DAY, facility_code="B")
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_rule_metric_and_code_changes(estate):
    recalculate_compliance(run_date=DAY)
    StandardRule.objects.filter(code="CPT-2015-6").update(code="CPT-2015-6b")
    recalculate_compliance(run_date=DAY)
    check(DAY)
    StandardRule.objects.filter(code="CPT-2015-6b").update(metric="min_wall_distance_m")
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_applies_to_change(estate):
    recalculate_compliance(run_date=DAY)
    StandardRule.objects.filter(code="ICRC-2012-2").update(
        applies_to=["single_occupancy_cell", "multiple_occupancy_cell", "dormitory"]
    )
    recalculate_compliance(run_date=DAY, facility_code="A")
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_rule_positions_swapped_within_profile(estate):
    recalculate_compliance(run_date=DAY)
    StandardRule.objects.filter(code="CPT-2015-1").update(position=50)
    Cell.objects.filter(number="1").update(occupancy=2)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_profile_positions_swapped(estate):
    """The codes' layout follows the profiles' positions; rules_version sorts profiles by pk."""
    recalculate_compliance(run_date=DAY)
    profiles = list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))
    first, second = profiles[0], profiles[1]
    StandardProfile.objects.filter(pk=first.pk).update(position=second.position + 1)
    StandardProfile.objects.filter(pk=second.pk).update(
        position=0 if first.position == second.position else first.position
    )
    assert list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))[:2] == [second, first]
    Cell.objects.filter(block__facility__code="A", number="0").update(occupancy=2)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_profile_positions_swapped_next_day(estate):
    recalculate_compliance(run_date=DAY)
    profiles = list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))
    first, second = profiles[0], profiles[1]
    StandardProfile.objects.filter(pk=first.pk).update(position=second.position + 1)
    StandardProfile.objects.filter(pk=second.pk).update(
        position=0 if first.position == second.position else first.position
    )
    Cell.objects.filter(number="2").update(living_space_m2=Decimal("5.00"))
    recalculate_compliance(run_date=NEXT)
    check(NEXT)


def test_profile_toggle_same_day_with_facility_runs(estate):
    recalculate_compliance(run_date=DAY)
    StandardProfile.objects.filter(code="ICRC-2012").update(is_active=False)
    recalculate_compliance(run_date=DAY, facility_code="B")
    Cell.objects.filter(number="1").update(occupancy=2)
    recalculate_compliance(run_date=DAY)
    check(DAY)
    StandardProfile.objects.filter(code="ICRC-2012").update(is_active=True)
    recalculate_compliance(run_date=DAY, facility_code="A")
    recalculate_compliance(run_date=DAY)
    check(DAY)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_profile_toggle_without_run_in_between(estate):
    recalculate_compliance(run_date=DAY)
    StandardProfile.objects.filter(code="MANDELA-2015").update(is_active=False)
    Cell.objects.filter(number="1").update(occupancy=2)
    StandardProfile.objects.filter(code="MANDELA-2015").update(is_active=True)
    recalculate_compliance(run_date=DAY)
    check(DAY)


# --- 3. zero-sum deltas ----------------------------------------------------------------------------


def test_swapped_cells_zero_delta(estate):
    recalculate_compliance(run_date=DAY)
    a_north = ResidentialBlock.objects.get(facility__code="A", name="North")
    b_north = ResidentialBlock.objects.get(facility__code="B", name="North")
    Cell.objects.filter(block=a_north, number="1").update(block=b_north, number="from-a")
    Cell.objects.filter(block=b_north, number="1").update(block=a_north, number="from-b")
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_change_and_change_back_zero_delta(estate):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(number="1").update(occupancy=5)
    Cell.objects.filter(number="1").update(occupancy=1)
    recalculate_compliance(run_date=DAY)
    check(DAY)
    # compliant persons move between profiles' statuses while totals stay
    Cell.objects.filter(block__facility__code="A", block__name="North", number="0").update(
        living_space_m2=Decimal("6.50")
    )
    Cell.objects.filter(block__facility__code="A", block__name="North", number="1").update(
        living_space_m2=Decimal("5.50")
    )
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_reconstructed_rows_on_other_scopes_same_day(estate):
    recalculate_compliance(run_date=DAY)
    profile = StandardProfile.objects.get(code="KZ-ROADMAP")
    ComplianceSnapshot.objects.create(
        date=DAY, profile=profile, scope="region", object_id=999, persons=1, is_reconstructed=True
    )
    recalculate_compliance(run_date=DAY)
    check(DAY)
    Cell.objects.filter(number="1").update(occupancy=4)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_blocks_deleted_by_queryset_same_day(estate):
    recalculate_compliance(run_date=DAY)
    ResidentialBlock.objects.filter(facility__code="B", name="South").delete()
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_rule_moved_to_another_profile(estate):
    recalculate_compliance(run_date=DAY)
    StandardRule.objects.filter(code="SMR-14").update(profile=StandardProfile.objects.get(code="ICRC-2012"))
    Cell.objects.filter(number="1").update(has_natural_light=False)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_profile_position_change_without_cell_change(estate):
    recalculate_compliance(run_date=DAY)
    StandardProfile.objects.filter(code="KZ-ROADMAP").update(position=0)
    StandardProfile.objects.exclude(code="KZ-ROADMAP").update(position=5)
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_a_new_instance_with_a_stored_cells_key_updates_that_cell(estate):
    """``Cell(pk=<stored>, ...).save()`` is an update of the stored cell: it keeps the record of its last
    evaluation, so the next run takes its old contribution out before adding the new one."""
    recalculate_compliance(run_date=DAY)
    x = cell("A", "North", "1")
    values = {f.attname: getattr(x, f.attname) for f in Cell._meta.concrete_fields}
    values["occupancy"] = 2
    Cell(**values).save()
    assert Cell.objects.get(pk=x.pk).evaluated_revision is not None
    recalculate_compliance(run_date=DAY)
    check(DAY)


def test_an_upsert_of_cells_lists_them_without_a_conflict(estate):
    """The triggers list a due cell without a conflict of their own: a statement's conflict policy (an
    upsert, SQLite's UPDATE OR ABORT) must not turn the listing into an IntegrityError."""
    from django.db import connection

    recalculate_compliance(run_date=DAY)
    x = cell("A", "North", "1")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE OR ABORT cells_cell SET occupancy = 3 WHERE id = %s", [x.pk])
            cursor.execute("UPDATE OR ABORT cells_cell SET occupancy = 4 WHERE id = %s", [x.pk])  # listed already
    copy = Cell(
        block_id=x.block_id,
        number=x.number,
        accommodation_type=x.accommodation_type,
        living_space_m2=Decimal("9.00"),
        design_capacity=x.design_capacity,
        occupancy=5,
        status=x.status,
    )
    Cell.objects.bulk_create(
        [copy], update_conflicts=True, unique_fields=["block", "number"], update_fields=["living_space_m2", "occupancy"]
    )
    assert Cell.objects.get(pk=x.pk).occupancy == 5
    recalculate_compliance(run_date=DAY)
    check(DAY)


def _write_elsewhere(write):
    """Start ``write`` on another connection (a thread, committed there) and give it two seconds; returns
    the thread, which may still wait for a lock the caller holds."""
    import threading

    from django.db import connections

    def body():
        try:
            write()
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(2)
    return thread


@requires_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scope", [{}, {"facility_code": "A"}])
def test_an_edit_during_a_full_run_is_counted_by_the_next_run(estate, monkeypatch, scope):
    """An editor writes a stale cell between the full scan and the record of its evaluation: the write
    waits for the run (the run holds the cells in SHARE mode), so the run records what it counted and the
    next run counts the change."""
    from cells.compliance import evaluate

    recalculate_compliance(run_date=DAY)
    x = cell("A", "North", "1")
    Cell.objects.filter(pk=x.pk).update(occupancy=2)  # stale for the coming full scan
    prepare, editors = evaluate.evaluate_chosen_cells, []

    def racing(*args, **kwargs):
        if kwargs.get("stale"):  # the scan is done
            editors.append(_write_elsewhere(lambda: Cell.objects.filter(pk=x.pk).update(occupancy=5)))
        return prepare(*args, **kwargs)

    monkeypatch.setattr(evaluate, "evaluate_chosen_cells", racing)
    recalculate_compliance(run_date=DAY, full=True, **scope)
    monkeypatch.setattr(evaluate, "evaluate_chosen_cells", prepare)
    editors[0].join(30)
    assert Cell.objects.get(pk=x.pk).occupancy == 5 and Cell.objects.get(pk=x.pk).awaiting_evaluation
    assert recalculate_compliance(run_date=DAY).cells_evaluated == 1
    check(DAY)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_move_during_a_facilitys_full_run_is_counted_once(estate, monkeypatch):
    """A cell the facility's scan counted is moved to another facility before the run clears the record
    of cells that left: the move waits for the run, and the next run moves the cell."""
    from cells.compliance import evaluate

    recalculate_compliance(run_date=DAY)
    x = cell("A", "North", "1")
    elsewhere = ResidentialBlock.objects.get(facility__code="B", name="North")
    prepare, editors = evaluate.evaluate_chosen_cells, []

    def racing(*args, **kwargs):
        if kwargs.get("stale"):
            editors.append(
                _write_elsewhere(lambda: Cell.objects.filter(pk=x.pk).update(block=elsewhere, number="moved"))
            )
        return prepare(*args, **kwargs)

    monkeypatch.setattr(evaluate, "evaluate_chosen_cells", racing)
    recalculate_compliance(run_date=DAY, full=True, facility_code="A")
    monkeypatch.setattr(evaluate, "evaluate_chosen_cells", prepare)
    editors[0].join(30)
    assert Cell.objects.get(pk=x.pk).block_id == elsewhere.pk
    recalculate_compliance(run_date=DAY)
    check(DAY)


@requires_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scope", [{}, {"facility_code": "A"}])
def test_an_edit_committed_while_the_record_waits_for_the_cell_stays_due(estate, scope):
    """An incremental run's record waits for the row lock of a cell an editor is changing: once the edit
    commits, the run must not record the codes of the values it read before (the cell stays due), and the
    next run evaluates the edit."""
    import time

    import psycopg2
    from django.db import connection

    from cells.compliance.outcomes import recorded_results
    from cells.models import DueCell

    recalculate_compliance(run_date=DAY)
    x = cell("A", "North", "1")
    Cell.objects.filter(pk=x.pk).update(living_space_m2=Decimal("7.00"))  # due; still passes CPT-2015
    settings = connection.settings_dict

    def connect():
        return psycopg2.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            password=settings["PASSWORD"] or None,
        )

    editor, watcher = connect(), connect()
    watcher.autocommit = True
    try:
        with editor.cursor() as cursor:  # fails CPT-2015-1; not committed yet
            cursor.execute("UPDATE cells_cell SET living_space_m2 = 5.00 WHERE id = %s", [x.pk])
        run = _write_elsewhere(lambda: recalculate_compliance(run_date=DAY, **scope))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with watcher.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'WITH recorded AS%%'"
                )
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the run never waited for the cell's row lock")
        editor.commit()
        run.join(30)
    finally:
        editor.close()
        watcher.close()
    after = Cell.objects.get(pk=x.pk)
    assert after.living_space_m2 == Decimal("5.00")
    assert after.awaiting_evaluation and DueCell.objects.filter(cell_id=x.pk).exists()
    assert recalculate_compliance(run_date=DAY).cells_evaluated == 1
    assert recorded_results(Cell.objects.filter(pk=x.pk))[(x.pk, "CPT-2015")].status == "non_compliant"
    check(DAY)


def test_a_cell_moved_in_then_new_rules_then_a_facilitys_run(estate):
    """A cell moves to another facility, the rules change (a profile deactivated: another layout of the
    codes), then that facility's run: the cell's old contribution, coded under the old rules, leaves its
    old block. A run after the rules changed is full and estate-wide."""
    recalculate_compliance(run_date=DAY)
    x = cell("A", "North", "0")
    Cell.objects.filter(pk=x.pk).update(
        block=ResidentialBlock.objects.get(facility__code="B", name="North"), number="moved"
    )
    StandardProfile.objects.filter(code="CPT-2015").update(is_active=False)
    run = recalculate_compliance(run_date=DAY, facility_code="B")
    assert run.outcome == "succeeded" and run.full and run.facility is None
    check(DAY)
    recalculate_compliance(run_date=DAY, facility_code="B")  # the same rules now: B's run stays B's
    assert ComplianceRun.objects.first().facility.code == "B"
    check(DAY)
