"""Template filters of the portal: signed changes, localised numbers, money, percentages, quantities with
their units, texts and roadmap phases in the reader's language, and the chart locale. The numbers are written
by core.numbers in the active language's format (``1 234,5`` in kk and ru, ``1,234.5`` in en); pages use
these filters rather than ad-hoc formatting."""

from django import template
from django.utils.formats import number_format
from django.utils.html import json_script

from core import numbers
from core.charts import chart_locale
from core.i18n import localised
from facilities.phases import phase_label

register = template.Library()


@register.filter
def signed(value, decimals=0):
    """A change with its sign in the active language's number format (+1 234, −0,5); "—" for None."""
    if value is None or value == "":
        return "—"
    decimals = int(decimals)
    text = number_format(abs(value), decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"\u2212{text}"
    return text


@register.filter
def num(value, decimals=0):
    """``value`` in the active language's number format with grouping and ``decimals`` places; "—" for None."""
    return numbers.grouped(value, decimals)


@register.filter
def money(value):
    """An amount in KZT with grouping and two decimal places (``940 000 000,00`` in kk and ru,
    ``940,000,000.00`` in en); "—" for None."""
    return numbers.money(value)


@register.filter
def percent(value, decimals=1):
    """A percentage with ``decimals`` places and a no-break space before the sign (``42,5 %`` in kk and
    ru, ``42.5 %`` in en); "—" for None."""
    return numbers.percent(value, decimals)


@register.filter
def quantity(value, unit=""):
    """A value with its unit (``6,0 m²``, ``1 person``); ``m2`` is written ``m²``; "?" for None."""
    if value is None or value == "":
        return "?"
    return numbers.quantity(value, unit or "")


@register.filter
def squared(text):
    """A text with the unit ``m2`` written ``m²`` (core.numbers.square_metres), e.g. a rule's summary."""
    return numbers.square_metres(text)


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None when absent (for dicts keyed by a variable)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def tr(obj, field):
    """The text ``field`` of ``obj`` in the reader's language (core.i18n.localised), e.g. ``{{ rule|tr:"summary" }}``."""
    return localised(obj, field)


@register.filter
def phase(text):
    """A roadmap phase in the reader's language (facilities.phases.phase_label), e.g. ``{{ p.roadmap_phase|phase }}``."""
    return phase_label(text)


@register.simple_tag
def chart_locale_script():
    """``<script id="chart-locale" type="application/json">`` with the active language's month names and
    number separators (core.charts.chart_locale), read by static/js/charts.js."""
    return json_script(chart_locale(), "chart-locale")
