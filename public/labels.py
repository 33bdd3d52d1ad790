"""The labels of the public site: every figure's name and definition, the reason symbols of suppressed
cells, and the names of the codes a release holds (mechanisms, judgements, project statuses, facility
kinds). Nothing else but these, the templates' own texts and the release's data appears on a public page
(tests/public/test_allow_list.py builds its allow-list of words from them).

Definitions follow public/figures.py (the raw figures) and public/content.py (shares and rates); prison
density is the Council of Europe's SPACE I figure (persons held per 100 places).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from facilities.mechanisms import Mechanism
from facilities.models import ConversionProject, Facility
from inspections.models import Finding

from . import disclosure

PERSONS, PLACES, PERCENT, RATE, COUNT = "persons", "places", "percent", "rate", "count"


@dataclass(frozen=True)
class Figure:
    """A published figure of an area: ``key`` in the release's content, ``kind`` (persons: rounded and
    perhaps suppressed; places; percent; rate per 100; count), its ``label`` and ``definition``."""

    key: str
    kind: str
    label: Promise
    definition: Promise


FIGURES = [
    Figure(
        "institutions",
        COUNT,
        _("Institutions"),
        _("Institutions in operation (operating or under reconstruction)."),
    ),
    Figure(
        "places_certified",
        PLACES,
        _("Certified places"),
        _("The places the last approved certification gave the cells on the record."),
    ),
    Figure(
        "places_operational",
        PLACES,
        _("Operational places"),
        _("Certified places of the cells in use: not temporarily out of use, not under reconstruction."),
    ),
    Figure(
        "persons_held",
        PERSONS,
        _("Persons held"),
        _("Sum of the occupancy of the cells in use, on their latest counts."),
    ),
    Figure(
        "occupancy_percent",
        PERCENT,
        _("Occupancy"),
        _("Persons held as a share of operational places."),
    ),
    Figure(
        "density_per_100_places",
        RATE,
        _("Prison density"),
        _("Persons held per 100 certified places (Council of Europe, SPACE I)."),
    ),
    Figure(
        "persons_in_single_cells",
        PERSONS,
        _("Persons in single cells"),
        _("Persons held in single-occupancy cells in use."),
    ),
    Figure(
        "share_in_single_cells_percent",
        PERCENT,
        _("Share in single cells"),
        _("Persons in single cells as a share of persons held."),
    ),
    Figure(
        "share_near_home_percent",
        PERCENT,
        _("Held near home"),
        _("Of the persons whose home region is known, the share held in their home region."),
    ),
]
#: The figures shown in a table of areas (regions, facilities), in order.
TABLE_FIGURES = [
    f
    for f in FIGURES
    if f.key
    in (
        "places_certified",
        "places_operational",
        "persons_held",
        "occupancy_percent",
        "density_per_100_places",
        "share_in_single_cells_percent",
        "share_near_home_percent",
    )
]
COMPLIANCE_DEFINITION = _(
    "Persons held in cells in use whose result under the profile is compliant, and their share of persons held."
)
PROJECTS_DEFINITION = _(
    "Conversion projects of residential blocks by status; mean progress (percent complete) of the active ones."
)
RECOMMENDATIONS_DEFINITION = _(
    "Recommendations and findings of every mechanism: open (open or in progress), overdue (open and past "
    "a deadline or an action's due date), implemented."
)
RECOMMENDATION_COUNTS = {
    "total": _("Recommendations and findings"),
    "open": _("open"),
    "overdue": _("overdue"),
    "implemented": _("implemented"),
}

#: reason code -> (symbol shown in the cell, explanation in the legend)
REASONS = {
    disclosure.THRESHOLD: ("×¹", _("suppressed: a count of persons below the threshold")),
    disclosure.SECONDARY: (
        "×²",
        _("suppressed so that another suppressed count cannot be recovered from the totals"),
    ),
    disclosure.DERIVED: ("×³", _("suppressed: computed from a suppressed count")),
}
NOT_JUDGED = "not_judged"
JUDGEMENTS: dict[str, Promise] = {**dict(Finding.Judgement.choices), NOT_JUDGED: _("not judged yet")}
MECHANISMS: dict[str, Promise] = dict(Mechanism.choices)
PROJECT_STATUSES: dict[str, Promise] = dict(ConversionProject.Status.choices)
FACILITY_KINDS: dict[str, Promise] = dict(Facility.Kind.choices)
FACILITY_STATUSES: dict[str, Promise] = dict(Facility.Status.choices)
SECURITY_LEVELS: dict[str, Promise] = dict(Facility.SecurityLevel.choices)
SCOPES: dict[str, Promise] = dict(Finding.Scope.choices)


def all_labels() -> list[Promise]:
    """Every label of this module (for the allow-list test)."""
    labels: list[Promise] = [f.label for f in FIGURES] + [f.definition for f in FIGURES]
    labels += [COMPLIANCE_DEFINITION, PROJECTS_DEFINITION, RECOMMENDATIONS_DEFINITION]
    labels += list(RECOMMENDATION_COUNTS.values()) + [text for _symbol, text in REASONS.values()]
    for mapping in (
        JUDGEMENTS,
        MECHANISMS,
        PROJECT_STATUSES,
        FACILITY_KINDS,
        FACILITY_STATUSES,
        SECURITY_LEVELS,
        SCOPES,
    ):
        labels += list(mapping.values())
    return labels
