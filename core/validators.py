"""Validators shared by models, forms, serializers, services and imports (docs/architecture.md,
§One place for each rule).

``validate_not_in_future``: a date is not after today in the portal's time zone (Asia/Almaty,
``timezone.localdate()``). One message everywhere: "The date cannot be in the future (today is
YYYY-MM-DD)."
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def future_message(today: datetime.date | None = None) -> str:
    """The one message of a date in the future, naming today (default: timezone.localdate())."""
    today = today or timezone.localdate()
    return _("The date cannot be in the future (today is %(today)s).") % {"today": f"{today:%Y-%m-%d}"}


def is_in_future(value: datetime.date | None, today: datetime.date | None = None) -> bool:
    """Whether ``value`` (a date; None: unknown, never in the future) is after ``today`` (default: the local
    date, Asia/Almaty)."""
    return value is not None and value > (today or timezone.localdate())


def validate_not_in_future(value: datetime.date | None) -> None:
    """Django validator (fields, forms, serializers, commands): raise ValidationError (code ``future``) with
    future_message() when ``value`` is after today (Asia/Almaty). None passes (a required date is the
    field's own rule)."""
    if is_in_future(value):
        raise ValidationError(future_message(), code="future")


def future_errors(today: datetime.date | None = None, **dates: datetime.date | None) -> dict[str, list[str]]:
    """``{name: [future_message()]}`` for each of ``dates`` (name=value) that is in the future, for the
    error dicts of services and import rows: ``errors.update(future_errors(date=date))``."""
    today = today or timezone.localdate()
    return {name: [future_message(today)] for name, value in dates.items() if is_in_future(value, today)}


# ---------------------------------------------------------------------------------------------------
# Text that cannot be stored or rendered (issue 16, item 1): every JSON body is checked by
# core.parsers.SafeJSONParser before any serializer reads it.


def unencodable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored (PostgreSQL refuses NUL) or rendered as UTF-8 (a lone UTF-16
    surrogate such as ``"\\ud800"``), or None when it can. The message never repeats the text."""
    if "\x00" in text:
        return _("Null characters are not allowed.")
    if any("\ud800" <= char <= "\udfff" for char in text):
        return _("The text contains a lone UTF-16 surrogate (%(code)s), which cannot be encoded.") % {
            "code": next(f"U+{ord(c):04X}" for c in text if "\ud800" <= c <= "\udfff")
        }
    return None
