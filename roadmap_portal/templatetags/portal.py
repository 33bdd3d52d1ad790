"""Template filters of the portal: signed changes, localised numbers, texts in the reader's language."""

import re

from django import template
from django.utils.formats import number_format

from cells.units import with_unit as _with_unit
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
    if value is None or value == "":
        return "—"
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


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
_SQUARE_METRES = re.compile(r"\b([mм])2\b")


@register.filter
def square_metres(text):
    """``text`` with square metres written ``m²`` (``м²``), as the reference data writes them ``m2``
    (``6 m2 of living space`` -> ``6 m² of living space``)."""
    return _SQUARE_METRES.sub(r"\1²", str(text)) if text else text


@register.filter
def with_unit(value, unit):
    """``value`` with a rule's ``unit`` in the reader's language (cells.units.with_unit): ``5.9 m²``,
    ``2 persons``; a boolean or text as it is; ``?`` for None."""
    if isinstance(value, bool) or (isinstance(value, str) and value):
        return value
    return _with_unit(value, unit)
