"""factory_boy factories for hand-built estates in tests, and the two-region world of the workflow tests."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import factory

from cells.models import Cell
from facilities.models import (
    ConversionProject,
    Facility,
    ProgressUpdate,
    Region,
    ResidencePopulation,
    ResidentialBlock,
    RoadmapTarget,
)
from inspections.models import Finding, Inspection
from registers.models import ImportRecord


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "KZ-35"
    kind = "oblast"
    name_en = "Karaganda Region"
    name_ru = "Карагандинская область"
    name_kk = "Қарағанды облысы"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    code = factory.Sequence(lambda n: f"T-{n:03d}")
    name_en = factory.Sequence(lambda n: f"Test colony {n}")
    kind = "colony"
    security_level = "medium"
    region = factory.SubFactory(RegionFactory)
    status = "operating"


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentialBlock

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"Block {n}")
    accommodation_type = "dormitory"


class CellFactory(factory.django.DjangoModelFactory):
    """A fully measured single-occupancy cell that complies with every profile (6.6 m², annex, light)."""

    class Meta:
        model = Cell

    block = factory.SubFactory(BlockFactory)
    number = factory.Sequence(lambda n: f"{n:04d}")
    accommodation_type = "single_occupancy_cell"
    living_space_m2 = Decimal("6.60")
    design_capacity = 1
    # Certified for its design capacity (the baseline of data migration cells 0018), unless a test says otherwise.
    certified_capacity = factory.LazyAttribute(lambda cell: cell.design_capacity)
    occupancy = 1
    has_sanitary_annex = True
    sanitary_annex_partitioned = True
    min_wall_distance_m = Decimal("2.20")
    ceiling_height_m = Decimal("2.70")
    has_natural_light = True


class ConversionProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConversionProject

    block = factory.SubFactory(BlockFactory)
    status = "planned"


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    """A progress update with the project's current figures (the log entry, not the service's checks)."""

    class Meta:
        model = ProgressUpdate

    project = factory.SubFactory(ConversionProjectFactory)
    date = datetime.date(2025, 3, 1)
    status = factory.SelfAttribute("project.status")
    percent_complete = factory.SelfAttribute("project.percent_complete")
    budget_spent_kzt = factory.SelfAttribute("project.budget_spent_kzt")


class RoadmapTargetFactory(factory.django.DjangoModelFactory):
    """A national target (``region=None``) of ``metric`` reached by ``target_date``."""

    class Meta:
        model = RoadmapTarget

    phase = "P"
    metric = "blocks_converted"
    target_date = datetime.date(2030, 1, 1)
    value = 1
    source = "s"
    region = None


class ResidencePopulationFactory(factory.django.DjangoModelFactory):
    """Persons held in ``facility`` whose home region is ``home_region`` on ``date``."""

    class Meta:
        model = ResidencePopulation

    facility = factory.SubFactory(FacilityFactory)
    home_region = factory.SelfAttribute("facility.region")
    date = datetime.date(2026, 11, 1)
    persons = 1


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    facility = factory.SubFactory(FacilityFactory)
    date_start = datetime.date(2025, 5, 1)
    body = "prosecutor"
    type = "scheduled"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    severity = "high"
    description = "Overcrowding"
    deadline = datetime.date(2025, 6, 1)


class ImportRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRecord

    kind = "cells"
    file_name = "survey.csv"


def region_world(code, suffix):
    """One region's part of the ``world`` fixture (tests/conftest.py): a facility ``F-<suffix>`` in region
    ``code`` with a dormitory under conversion (project, progress update, a room under reconstruction), a
    crowded dormitory, a block of cells, and an inspection with an open finding."""
    facility = FacilityFactory(code=f"F-{suffix}", region__code=code)
    dorm = BlockFactory(facility=facility, name="Dormitory")
    project = ConversionProjectFactory(
        block=dorm,
        status="construction",
        percent_complete=Decimal("60"),
        budget_spent_kzt=Decimal("600000"),
        budget_planned_kzt=Decimal("1000000"),
        actual_start=datetime.date(2025, 3, 1),
        target_cells=3,
    )
    ProgressUpdateFactory(project=project, date=datetime.date(2025, 3, 1))
    room = CellFactory(
        block=dorm,
        number="D1",
        accommodation_type="dormitory",
        design_capacity=40,
        occupancy=0,
        living_space_m2=Decimal("120"),
        status="under_reconstruction",
    )
    other = BlockFactory(facility=facility, name="Dormitory 2")
    crowded = CellFactory(
        block=other,
        number="E1",
        accommodation_type="dormitory",
        design_capacity=40,
        occupancy=50,
        living_space_m2=Decimal("150"),
    )
    cells = BlockFactory(facility=facility, name="Cells", accommodation_type="cell")
    cell = CellFactory(block=cells, number=f"C-{suffix}")
    inspection = InspectionFactory(facility=facility)
    finding = FindingFactory(inspection=inspection)
    return SimpleNamespace(
        facility=facility,
        block=dorm,
        cell_block=cells,
        project=project,
        room=room,
        cell=cell,
        crowded=crowded,
        inspection=inspection,
        finding=finding,
    )
