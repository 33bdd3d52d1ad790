"""Bounds of a cell's measurements, declared once (core.bounds.Bound): read by Cell's field validators,
the cell, headcount, new-cell and design-check serializers, the completion form and check_headcount
(the import checks rows through the model and check_headcount)."""

from decimal import Decimal

from core.bounds import Bound

LIVING_SPACE_M2 = Bound(Decimal("0.01"), Decimal("10000"), "m²")
MIN_WALL_DISTANCE_M = Bound(Decimal("0.01"), Decimal("100"), "m")
CEILING_HEIGHT_M = Bound(Decimal("0.01"), Decimal("100"), "m")
DESIGN_CAPACITY = Bound(1, 1000, "persons")
OCCUPANCY = Bound(0, 1000, "persons")

BOUNDS: dict[str, Bound] = {
    "living_space_m2": LIVING_SPACE_M2,
    "min_wall_distance_m": MIN_WALL_DISTANCE_M,
    "ceiling_height_m": CEILING_HEIGHT_M,
    "design_capacity": DESIGN_CAPACITY,
    "occupancy": OCCUPANCY,
}
