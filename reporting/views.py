"""Pages of the facility list (with compliance filters and export) and the facility page."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.exports import export_cells
from cells.filters import CellFilter
from cells.models import Cell
from cells.selectors import (
    active_rules,
    cells_with_results,
    over_certified_expression,
    profile_columns,
    profile_statuses,
    rule_outcomes,
)
from core import lists
from core.export import export_list, list_query
from core.i18n import localised
from facilities import decisions, flow
from facilities.admin_site import may_use_admin
from facilities.models import ConversionProject, Facility, ProgressUpdate
from inspections.models import Finding, Inspection

from . import charts, selectors, trends
from .exports import facility_fields
from .figures import for_page, headline_profile, with_capacity
from .filters import FacilityComplianceFilter


def facility_list(request):
    """Facilities with filters (region, kind, security level, status, compliance under a profile)."""
    visible = Facility.objects.visible_to(request.user)
    filterset, queryset = lists.filtered(request, FacilityComplianceFilter, visible)
    profile = filterset.selected_profile()
    queryset = selectors.facilities_with_figures(queryset.order_by("region__code", "code", "pk"), profile)
    exported = export_list(
        request,
        _("facilities"),
        facility_fields(profile),
        queryset,
        errors=filterset.errors if filterset.is_bound else None,
    )
    if exported is not None:
        return exported
    page = lists.page(request, queryset, 50)
    return render(
        request,
        "reporting/facility_list.html",
        {
            "filter": filterset,
            "page": page,
            "profile": profile,
            "query": list_query(request),
        },
    )


def facility_detail(request, pk):
    """A facility: its capacity figures (persons held beside the reported headcount, design / certified /
    operational places, overcrowding, places out of use; reporting.figures.with_capacity), its blocks with
    conversion progress, and its cells with their status under each active profile, the rules they fail
    (with the measured values and units) and every rule's outcome on demand (templates/cells/compliance_table.html)."""
    facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("region"), pk=pk)
    blocks = facility.blocks.select_related("conversion").order_by("name")
    cell_filter, cells = lists.filtered(request, CellFilter, Cell.objects.filter(block__facility=facility))
    cells = cells.order_by("block__name", "number", "pk")
    exported = export_cells(
        request, f"{facility.code}-cells", cells, errors=cell_filter.errors if cell_filter.is_bound else None
    )
    if exported is not None:
        return exported
    cells = cells_with_results(cells.select_related("block").annotate(over_certified=over_certified_expression()))
    page = lists.page(request, cells, 50)
    rules = active_rules()
    rows = [(cell, profile_statuses(cell, rules, rule_outcomes(cell, rules))) for cell in page]
    profile = headline_profile()
    figures = with_capacity(selectors.facilities_with_figures(Facility.objects.filter(pk=facility.pk), profile)).get()
    findings = Finding.objects.filter(facility=facility)
    points = trends.series(trends.Scope.FACILITY, facility.pk)
    return render(
        request,
        "reporting/facility_detail.html",
        {
            "facility": facility,
            "figures": figures,
            "capacity": for_page(figures),
            "profile": profile,
            "blocks": blocks,
            "page": page,
            "rows": rows,
            "columns": profile_columns(rules),
            "can_edit": decisions.may_edit_cells(request.user, facility.region_id),
            "cell_filter": cell_filter,
            "query": list_query(request),
            "findings_open": findings.open().count(),
            "findings_overdue": findings.overdue().count(),
            "inspections": Inspection.objects.filter(facility=facility)
            .annotate(findings_count=Count("findings"))
            .order_by("-date_start")[:10],
            "points": points,
            "trend_chart": charts.facility_trend(points) if points else None,
            "reconstructed_until": max((p["date"] for p in points if p["reconstructed"]), default=None),
            "timeline": status_timeline(facility),
            "status_outdated": flow.reconstruction_status_outdated(
                facility.status,
                list(ConversionProject.objects.filter(block__facility=facility).values_list("status", flat=True)),
            ),
            "may_change_status": may_use_admin(request.user) and request.user.has_perm("facilities.change_facility"),
            "today": timezone.localdate(),
        },
    )


def status_timeline(facility) -> list[dict]:
    """The status changes of every conversion project of ``facility``, oldest first: one entry per progress
    update whose status differs from the project's previous update (``date``, ``block``, ``block_id``,
    ``status`` label, ``percent``, ``is_demo``)."""
    updates = (
        ProgressUpdate.objects.filter(project__block__facility=facility)
        .select_related("project__block")
        .order_by("project_id", "date", "id")
    )
    events, last = [], {}
    for update in updates:
        if last.get(update.project_id) == update.status:
            continue
        last[update.project_id] = update.status
        events.append(
            {
                "date": update.date,
                "block": localised(update.project.block, "name"),
                "block_id": update.project.block_id,
                "status": update.get_status_display(),
                "percent": update.percent_complete,
                "is_demo": update.is_demo,
            }
        )
    return sorted(events, key=lambda e: (e["date"], e["block"]))
