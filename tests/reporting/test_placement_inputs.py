"""The placement planner's inputs read from the database (reporting.placement.load_inputs, docs/placement.md):
capacity as operational places (certified capacity of the cells in use), ``compliant_only``,
``include_projects_until``, the place-of-residence counts of the plan's date, the facilities planned, and
the persons of unknown home; then one plan computed end to end."""

import datetime
from decimal import Decimal

import pytest

from cells.models import StandardProfile
from cells.services import recalculate_compliance
from facilities.models import Region
from reporting.placement import Move, Options, compute, load_inputs, solve
from tests.factories import (
    BlockFactory,
    CellFactory,
    ConversionProjectFactory,
    FacilityFactory,
    ResidencePopulationFactory,
)

D = datetime.date
DAY = D(2026, 11, 20)  # the plan's date
RUN = D(2026, 11, 27)  # the compliance run's date
COUNTED = D(2026, 11, 1)  # the counts' date unless a test says otherwise


def cell(block, number, places, occupancy=0, status="in_use", design=None, **fields):
    """A cell of ``block`` with ``places`` certified places (design capacity ``design``, default the same)."""
    kind = fields.pop("accommodation_type", "single_occupancy_cell" if places == 1 else "multiple_occupancy_cell")
    return CellFactory(
        block=block,
        number=number,
        accommodation_type=kind,
        design_capacity=design or places,
        certified_capacity=places,
        occupancy=occupancy,
        status=status,
        living_space_m2=fields.pop("living_space_m2", Decimal("6.60") * places),
        **fields,
    )


def dormitory(block, number, places, occupancy=0):
    """A dormitory room of ``places`` places, 4 m² a place (compliant under CPT-2015, never under KZ-ROADMAP)."""
    return cell(
        block,
        number,
        places,
        occupancy,
        accommodation_type="dormitory",
        living_space_m2=Decimal("4.00") * places,
    )


def counts(facility, date=COUNTED, **persons):
    """Place-of-residence counts of ``facility`` on ``date``: ``KZ_35=3`` -> 3 persons of home KZ-35."""
    for code, n in persons.items():
        ResidencePopulationFactory(
            facility=facility, home_region=Region.objects.get(code=code.replace("_", "-")), date=date, persons=n
        )


def site_of(inputs, facility):
    return inputs.sites[facility.pk]


@pytest.fixture
def colony(regions):
    """A colony of KZ-35 with single cells (3 places in use, 2 persons), a deactivated cell, one under
    reconstruction, a draft and a decommissioned one, and a multiple-occupancy cell certified for 3 of its
    4 design places with 4 persons."""
    facility = FacilityFactory(code="PL-A", region=Region.objects.get(code="KZ-35"))
    block = BlockFactory(facility=facility, name="Cells", accommodation_type="cell")
    cell(block, "1", 1, 1)
    cell(block, "2", 1, 1)
    cell(block, "3", 1, 0)
    cell(block, "4", 1, 0, status="deactivated")
    cell(block, "5", 2, 0, status="under_reconstruction")
    CellFactory(block=block, number="6", status="draft", certified_capacity=None)
    cell(block, "7", 5, 0, status="decommissioned")
    cell(block, "8", 3, 4, design=4)
    return facility


def test_capacity_is_the_operational_places(colony):
    """Certified places of the cells in use (1 + 1 + 1 + 3); the deactivated cell's place, the cell under
    reconstruction, the draft and the decommissioned cell count nowhere; design capacity neither."""
    counts(colony, KZ_35=4, KZ_71=2)
    inputs = load_inputs(Options(date=DAY))
    s = site_of(inputs, colony)
    assert (s.capacity, s.population, s.known, s.unknown) == (6, 6, 6, 0)
    assert s.region == "KZ-35" and s.klass == "colony/medium/men" and s.code == "PL-A"
    assert inputs.groups == {(colony.pk, "KZ-35"): 4, (colony.pk, "KZ-71"): 2}


def test_persons_of_unknown_home_are_occupancy_less_those_counted(colony):
    counts(colony, KZ_35=2, KZ_71=1)
    s = site_of(load_inputs(Options(date=DAY)), colony)
    assert (s.population, s.known, s.unknown, s.slack) == (6, 3, 3, 0)


def test_more_persons_counted_than_held_are_all_held(colony):
    """Counts above the cells' occupancy (counted on another day): the population is the counted persons."""
    counts(colony, KZ_35=7, KZ_71=1)
    s = site_of(load_inputs(Options(date=DAY)), colony)
    assert (s.capacity, s.population, s.known, s.unknown) == (6, 8, 8, 0)


def test_a_facility_with_cells_and_no_counts_holds_only_persons_of_unknown_home(colony):
    inputs = load_inputs(Options(date=DAY))
    s = site_of(inputs, colony)
    assert (s.capacity, s.population, s.known, s.unknown) == (6, 6, 0, 6)
    assert inputs.groups == {} and inputs.counts_from is None and inputs.counts_to is None


def test_a_facility_with_counts_and_no_cells_has_no_places(regions):
    facility = FacilityFactory(code="PL-N", region=Region.objects.get(code="KZ-35"))
    counts(facility, KZ_35=3, KZ_71=2)
    s = site_of(load_inputs(Options(date=DAY)), facility)
    assert (s.capacity, s.population, s.known, s.unknown, s.slack) == (0, 5, 5, 0, 0)


def test_the_counts_are_the_latest_on_or_before_the_date(colony):
    counts(colony, D(2026, 10, 1), KZ_35=1)
    counts(colony, D(2026, 11, 1), KZ_35=2, KZ_71=2)
    counts(colony, D(2026, 11, 20), KZ_35=3, KZ_71=1, KZ_11=1)
    counts(colony, D(2026, 12, 1), KZ_35=6)  # after the plan's date
    other = FacilityFactory(code="PL-B", region=Region.objects.get(code="KZ-71"))
    counts(other, D(2026, 9, 30), KZ_71=1)
    inputs = load_inputs(Options(date=DAY))
    assert inputs.groups == {
        (colony.pk, "KZ-35"): 3,
        (colony.pk, "KZ-71"): 1,
        (colony.pk, "KZ-11"): 1,
        (other.pk, "KZ-71"): 1,
    }
    assert (inputs.counts_from, inputs.counts_to, inputs.date) == (D(2026, 9, 30), D(2026, 11, 20), DAY)
    earlier = load_inputs(Options(date=D(2026, 10, 31)))
    assert earlier.groups == {(colony.pk, "KZ-35"): 1, (other.pk, "KZ-71"): 1}
    assert load_inputs(Options(date=D(2026, 9, 1))).groups == {}


def test_pre_trial_centres_and_closed_facilities_are_not_planned(colony):
    astana = Region.objects.get(code="KZ-71")
    planned = {
        status: FacilityFactory(code=f"PL-{status}", region=astana, status=status)
        for status in ("operating", "under_reconstruction", "closing", "closed", "planned")
    }
    sizo = FacilityFactory(code="PL-SIZO", region=astana, kind="pre_trial_centre", security_level="")
    for facility in [*planned.values(), sizo]:
        cell(BlockFactory(facility=facility), "1", 4, 2)
        counts(facility, KZ_71=2)
    inputs = load_inputs(Options(date=DAY))
    assert set(inputs.sites) == {colony.pk, planned["operating"].pk, planned["under_reconstruction"].pk}
    assert {f for f, _h in inputs.groups} == {planned["operating"].pk, planned["under_reconstruction"].pk}


def test_class_and_point_of_a_facility(regions):
    """The class is kind/security level/category ("-" for no security level); the point is the facility's
    own coordinates where both are known, else its region's centre (data/regions.csv)."""
    astana = Region.objects.get(code="KZ-71")
    own = FacilityFactory(
        code="PL-W",
        region=astana,
        kind="colony_settlement",
        security_level="",
        category="women",
        latitude=Decimal("51.1"),
        longitude=Decimal("71.5"),
    )
    half = FacilityFactory(code="PL-H", region=astana, latitude=Decimal("51.1"))
    inputs = load_inputs(Options(date=DAY))
    assert site_of(inputs, own).klass == "colony_settlement/-/women"
    assert site_of(inputs, own).point == (51.1, 71.5)
    assert site_of(inputs, half).point == (float(astana.centre_latitude), float(astana.centre_longitude))
    assert inputs.centres["KZ-71"] == site_of(inputs, half).point


# ---------------------------------------------------------------------------------------------------
# compliant_only and include_projects_until


@pytest.fixture
def mixed(standards, regions):
    """A colony of KZ-35: a block of 3 compliant single cells (6.6 m²) and one of 5.0 m² (fails CPT-2015
    and KZ-ROADMAP), and a dormitory block (rooms of 10 and 20 places, 4 m² a place: compliant under
    CPT-2015, never under KZ-ROADMAP); the compliance engine has run; then a single cell added after the
    run (never evaluated)."""
    facility = FacilityFactory(code="PL-M", region=Region.objects.get(code="KZ-35"))
    cells = BlockFactory(facility=facility, name="Cells", accommodation_type="cell")
    for number in ("1", "2", "3"):
        cell(cells, number, 1, 1)
    cell(cells, "4", 1, 1, living_space_m2=Decimal("5.00"))
    dorm = BlockFactory(facility=facility, name="Dorm")
    dormitory(dorm, "D1", 10, 8)
    dormitory(dorm, "D2", 20, 12)
    recalculate_compliance(run_date=RUN)
    cell(cells, "5", 1, 0)
    return facility, dorm


def capacity(facility, **options):
    return site_of(load_inputs(Options(date=DAY, **options)), facility).capacity


def test_compliant_only_counts_only_the_places_of_compliant_cells(mixed):
    facility, _dorm = mixed
    assert capacity(facility) == 35
    assert capacity(facility, profile=StandardProfile.objects.get(code="CPT-2015")) == 33  # 3 cells + 30
    assert capacity(facility, profile=StandardProfile.objects.get(code="KZ-ROADMAP")) == 3
    s = site_of(load_inputs(Options(date=DAY, profile=StandardProfile.objects.get(code="KZ-ROADMAP"))), facility)
    assert (s.capacity, s.population, s.slack) == (3, 24, 0)  # the persons held do not change


def test_a_project_planned_to_end_by_the_date_replaces_its_block_places(mixed):
    facility, dorm = mixed
    project = ConversionProjectFactory(
        block=dorm, status="construction", planned_start=D(2026, 1, 1), planned_end=D(2027, 6, 30), target_places=24
    )
    inputs = load_inputs(Options(date=DAY, include_projects_until=D(2027, 6, 30)))
    assert site_of(inputs, facility).capacity == 35 - 30 + 24
    assert inputs.projects == [
        {
            "project": project.pk,
            "facility": facility.pk,
            "block": dorm.pk,
            "planned_end": D(2027, 6, 30),
            "counted": True,
            "places_added": 24,
            "places_replaced": 30,
        }
    ]
    # Under a profile, the block's places replaced are its compliant ones only.
    roadmap = StandardProfile.objects.get(code="KZ-ROADMAP")
    inputs = load_inputs(Options(date=DAY, profile=roadmap, include_projects_until=D(2027, 12, 31)))
    assert site_of(inputs, facility).capacity == 3 + 24
    assert inputs.projects[0]["places_replaced"] == 0
    cpt = StandardProfile.objects.get(code="CPT-2015")
    assert capacity(facility, profile=cpt, include_projects_until=D(2027, 12, 31)) == 33 - 30 + 24


@pytest.mark.parametrize(
    ("status", "planned_end"),
    [
        ("completed", D(2027, 1, 1)),
        ("cancelled", D(2027, 1, 1)),
        ("suspended", D(2027, 1, 1)),
        ("construction", D(2027, 7, 1)),  # ends after the date
        ("planned", None),  # no planned end
    ],
)
def test_projects_that_change_nothing(mixed, status, planned_end):
    facility, dorm = mixed
    ConversionProjectFactory(block=dorm, status=status, planned_end=planned_end, target_places=50)
    inputs = load_inputs(Options(date=DAY, include_projects_until=D(2027, 6, 30)))
    assert site_of(inputs, facility).capacity == 35
    assert inputs.projects == []


@pytest.mark.parametrize("status", ["planned", "design", "procurement", "construction", "commissioning"])
def test_every_active_status_counts(mixed, status):
    facility, dorm = mixed
    ConversionProjectFactory(block=dorm, status=status, planned_end=D(2027, 1, 1), target_places=50)
    assert capacity(facility, include_projects_until=D(2027, 1, 1)) == 35 - 30 + 50
    assert capacity(facility) == 35  # without the option, the places of today


def test_a_project_without_target_places_is_listed_and_not_counted(mixed):
    """A project whose places after are not recorded changes nothing (no figure is guessed): its block's
    places stay, and the inputs list it as not counted."""
    facility, dorm = mixed
    ConversionProjectFactory(block=dorm, status="design", planned_end=D(2027, 1, 1), target_places=None)
    assert capacity(facility, include_projects_until=D(2027, 1, 1)) == 35
    inputs = load_inputs(Options(date=DAY, include_projects_until=D(2027, 1, 1)))
    assert [(p["counted"], p["places_added"], p["places_replaced"]) for p in inputs.projects] == [(False, 0, 0)]


# ---------------------------------------------------------------------------------------------------
# A plan end to end


def test_a_plan_from_the_database(regions):
    """Two persons of home KZ-71 held in KZ-35, two free places in Astana's colony: both go home; the
    women's colony of Astana, with room, takes nobody."""
    karaganda, astana = Region.objects.get(code="KZ-35"), Region.objects.get(code="KZ-71")
    far = FacilityFactory(code="PL-K", region=karaganda)
    cell(BlockFactory(facility=far), "1", 5, 5)
    counts(far, KZ_35=3, KZ_71=2)
    near = FacilityFactory(code="PL-S", region=astana)
    cell(BlockFactory(facility=near), "1", 4, 2)
    counts(near, KZ_71=1)
    women = FacilityFactory(code="PL-W", region=astana, category="women")
    cell(BlockFactory(facility=women), "1", 10, 0)
    inputs = load_inputs(Options(date=DAY))
    assert solve(inputs).moves == [Move(far.pk, near.pk, "KZ-71", 2)]
    answer = compute(Options(date=DAY))
    assert answer["moves"] == [{"from_facility": far.pk, "to_facility": near.pk, "home_region": "KZ-71", "persons": 2}]
    assert answer["before"]["persons_in_home_region"] == 4 and answer["after"]["persons_in_home_region"] == 6
    assert answer["after"]["persons_moved"] == 2
    # Astana's part: the move concerns it (persons of home KZ-71); Karaganda's own persons do not.
    scoped = compute(Options(date=DAY), regions={"KZ-71"})
    assert scoped["scope"] == ["KZ-71"]
    assert scoped["before"]["persons_known_home"] == 3 and scoped["after"]["share_in_home_region"] == 100.0
    assert scoped["moves"] == answer["moves"]
    assert compute(Options(date=DAY, max_moves=1))["after"]["persons_moved"] == 1
