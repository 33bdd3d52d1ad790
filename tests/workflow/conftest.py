"""A two-region world (A = KZ-35, B = KZ-10) with one user per role, for the workflow and permission tests."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from cells.models import Cell
from facilities.models import ConversionProject, ProgressUpdate
from inspections.models import Finding, Inspection
from tests.conftest import make_user, token_client
from tests.factories import BlockFactory, CellFactory, FacilityFactory

TODAY = datetime.date.today()


def _region_world(code, suffix):
    facility = FacilityFactory(code=f"F-{suffix}", region__code=code)
    dorm = BlockFactory(facility=facility, name="Dormitory")
    project = ConversionProject.objects.create(
        block=dorm,
        status="construction",
        percent_complete=Decimal("60"),
        budget_spent_kzt=Decimal("600000"),
        budget_planned_kzt=Decimal("1000000"),
        actual_start=datetime.date(2025, 3, 1),
        target_cells=3,
    )
    ProgressUpdate.objects.create(
        project=project,
        date=datetime.date(2025, 3, 1),
        status="construction",
        percent_complete=Decimal("60"),
        budget_spent_kzt=Decimal("600000"),
    )
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
    inspection = Inspection.objects.create(
        facility=facility, date_start=datetime.date(2025, 5, 1), body="prosecutor", type="scheduled"
    )
    finding = Finding.objects.create(
        inspection=inspection, severity="high", description="Overcrowding", deadline=datetime.date(2025, 6, 1)
    )
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


@pytest.fixture
def world(standards, regions):
    a, b = _region_world("KZ-35", "A"), _region_world("KZ-10", "B")
    users = {
        "admin": make_user("admin_u", "Administrators"),
        "prosecutor": make_user("pros_nat", "Prosecutors"),
        "prosecutor_a": make_user("pros_a", "Prosecutors", regions=["KZ-35"]),
        "editor_a": make_user("editor_a", "Ministry editors", regions=["KZ-35"]),
        "api_client": make_user("client", "API clients"),
        "api_headcount_a": make_user("client_hc", "API clients", headcount_regions=["KZ-35"]),
        "nobody": make_user("nobody"),
    }
    return SimpleNamespace(a=a, b=b, users=users, clients={k: token_client(u) for k, u in users.items()})


def cell_count(block):
    return Cell.objects.filter(block=block).count()
