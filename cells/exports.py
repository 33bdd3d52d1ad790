"""The export of a list of cells, declared once with its columns: the block page and the facility page
(reporting) export cells with it."""

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from core.export import Field, choice_field, export_list, field

from .compliance import outcomes
from .models import Cell, ComplianceStatus, StandardProfile


def _status(profile: StandardProfile) -> Any:
    key = f"export_status_{profile.pk}"

    def value(cell: Any) -> str:  # a Cell of with_export_figures: its status under the profile, if in use
        return (getattr(cell, key) or "") if cell.status == Cell.Status.IN_USE else ""

    return value


def cell_fields(profiles: list[StandardProfile]) -> list[Field]:
    """The exported columns of cells: measurements (m², m), persons, flags, and the status under each of
    ``profiles`` (the active ones). The cells need the annotations of with_export_figures."""
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
        field(_("Awaiting evaluation"), lambda c: bool(c.status == c.Status.IN_USE and c.awaiting_evaluation), "bool"),
        field(_("Generated demo data"), lambda c: c.is_demo, "bool"),
    ]


def with_export_figures(cells: "QuerySet[Cell]", profiles: list[StandardProfile]) -> "QuerySet[Cell]":
    """The cells with what their export reads, as columns of their one query rather than objects per row:
    ``export_facility`` (the facility's code), ``export_block`` (the block's name), ``export_status_<id>``
    (the status under each of ``profiles`` from the recorded outcome codes,
    cells.compliance.outcomes.status_expression: what their results say, NULL without one) and
    ``rules_changed`` (whether the rules of the active profiles changed since the cell's evaluation, as
    cells.compliance.outcomes.attach_results sets it, for Cell.awaiting_evaluation). Two queries (the
    layouts, the rules)."""
    known = outcomes.layouts()
    current = outcomes.current_definitions({p.pk: p for p in profiles})
    changed = [version for version, entries in known if outcomes.rules_changed(entries, current)]
    stale = Q(pk__in=[])
    for version in changed:
        stale |= Q(evaluated_outcomes__endswith=f"#{version}")
    return cells.annotate(
        export_facility=F("block__facility__code"),
        export_block=F("block__name"),
        rules_changed=ExpressionWrapper(stale, output_field=BooleanField()),
        **{f"export_status_{p.pk}": outcomes.status_expression(p, known) for p in profiles},
    )


def export_cells(
    request: HttpRequest, filename: str, cells: "QuerySet[Cell]", errors: dict[str, list[Any]] | None = None
) -> HttpResponse | StreamingHttpResponse | None:
    """The cells as CSV or XLSX when the request asks for an export (with each active profile's status),
    else None; ``errors`` of the page's filters answer 400. Streamed (core.export.export_list)."""
    if "export" not in request.GET:
        return None
    profiles = list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))
    return export_list(
        request, filename, cell_fields(profiles), lambda: with_export_figures(cells, profiles), errors=errors
    )
