"""Fixtures shared by the tests of cells/ (the standards and regions come from tests/conftest.py)."""

from decimal import Decimal

import pytest

from tests.factories import BlockFactory, CellFactory, FacilityFactory


@pytest.fixture
def estate(standards, regions):
    """Two facilities in two regions, two blocks each, five cells a block."""
    for code, region in (("A", "KZ-35"), ("B", "KZ-75")):
        facility = FacilityFactory(code=code, region__code=region)
        for name in ("North", "South"):
            block = BlockFactory(facility=facility, name=name)
            for n in range(5):
                CellFactory(
                    block=block,
                    number=f"{n}",
                    occupancy=1,
                    living_space_m2=Decimal("6.50") if n % 2 else Decimal("5.50"),
                )
