"""How the portal writes numbers on a page, in the active language, in one place: grouped figures, money,
percentages and units. Tables (the ``num``, ``money`` and ``percent`` filters of
roadmap_portal/templatetags/portal.py), the money inputs (core.widgets.MoneyInput) and the charts
(core.charts.chart_locale, read by static/js/charts.js) all write them so.

Separators come from the language's formats: kk (roadmap_portal/formats/kk) and ru write
``940 000 000,00`` (a no-break space U+00A0 between groups, a decimal comma), en ``940,000,000.00``.
CSV/XLSX exports and the API keep plain numbers (core/export.py)."""

import re
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext

NBSP = "\xa0"  # between a percentage and its sign

# Money (KZT) is shown with two decimal places (tiyn), as the fields store it (decimal_places=2).
MONEY_DECIMALS = 2


def grouped(value: Any, decimals: int = 0) -> str:
    """``value`` in the active language's number format, grouped by thousands with ``decimals`` places
    (``1 234,5`` in kk/ru, ``1,234.5`` in en); "—" for None or ""."""
    if value is None or value == "":
        return "—"
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


def money(value: Any) -> str:
    """An amount of money (KZT) with its two decimal places: ``940 000 000,00`` in kk/ru,
    ``940,000,000.00`` in en; "—" for None or ""."""
    return grouped(value, MONEY_DECIMALS)


def percent(value: Any, decimals: int = 1) -> str:
    """A percentage (0-100) with ``decimals`` places and a no-break space before the sign: ``42,5 %`` in
    kk/ru, ``42.5 %`` in en; "—" (no sign) for None or ""."""
    if value is None or value == "":
        return "—"
    return f"{grouped(value, decimals)}{NBSP}%"


def unit_text(unit: str, value: Any = None) -> str:
    """The display form of a unit of a standard's rule (data/standards.json writes ``m2``, ``m``,
    ``persons``) in the active language: ``m²`` and ``m`` (``м²``, ``м`` in ru and kk), and
    "person"/"persons" agreeing with ``value`` (ngettext; the plural when the value is not a number).
    Any other unit is returned as it is, with ``m2`` written ``m²``."""
    if unit in ("m2", "m²"):
        return gettext("m²")
    if unit == "m":
        return pgettext("unit: metres", "m")  # the register import's msgid
    if unit == "persons":
        count = value if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool) else 2
        return ngettext("person", "persons", int(count) if count == int(count) else 2)
    return unit.replace("m2", "m²")


def quantity(value: Any, unit: str = "") -> str:
    """A measured or required value with its unit, the number in the active language's format
    (``6,0 m²`` in ru/kk, ``6.0 m²`` in en, ``1 person``), a boolean as yes/no; the value alone when
    ``unit`` is empty."""
    if isinstance(value, bool):
        text = gettext("yes") if value else gettext("no")
    elif isinstance(value, (int, float, Decimal)):
        text = number_format(value, use_l10n=True, force_grouping=True)
    else:
        text = str(value)
    shown = unit_text(unit, value) if unit else ""
    return f"{text} {shown}" if shown else text  # a plain space, as the API's refusals have always written it


_M2 = re.compile(r"\bm2\b")  # "6 m2" but not the identifier "living_space_m2"


def square_metres(text: Any) -> str:
    """``text`` (a standard's summary as data/standards.json writes it: "at least 6 m2 of living space")
    with the unit written ``m²``; identifiers such as ``living_space_m2`` are left alone."""
    return _M2.sub("m²", str(text)) if text is not None else ""
