"""English dates and times as a reader in Kazakhstan reads them: day first (03.12.2026 is 3 December 2026,
never 12 March) and a 24-hour clock, as in the Kazakh and Russian pages (roadmap_portal/formats/kk and
Django's ru). Django's own ``en`` writes ``12/03/2026`` and ``1:15 p.m.``; only what differs from it is set
here (Django takes the rest, e.g. the number separators ``1,234.5``, from its ``en`` module).

Input is read day first too (``03.12.2026``, ``03/12/2026``, ``3 Dec 2026``) and always as ISO
``2026-12-03``, which Django adds to every language's input formats; the date inputs
(core.widgets.DateInput, with their calendar) write ``03.12.2026``. CSV/XLSX
exports and the API keep ISO dates (core/export.py, DRF)."""

DATE_FORMAT = "j F Y"  # 3 December 2026
TIME_FORMAT = "H:i"  # 13:15
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"  # 03.12.2026
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 03.12.2026
    "%d.%m.%y",  # 03.12.26
    "%d/%m/%Y",  # 03/12/2026: day first, as everything the portal writes
    "%d %b %Y",  # 3 Dec 2026
    "%d %B %Y",  # 3 December 2026
    "%Y-%m-%d",  # ISO
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
