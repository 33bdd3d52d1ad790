"""Form widgets shared by the apps' forms."""

from decimal import Decimal
from typing import Any

from django import forms

from .numbers import money

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker (``<input type="date">``). Its value is always ISO ``YYYY-MM-DD``, in every
    language: the HTML standard allows no other, and a browser shows a localised value (``01.01.2027`` in
    ru and kk) as empty and submits ``""``, so an untouched Save would clear the date. Input is read by the
    form field in the language's formats, to which Django always adds ISO (and so does kk's,
    roadmap_portal/formats/kk)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None):
        super().__init__(attrs, format=format or ISO_DATE)


# A date field's widget (each form field holds its own copy): the browser's date picker, sent as YYYY-MM-DD.
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
