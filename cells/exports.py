"""The export of a list of cells, declared once with its columns: the block page and the facility page
(reporting) export cells with it."""

from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from core.export import Field, choice_field, export_list, field

from .models import Cell, ComplianceStatus, StandardProfile
from .selectors import cells_with_results


def _status(profile: StandardProfile) -> Any:
    def value(cell: Any) -> str:  # a Cell of cells_with_results (``active_results``): its result's status
        return next((r.status for r in cell.active_results if r.profile_id == profile.pk), "")

    return value


def cell_fields(profiles: list[StandardProfile]) -> list[Field]:
    """The exported columns of cells: measurements (m², m), persons, flags, and the status under each of
    ``profiles`` (the active ones). The cells need cells_with_results (``active_results``) and the
    annotations of with_export_names (``export_facility``, ``export_block``)."""
    n = "number"
    return [
        field(_("Facility"), lambda c: c.export_facility),
        field(_("Block"), lambda c: c.export_block),
        field(_("Number"), lambda c: c.number),
        choice_field(
            _("Accommodation type"), lambda c: c.accommodation_type, Cell._meta.get_field("accommodation_type").choices
        ),
        field(_("Living space (m²)"), lambda c: c.living_space_m2, n),
        field(_("Design capacity (persons)"), lambda c: c.design_capacity, n),
        field(_("Occupancy (persons)"), lambda c: c.occupancy, n),
        field(_("Date of the count"), lambda c: c.occupancy_date, "date"),
        field(_("Sanitary annex"), lambda c: c.has_sanitary_annex, "bool"),
        field(_("Sanitary annex fully partitioned"), lambda c: c.sanitary_annex_partitioned, "bool"),
        field(_("Distance between walls (m)"), lambda c: c.min_wall_distance_m, n),
        field(_("Ceiling height (m)"), lambda c: c.ceiling_height_m, n),
        field(_("Natural light"), lambda c: c.has_natural_light, "bool"),
        choice_field(_("Status"), lambda c: c.status, Cell.Status.choices),
        *[
            choice_field(_("Compliance: %(profile)s") % {"profile": p.code}, _status(p), ComplianceStatus.choices)
            for p in profiles
        ],
        field(_("Awaiting evaluation"), lambda c: c.status == c.Status.IN_USE and c.awaiting_evaluation, "bool"),
        field(_("Generated demo data"), lambda c: c.is_demo, "bool"),
    ]


def with_export_names(cells: "QuerySet[Cell]") -> "QuerySet[Cell]":
    """The cells with their facility's code and their block's name as ``export_facility`` and
    ``export_block``: two columns in the cells' query instead of a block and a facility object per row."""
    return cells.annotate(export_facility=F("block__facility__code"), export_block=F("block__name"))


def export_cells(
    request: HttpRequest, filename: str, cells: "QuerySet[Cell]", errors: dict[str, list[Any]] | None = None
) -> HttpResponse | StreamingHttpResponse | None:
    """The cells as CSV or XLSX when the request asks for an export (with each active profile's status),
    else None; ``errors`` of the page's filters answer 400."""
    if "export" not in request.GET:
        return None
    profiles = list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))
    cells = cells_with_results(with_export_names(cells))
    return export_list(request, filename, cell_fields(profiles), cells, errors=errors)
