"""A measurement's bounds declared once, read by the model (validators), the serializers and the forms
(min_value / max_value) and the services and imports (contains). The apps declare their bounds:
cells.bounds (cells), facilities.bounds (facilities, population counts).

The length of free text (``FREE_TEXT``, a TextBound) and the range of every date (``DATES``, a DateBound)
are declared here, for every app: model field validators (so every service's ``full_clean`` applies
them), and the serializers and forms whose fields are not a model's."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class TextBound:
    """The longest free text (a description, a note, a response) in characters: far above any real
    document, low enough that a request cannot store megabytes in a field (issue 16, item 14)."""

    maximum: int

    def message(self) -> str:
        """The one message of a text over the limit."""
        return _("This text is too long: at most %(max)s characters.") % {"max": f"{self.maximum:,}".replace(",", " ")}

    def validate(self, value: Any) -> None:
        """Django validator: raise ValidationError (code ``max_length``) when ``value`` is longer."""
        if isinstance(value, str) and len(value) > self.maximum:
            raise ValidationError(self.message(), code="max_length")

    def validators(self) -> list[Any]:
        """Model, form and serializer field validators (FREE_TEXT's: validate_free_text, a module function
        so that migrations can name it)."""
        return [validate_free_text] if self == FREE_TEXT else [self.validate]


@dataclass(frozen=True)
class DateBound:
    """The dates a record of the roadmap can carry (issue 16, item 14): ``minimum <= date <= maximum``.
    The oldest facilities were built in the 1930s; plans run to the 2030s. Dates in the future are
    refused separately where they must be past (core.validators.validate_not_in_future)."""

    minimum: datetime.date
    maximum: datetime.date

    def message(self) -> str:
        """The one message of a date out of bounds."""
        return _("The date must be between %(min)s and %(max)s.") % {
            "min": f"{self.minimum:%Y-%m-%d}",
            "max": f"{self.maximum:%Y-%m-%d}",
        }

    def contains(self, value: datetime.date | None) -> bool:
        """Whether ``value`` is known and within the bounds."""
        return value is not None and self.minimum <= value <= self.maximum

    def validate(self, value: Any) -> None:
        """Django validator: raise ValidationError (code ``date_bounds``) for a date out of bounds (None
        passes)."""
        if isinstance(value, datetime.date) and not self.contains(value):
            raise ValidationError(self.message(), code="date_bounds")

    def validators(self) -> list[Any]:
        """Model, form and serializer field validators (DATES': validate_date, a module function so that
        migrations can name it)."""
        return [validate_date] if self == DATES else [self.validate]


# Free text: a finding's description, a recommendation, a response, a note (characters).
FREE_TEXT = TextBound(20_000)
# Every date of the portal: built, counted, inspected, planned, due.
DATES = DateBound(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))


def validate_free_text(value: Any) -> None:
    """FREE_TEXT.validate, by a name migrations can refer to."""
    FREE_TEXT.validate(value)


def validate_date(value: Any) -> None:
    """DATES.validate, by a name migrations can refer to."""
    DATES.validate(value)
