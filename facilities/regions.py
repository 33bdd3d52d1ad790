"""Region codes (ISO 3166-2:KZ, ``KZ-35``) parsed once: the dashboards, the summary API, the region
filters and the register import read a code with these functions.

A code is two digits after ``KZ-``, matched in any case and ignoring surrounding spaces (``" kz-35"`` is
KZ-35); an unknown code is refused with one message naming it.
"""

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Region

REGION_CODE = re.compile(r"^KZ-\d{2}$")


def unknown_region_message(text: Any) -> str:
    """The one message for a code that names no region (the text given, cut to 20 characters)."""
    return _("Unknown region code '%(code)s'. Use an ISO 3166-2 code such as KZ-35.") % {"code": str(text)[:20]}


def parse_region_code(text: Any) -> str:
    """The ISO 3166-2:KZ code in ``text`` (``" kz-35 "`` -> ``"KZ-35"``). Raises ValueError with
    unknown_region_message() when ``text`` is not a string of the form KZ-nn."""
    code = text.strip().upper() if isinstance(text, str) else ""
    if not REGION_CODE.match(code):
        raise ValueError(unknown_region_message(text))
    return code


def find_region(text: Any, regions: "Mapping[str, Region] | None" = None) -> "Region | None":
    """The Region whose code ``text`` gives (parse_region_code), looked up in ``regions`` (code -> Region,
    for an import that loaded them once) or in the database (one query); None for a malformed or unknown
    code."""
    from .models import Region

    try:
        code = parse_region_code(text)
    except ValueError:
        return None
    if regions is not None:
        return regions.get(code)
    return Region.objects.filter(code=code).first()
