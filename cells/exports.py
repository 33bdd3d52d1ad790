"""The export of a list of cells, declared once with its columns: the block page and the facility page
(reporting) export cells with it."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from core.export import Field, export_list, field

from .models import Cell, StandardProfile
from .selectors import cells_with_results


def _status(profile: StandardProfile) -> Any:
    def value(cell: Any) -> str:  # a Cell of cells_with_results (``active_results``)
        return next((r.get_status_display() for r in cell.active_results if r.profile_id == profile.pk), "")

    return value


def cell_fields(profiles: list[StandardProfile]) -> list[Field]:
    """The exported columns of cells: measurements (m², m), persons, flags, and the status under each of
    ``profiles`` (the active ones). The cells need cells_with_results (``active_results``)."""
    n = "number"
    return [
        field(_("Facility"), lambda c: c.block.facility.code),
        field(_("Block"), lambda c: c.block.name),
        field(_("Number"), lambda c: c.number),
        field(_("Accommodation type"), lambda c: c.get_accommodation_type_display()),
        field(_("Living space (m²)"), lambda c: c.living_space_m2, n),
        field(_("Design capacity (persons)"), lambda c: c.design_capacity, n),
        field(_("Occupancy (persons)"), lambda c: c.occupancy, n),
        field(_("Date of the count"), lambda c: c.occupancy_date, "date"),
        field(_("Sanitary annex"), lambda c: c.has_sanitary_annex, "bool"),
        field(_("Sanitary annex fully partitioned"), lambda c: c.sanitary_annex_partitioned, "bool"),
        field(_("Distance between walls (m)"), lambda c: c.min_wall_distance_m, n),
        field(_("Ceiling height (m)"), lambda c: c.ceiling_height_m, n),
        field(_("Natural light"), lambda c: c.has_natural_light, "bool"),
        field(_("Status"), lambda c: c.get_status_display()),
        *[field(_("Compliance: %(profile)s") % {"profile": p.code}, _status(p)) for p in profiles],
        field(_("Awaiting evaluation"), lambda c: c.status == c.Status.IN_USE and c.awaiting_evaluation, "bool"),
        field(_("Generated demo data"), lambda c: c.is_demo, "bool"),
    ]


def export_cells(
    request: HttpRequest, filename: str, cells: "QuerySet[Cell]", errors: dict[str, list[Any]] | None = None
) -> HttpResponse | StreamingHttpResponse | None:
    """The cells as CSV or XLSX when the request asks for an export (with each active profile's status),
    else None; ``errors`` of the page's filters answer 400."""
    if "export" not in request.GET:
        return None
    profiles = list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))
    cells = cells_with_results(cells.select_related("block__facility"))
    return export_list(request, filename, cell_fields(profiles), cells, errors=errors)
