"""Roadmap phases as the reader sees them (issue 18, item 1).

A phase is stored as text (``RoadmapTarget.phase``, ``ConversionProject.roadmap_phase``), written in
English as "Phase N (YYYY-YYYY)" by the data files, the demo and most administrators. ``phase_label``
renders that form in the reader's language (ru «Этап 1 (2021–2023)», kk «1-кезең (2021–2023)») and
leaves any other text as it was written. Every page, export and chart that shows a phase calls it (the
template filter ``phase`` in roadmap_portal/templatetags/portal.py calls it too).
"""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext

# "Phase 1 (2021-2023)", "phase 2 (2024–2026)", "Phase 3 (2027)": a number and a year or a span of years.
PHASE_PATTERN = re.compile(r"^\s*phase\s+(\d{1,3})\s*\(\s*(\d{4})(?:\s*[-–—]\s*(\d{4}))?\s*\)\s*$", re.IGNORECASE)


def phase_label(text: str | None, language: str | None = None) -> str:
    """The phase ``text`` in ``language`` (default: the active one): "Phase N (YYYY-YYYY)" becomes
    ``gettext("Phase %(number)s (%(years)s)")`` with the years joined by an en dash; any other text
    (a phase an administrator named otherwise) is returned unchanged; "" for None."""
    if not text:
        return ""
    match = PHASE_PATTERN.match(text)
    if match is None:
        return text
    number, first, last = match.groups()
    years = f"{first}–{last}" if last else first
    if language is None:
        return gettext("Phase %(number)s (%(years)s)") % {"number": number, "years": years}
    with translation.override(language):
        return gettext("Phase %(number)s (%(years)s)") % {"number": number, "years": years}
