"""Trends, roadmap targets, forecast, place of residence and the reconstructed demo history: exact figures."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cells.models import ComplianceSnapshot, StandardProfile
from cells.services import recalculate_compliance
from demo.history import month_starts, reconstruct_demo_history
from facilities.models import Region, RoadmapTarget
from facilities.services import load_targets
from reporting import selectors, trends
from tests.factories import (
    BlockFactory,
    CellFactory,
    ConversionProjectFactory,
    FacilityFactory,
    ResidencePopulationFactory,
    RoadmapTargetFactory,
)

D = datetime.date


def pt(day, share, persons=1000):
    """A series point with ``share`` % of ``persons`` in single cells."""
    single = round(persons * share / 100)
    return {
        "date": day,
        "persons": persons,
        "places": persons,
        "persons_in_single_cells": single,
        "persons_compliant": single,
        "share_in_single_cells": share,
        "share_compliant": share,
        "occupancy_rate": 100.0,
        "reconstructed": False,
    }


DEADLINE = D(2029, 12, 31)


def target(value=50, when=DEADLINE, region=None):
    return RoadmapTarget(
        phase="Phase 3",
        metric="share_in_single_cells",
        target_date=when,
        value=Decimal(value),
        source="test",
        region=region,
    )


class TestForecast:
    def test_linear_projection_and_on_track(self):
        # 10 % -> 20 % in 730 days; the 30 pp still missing take 2190 days: 2031-12-30, before 2032-12-31.
        points = [pt(D(2024, 1, 1), 10.0), pt(D(2025, 1, 1), 15.0), pt(D(2025, 12, 31), 20.0)]
        f = trends.forecast_one(points, target(50, D(2032, 12, 31)), 730, "KZ", "nation", today=D(2026, 1, 1))
        assert f.start == 10.0 and f.start_date == D(2024, 1, 1)  # the point on or before 2024-01-01
        assert f.current == 20.0 and f.current_date == D(2025, 12, 31)
        rate = 10.0 / (D(2025, 12, 31) - D(2024, 1, 1)).days
        assert f.rate_per_year == round(rate * 365.25, 2)
        assert f.projected == D(2025, 12, 31) + datetime.timedelta(days=int(30 / rate + 0.999))
        assert f.state == "on_track" and not f.at_risk

    def test_late_projection_is_at_risk(self):
        points = [pt(D(2023, 1, 1), 10.0), pt(D(2026, 1, 1), 13.0)]
        f = trends.forecast_one(points, target(50, D(2029, 12, 31)), 1095, "KZ-35", "r", today=D(2026, 1, 2))
        assert f.projected is not None and f.projected > D(2029, 12, 31)
        assert f.state == "at_risk" and f.at_risk

    def test_no_progress_reached_no_history_no_target(self):
        flat = [pt(D(2023, 1, 1), 10.0), pt(D(2026, 1, 1), 10.0)]
        assert trends.forecast_one(flat, target(), 1095, "a", "a").state == "no_progress"
        falling = [pt(D(2023, 1, 1), 12.0), pt(D(2026, 1, 1), 10.0)]
        f = trends.forecast_one(falling, target(), 1095, "a", "a")
        assert f.state == "no_progress" and f.rate_per_year < 0 and f.projected is None
        assert trends.forecast_one([pt(D(2026, 1, 1), 60.0)], target(50), 365, "a", "a").state == "reached"
        assert trends.forecast_one([pt(D(2026, 1, 1), 10.0)], target(), 365, "a", "a").state == "no_history"
        assert trends.forecast_one([], target(), 365, "a", "a").state == "no_history"
        assert trends.forecast_one(flat, None, 365, "a", "a").state == "no_target"

    def test_window_picks_the_start_point(self):
        points = [pt(D(2020, 1, 1), 0.0), pt(D(2025, 1, 1), 10.0), pt(D(2026, 1, 1), 20.0)]
        short = trends.forecast_one(points, target(), 365, "a", "a")
        long = trends.forecast_one(points, target(), 2500, "a", "a")
        assert short.start_date == D(2025, 1, 1) and long.start_date == D(2020, 1, 1)
        assert short.rate_per_year > long.rate_per_year
        # a window longer than the history starts at the first snapshot
        assert trends.forecast_one(points[1:], target(), 2500, "a", "a").start_date == D(2025, 1, 1)


def test_change_since_uses_the_point_on_or_before_the_date():
    points = [pt(D(2024, 1, 1), 10.0, 900), pt(D(2025, 1, 1), 12.5, 1000), pt(D(2026, 1, 1), 15.0, 1100)]
    change = trends.change_since(points, D(2025, 6, 1))
    assert change["since"] == D(2025, 1, 1)
    assert change["delta"]["persons"] == 100 and change["delta"]["share_in_single_cells"] == 2.5
    before = trends.change_since(points, D(2000, 1, 1))
    assert before["since"] is None and before["delta"]["persons"] is None


@pytest.fixture
def estate(standards, regions):
    """KZ-35: a colony with a completed conversion (4 single cells, 1 person each) and a dormitory of 10;
    KZ-75: a colony with a dormitory of 20. Compliance computed on 2026-11-01."""
    colony = FacilityFactory(code="K-1", region__code="KZ-35", year_built=1970)
    converted = BlockFactory(facility=colony, name="Converted")
    ConversionProjectFactory(
        block=converted,
        status="completed",
        percent_complete=Decimal("100"),
        actual_start=D(2023, 1, 1),
        actual_end=D(2024, 6, 15),
        baseline_rooms=1,
        baseline_beds=40,
        is_demo=True,
        budget_planned_kzt=Decimal("1000"),
        budget_spent_kzt=Decimal("900"),
    )
    for n in range(4):
        CellFactory(
            block=converted,
            number=f"S{n}",
            accommodation_type="single_occupancy_cell",
            design_capacity=1,
            occupancy=1,
            living_space_m2=Decimal("7.00"),
        )
    dorm = BlockFactory(facility=colony, name="Dorm")
    CellFactory(
        block=dorm,
        number="D1",
        accommodation_type="dormitory",
        design_capacity=40,
        occupancy=10,
        living_space_m2=Decimal("120.00"),
    )
    other = FacilityFactory(code="A-1", region__code="KZ-75", year_built=2023)
    CellFactory(
        block=BlockFactory(facility=other, name="B"),
        number="D1",
        accommodation_type="dormitory",
        design_capacity=30,
        occupancy=20,
        living_space_m2=Decimal("90.00"),
    )
    recalculate_compliance(run_date=D(2026, 11, 1))
    return colony


def test_series_and_scope_sums(estate):
    nation = trends.series()
    assert [(p["date"], p["persons"], p["persons_in_single_cells"]) for p in nation] == [(D(2026, 11, 1), 34, 4)]
    assert nation[0]["share_in_single_cells"] == round(100 * 4 / 34, 1)
    kz35, kz75 = Region.objects.get(code="KZ-35"), Region.objects.get(code="KZ-75")
    both = trends.series_for({kz35.pk, kz75.pk})
    assert both[0]["persons"] == 34 and both[0]["places"] == 4 + 40 + 30
    assert trends.series_for(region=kz75)[0]["persons"] == 20


def test_reconstructed_history_undoes_completed_conversions(estate):
    written = reconstruct_demo_history(months=30)
    profile = StandardProfile.objects.get(code="KZ-ROADMAP")
    # 30 month-starts x (nation + 2 regions + 2 facilities)
    assert written == 30 * 5
    before = ComplianceSnapshot.objects.get(profile=profile, scope="nation", date=D(2024, 6, 1))
    after = ComplianceSnapshot.objects.get(profile=profile, scope="nation", date=D(2024, 7, 1))
    assert before.is_reconstructed and after.is_reconstructed
    assert (before.persons, before.persons_in_single_cells, before.places) == (34, 0, 40 + 40 + 30)
    assert (after.persons, after.persons_in_single_cells, after.places) == (34, 4, 4 + 40 + 30)
    other = ComplianceSnapshot.objects.get(
        profile=profile, scope="facility", object_id=estate.pk + 1, date=D(2024, 6, 1)
    )
    assert other.persons == 20  # a facility without a conversion is unchanged
    assert reconstruct_demo_history(months=30) == written  # a rerun replaces, never duplicates
    assert ComplianceSnapshot.objects.filter(is_reconstructed=True).count() == written
    points = trends.series()
    assert points[0]["reconstructed"] and not points[-1]["reconstructed"]
    assert points[-1]["date"] == D(2026, 11, 1)


def test_month_starts():
    assert month_starts(D(2026, 11, 29), 3) == [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]
    assert month_starts(D(2026, 1, 1), 2) == [D(2025, 11, 1), D(2025, 12, 1)]


def test_targets_loaded_once_and_measured(estate):
    counts = load_targets()
    assert counts.created == 5 and RoadmapTarget.objects.count() == 5
    share = RoadmapTarget.objects.get(metric="share_in_single_cells")
    assert share.is_demo and not share.verified and share.value == Decimal("50")
    blocks = RoadmapTarget.objects.get(metric="blocks_converted")
    blocks.value = Decimal("14")  # an administrator's correction survives a reseed
    blocks.save()
    again = load_targets()
    assert again.created == 0 and again.unchanged == 5
    assert RoadmapTarget.objects.get(metric="blocks_converted").value == Decimal("14")
    rows = {(r["metric"], r["target_date"]): r for r in trends.target_progress(11.8, today=D(2026, 11, 29))}
    assert rows[("blocks_converted", D(2023, 12, 31))]["value"] == 1.0
    assert rows[("blocks_converted", D(2023, 12, 31))]["state"] == "missed"
    assert rows[("places_converted", D(2023, 12, 31))]["value"] == 4.0
    assert rows[("new_institutions", D(2029, 12, 31))]["value"] == 1.0  # A-1, built 2023
    assert rows[("new_institutions", D(2029, 12, 31))]["state"] == "open"
    assert rows[("share_in_single_cells", D(2029, 12, 31))]["percent_of_target"] == round(100 * 11.8 / 50, 1)
    regional = trends.target_progress(5.0, region=Region.objects.get(code="KZ-35"), today=D(2026, 11, 29))
    assert [r["metric"] for r in regional] == ["share_in_single_cells"]


def test_target_constraints(regions):
    RoadmapTargetFactory(value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadmapTarget.objects.create(
            phase="P", metric="blocks_converted", target_date=D(2030, 1, 1), value=4, source="s"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadmapTarget.objects.create(
            phase="P", metric="share_in_single_cells", target_date=D(2030, 1, 1), value=101, source="s"
        )
    kz35 = Region.objects.get(code="KZ-35")
    RoadmapTargetFactory(value=1, region=kz35)  # a regional target beside the national one


def test_regional_share_target_replaces_the_national_one(regions):
    kz35 = Region.objects.get(code="KZ-35")
    national = RoadmapTargetFactory(metric="share_in_single_cells", target_date=D(2029, 12, 31), value=50)
    own = RoadmapTargetFactory(metric="share_in_single_cells", target_date=D(2028, 12, 31), value=30, region=kz35)
    assert trends.share_target(kz35, D(2026, 1, 1)) == own
    assert trends.share_target(Region.objects.get(code="KZ-75"), D(2026, 1, 1)) == national
    assert trends.share_target(None, D(2030, 6, 1)) == national  # past due: the last one


def test_residence_shares_from_the_latest_counts(estate):
    kz35, kz75, kz23 = (Region.objects.get(code=c) for c in ("KZ-35", "KZ-75", "KZ-23"))
    other = estate.region.facilities.model.objects.get(code="A-1")
    rows = [
        (estate, kz35, D(2025, 1, 1), 1),
        (estate, kz23, D(2025, 1, 1), 99),  # superseded count
        (estate, kz35, D(2026, 1, 1), 10),
        (estate, kz23, D(2026, 1, 1), 4),
        (other, kz75, D(2026, 2, 1), 5),
        (other, kz35, D(2026, 2, 1), 15),
    ]
    for facility, home, day, persons in rows:
        ResidencePopulationFactory(facility=facility, home_region=home, date=day, persons=persons)
    figures = selectors.residence()
    assert figures["persons"] == 34 and figures["in_home_region"] == 15
    assert figures["share_in_home_region"] == round(100 * 15 / 34, 1)
    hosts = {h["code"]: h for h in figures["hosts"]}
    assert (hosts["KZ-35"]["held"], hosts["KZ-35"]["from_home"]) == (14, 10)
    assert hosts["KZ-75"]["share_from_home"] == 25.0
    senders = figures["senders"]
    assert [s["code"] for s in senders] == ["KZ-35", "KZ-23", "KZ-75"]
    assert (senders[0]["residents"], senders[0]["held_elsewhere"], senders[0]["share_elsewhere"]) == (25, 15, 60.0)
    scoped = selectors.residence({kz75.pk})
    assert scoped["persons"] == 20 and [h["code"] for h in scoped["hosts"]] == ["KZ-75"]
    assert {s["code"] for s in scoped["senders"]} == {"KZ-75"}


def test_projects_by_region_and_lowest(estate):
    projects = selectors.projects_by_region()
    assert [r["code"] for r in projects["regions"]] == ["KZ-35"]
    assert projects["regions"][0]["counts"] == {"completed": 1}
    assert projects["budget_planned_kzt"] == Decimal("1000") and projects["budget_spent_kzt"] == Decimal("900")
    profile = StandardProfile.objects.get(code="KZ-ROADMAP")
    lowest = selectors.lowest_compliance(profile)
    assert [f.code for f in lowest] == ["A-1", "K-1"]
    assert lowest[0].share_compliant == 0.0 and lowest[1].share_compliant == round(100 * 4 / 14, 1)
