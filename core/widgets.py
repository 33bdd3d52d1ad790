"""Form widgets shared by the apps' forms."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .numbers import money

ISO_DATE = "%Y-%m-%d"

# The placeholder of every date input: the day-first form the portal reads and writes in every language
# (roadmap_portal/formats: 03.12.2026), spelt in the reader's language (ru ДД.ММ.ГГГГ, kk КК.АА.ЖЖЖЖ).
DATE_PLACEHOLDER = _("DD.MM.YYYY")


class DateInput(forms.DateInput):
    """A date typed day first (``<input type="text">``, the numeric keyboard of a phone) and shown in the
    language's first input format, ``d.m.Y`` in kk, ru and en (``03.12.2026``: roadmap_portal/formats, Django's
    ru), with the placeholder :data:`DATE_PLACEHOLDER`. Not ``<input type="date">``: Chromium writes that in
    the browser's own order (``mm/dd/yyyy`` in en-US), never the portal's. ``data-datepicker`` makes it a
    calendar (the vendored flatpickr, static/js/forms.js, in the page's language, Monday first) that writes
    the chosen day as ``d.m.Y`` too; without JavaScript the date is typed. The form field reads the
    language's DATE_INPUT_FORMATS, to which Django always adds ISO ``YYYY-MM-DD``; a valid ISO date sent in
    a request (an old link's ``?date_from=2025-05-01``, the dashboard's default) is shown day first as well.
    A value typed and refused is shown again as typed."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None):
        defaults = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": DATE_PLACEHOLDER,
            "data-datepicker": True,
        }
        super().__init__({**defaults, **(attrs or {})}, format=format)

    def format_value(self, value: Any) -> str | None:
        if value in ("", None):
            return None
        if isinstance(value, str):
            try:
                value = datetime.datetime.strptime(value.strip(), ISO_DATE).date()
            except ValueError:
                return value  # as typed (day first already, or refused)
        return super().format_value(value)


# A date field's widget (each form field holds its own copy): a day-first text input with a calendar.
DATE = DateInput()


def searchable(*fields: Any) -> None:
    """Mark the select widgets of ``fields`` (form fields) as searchable choosers: static/js/forms.js turns
    them into a Tom Select with a search box and every option reachable (a facility among 81, a block, a
    cell). Multiple selects are searchable without it."""
    for field in fields:
        field.widget.attrs["data-searchable"] = "true"


class MoneyInput(forms.TextInput):
    """An amount of money (KZT) shown grouped as the pages write it (core.numbers.money:
    ``940 000 000,00`` in kk and ru, ``940,000,000.00`` in en) in a text input (``<input type="number">``
    can show no grouping), with the numeric keyboard of a phone (``inputmode="decimal"``). The field
    (core.forms.DecimalField, core.forms.normalise_number) reads back what it shows: groups split by a
    space, a no-break space or a narrow no-break space, a decimal comma in kk and ru, and in en the comma
    groups it writes. A value typed and refused is shown again as typed."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "class": "money", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return money(value)
        return super().format_value(value)
