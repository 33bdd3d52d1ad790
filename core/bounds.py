"""A measurement's bounds declared once, read by the model (validators), the serializers and the forms
(min_value / max_value) and the services and imports (contains). The apps declare their bounds:
cells.bounds (cells), facilities.bounds (facilities, population counts)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator

Number = int | Decimal


@dataclass(frozen=True)
class Bound:
    """Inclusive bounds ``minimum <= value <= maximum`` of a measurement in ``unit`` (m², m, persons)."""

    minimum: Number
    maximum: Number
    unit: str

    def validators(self) -> list[Any]:
        """Model field validators. A minimum of 0 is left to the field (PositiveIntegerField), as in the
        migrations' state."""
        minimum = [MinValueValidator(self.minimum)] if self.minimum else []
        return [*minimum, MaxValueValidator(self.maximum)]

    def limits(self) -> dict[str, Number]:
        """``{"min_value": ..., "max_value": ...}`` for a form field or a DRF serializer field."""
        return {"min_value": self.minimum, "max_value": self.maximum}

    def contains(self, value: Number | None) -> bool:
        """Whether ``value`` is known and within the bounds."""
        return value is not None and self.minimum <= value <= self.maximum

    def params(self) -> dict[str, str]:
        """``{"min": ..., "max": ...}`` for a message naming the bounds."""
        return {"min": str(self.minimum), "max": str(self.maximum)}
