"""Pages that compose several apps: the national dashboard, the facility list and the facility page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cells import services as cell_services
from cells.filters import CellFilter
from cells.forms import CellForm, CompletionForm
from cells.models import Cell, StandardProfile
from cells.selectors import active_rules, cells_with_results, rule_outcomes
from core.exceptions import ConflictError
from core.export import Column, export_response, list_query
from core.forms import add_service_errors
from core.history import history_entries
from facilities import scoping
from facilities import services as facility_services
from facilities.forms import ProgressForm
from facilities.models import ConversionProject, Facility, ProgressUpdate, ResidentialBlock
from inspections.models import Finding, Inspection

from . import charts, selectors, trends
from .filters import FacilityComplianceFilter


def _page(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _cell_columns(profiles):
    n = "number"
    return [
        Column(_("Facility")),
        Column(_("Block")),
        Column(_("Number")),
        Column(_("Accommodation type")),
        Column(_("Living space (m²)"), n),
        Column(_("Design capacity (persons)"), n),
        Column(_("Occupancy (persons)"), n),
        Column(_("Date of the count"), "date"),
        Column(_("Sanitary annex"), "bool"),
        Column(_("Sanitary annex fully partitioned"), "bool"),
        Column(_("Distance between walls (m)"), n),
        Column(_("Ceiling height (m)"), n),
        Column(_("Natural light"), "bool"),
        Column(_("Status")),
        *[Column(_("Compliance: %(profile)s") % {"profile": p.code}) for p in profiles],
        Column(_("Awaiting evaluation"), "bool"),
        Column(_("Generated demo data"), "bool"),
    ]


def _cell_rows(cells, profiles):
    for cell in cells:
        results = {r.profile_id: r.get_status_display() for r in cell.active_results}
        yield [
            cell.block.facility.code,
            cell.block.name,
            cell.number,
            cell.get_accommodation_type_display(),
            cell.living_space_m2,
            cell.design_capacity,
            cell.occupancy,
            cell.occupancy_date,
            cell.has_sanitary_annex,
            cell.sanitary_annex_partitioned,
            cell.min_wall_distance_m,
            cell.ceiling_height_m,
            cell.has_natural_light,
            cell.get_status_display(),
            *[results.get(p.pk, "") for p in profiles],
            cell.status == cell.Status.IN_USE and cell.awaiting_evaluation,
            cell.is_demo,
        ]


def export_cells(request, filename, cells, errors=None):
    """The cells as CSV or XLSX when the request asks for an export (with each active profile's status);
    ``errors`` of the page's filters answer 400."""
    if "export" not in request.GET:
        return None
    profiles = list(StandardProfile.objects.filter(is_active=True).order_by("position", "code"))
    cells = cells_with_results(cells.select_related("block__facility"))
    return export_response(
        request, filename, _cell_columns(profiles), lambda: _cell_rows(cells, profiles), errors=errors
    )


def facility_list(request):
    """Facilities with filters (region, kind, security level, status, compliance under a profile)."""
    visible = Facility.objects.visible_to(request.user)
    filterset = FacilityComplianceFilter(request.GET or None, queryset=visible, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    if filterset.is_bound and not filterset.is_valid():
        queryset = Facility.objects.none()
    profile = filterset.selected_profile()
    queryset = selectors.facilities_with_figures(queryset.order_by("region__code", "code", "pk"), profile)
    n = "number"
    exported = export_response(
        request,
        _("facilities"),
        [
            Column(_("Code")),
            Column(_("Name")),
            Column(_("Region code")),
            Column(_("Region")),
            Column(_("Kind")),
            Column(_("Security level")),
            Column(_("Status")),
            Column(_("Year built"), n),
            Column(_("Places"), n),
            Column(_("Persons held"), n),
            Column(_("Persons in single-occupancy cells"), n),
            Column(
                _("Persons in compliant accommodation (%(profile)s)") % {"profile": profile.code if profile else "—"}, n
            ),
            Column(_("Share compliant (%)"), n),
            Column(_("Generated demo data"), "bool"),
        ],
        lambda: (
            [
                f.code,
                f.name,
                f.region.code,
                f.region.name,
                f.get_kind_display(),
                f.get_security_level_display(),
                f.get_status_display(),
                f.year_built,
                f.places,
                f.persons,
                f.persons_in_single_cells,
                getattr(f, "persons_compliant", None),
                selectors.share(f.persons_compliant, f.persons) if hasattr(f, "persons_compliant") else None,
                f.is_demo,
            ]
            for f in queryset
        ),
        errors=filterset.errors if filterset.is_bound else None,
    )
    if exported is not None:
        return exported
    page = _page(request, queryset, 50)
    return render(
        request,
        "facilities/facility_list.html",
        {
            "filter": filterset,
            "page": page,
            "profile": profile,
            "query": list_query(request),
        },
    )


def facility_detail(request, pk):
    """A facility: its blocks with conversion progress, and its cells with pass/fail per rule and source."""
    facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("region"), pk=pk)
    blocks = facility.blocks.select_related("conversion").order_by("name")
    cell_filter = CellFilter(request.GET or None, queryset=Cell.objects.filter(block__facility=facility))
    cells = (
        cell_filter.qs
        if cell_filter.is_bound and cell_filter.is_valid()
        else Cell.objects.filter(block__facility=facility)
    )
    if cell_filter.is_bound and not cell_filter.is_valid():
        cells = Cell.objects.none()
    cells = cells.order_by("block__name", "number", "pk")
    exported = export_cells(
        request, f"{facility.code}-cells", cells, errors=cell_filter.errors if cell_filter.is_bound else None
    )
    if exported is not None:
        return exported
    cells = cells_with_results(cells.select_related("block"))
    page = _page(request, cells, 50)
    rules = active_rules()
    rows = [(cell, rule_outcomes(cell, rules)) for cell in page]
    profile = StandardProfile.objects.filter(code=selectors.HEADLINE_PROFILE).first()
    figures = selectors.facilities_with_figures(Facility.objects.filter(pk=facility.pk), profile).get()
    findings = Finding.objects.filter(inspection__facility=facility)
    points = trends.series(trends.Scope.FACILITY, facility.pk)
    return render(
        request,
        "facilities/facility_detail.html",
        {
            "facility": facility,
            "figures": figures,
            "profile": profile,
            "blocks": blocks,
            "page": page,
            "rows": rows,
            "rules": rules,
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
                "block": update.project.block.name,
                "block_id": update.project.block_id,
                "status": update.get_status_display(),
                "percent": update.percent_complete,
                "is_demo": update.is_demo,
            }
        )
    return sorted(events, key=lambda e: (e["date"], e["block"]))


# ---------------------------------------------------------------------------------------------------
# Blocks, conversion progress, completion and cells (ministry editors), and History tabs.


def block_detail(request, pk):
    """A residential block: its conversion project with the progress log, and its cells."""
    block = get_object_or_404(
        ResidentialBlock.objects.visible_to(request.user).select_related("facility__region"), pk=pk
    )
    project = ConversionProject.objects.filter(block=block).first()
    updates = project.updates.select_related("author").order_by("-date", "-id") if project else []
    exported = export_cells(request, f"{block.facility.code}-{block.name}-cells", block.cells.order_by("number", "pk"))
    if exported is not None:
        return exported
    cells = cells_with_results(block.cells.order_by("number", "pk"))
    page = _page(request, cells, 100)
    rules = active_rules()
    can_edit = scoping.in_regions(block.facility.region_id, scoping.edit_regions(request.user, scoping.EDITOR))
    today = timezone.localdate()
    return render(
        request,
        "facilities/block_detail.html",
        {
            "single_cells_in_use": block.cells.in_use().filter(accommodation_type="single_occupancy_cell").count(),
            "over_budget": bool(
                project and project.budget_planned_kzt and project.budget_spent_kzt > project.budget_planned_kzt
            ),
            "late": bool(
                project
                and project.planned_end
                and project.planned_end < today
                and project.status not in ("completed", "cancelled")
            ),
            "rblock": block,
            "project": project,
            "updates": updates,
            "page": page,
            "rules": rules,
            "progress_chart": charts.progress_line(reversed(list(updates))) if project and updates else None,
            "rows": [(cell, rule_outcomes(cell, rules)) for cell in page],
            "can_edit": can_edit,
            "allowed": facility_services.allowed_transitions(project) if project else [],
        },
    )


def _project_for(request, pk):
    return get_object_or_404(
        ConversionProject.objects.visible_to(request.user).select_related("block__facility"), pk=pk
    )


def progress_form(request, pk):
    """Record a progress update; a stale version (someone saved meanwhile) is a form message, input kept."""
    project = _project_for(request, pk)
    facility_services.check_can_edit_project(request.user, project)
    initial = {
        "version": project.version,
        "date": timezone.localdate(),
        "status": project.status,
        "percent_complete": project.percent_complete,
        "budget_spent_kzt": project.budget_spent_kzt,
        "actual_start": project.actual_start,
        "actual_end": project.actual_end,
    }
    form = ProgressForm(request.POST or None, initial=initial, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            facility_services.record_progress(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as conflict:
            # Keep what the editor typed; show what is stored now; the next submit is against the new version.
            project.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = conflict.current_version
            form.add_error(
                None,
                f"{conflict} Stored now: {project.get_status_display()}, "
                f"{project.percent_complete}% complete, {project.budget_spent_kzt} KZT spent.",
            )
        else:
            messages.success(request, _("Progress update saved."))
            return redirect("block-detail", project.block_id)
    return render(
        request,
        "facilities/progress_form.html",
        {"form": form, "project": project, "allowed": facility_services.allowed_transitions(project)},
    )


def completion_form(request, pk):
    """Complete a project and register the block's new single cells in one transaction."""
    project = _project_for(request, pk)
    facility_services.check_can_edit_project(request.user, project)
    today = timezone.localdate()
    initial = {
        "version": project.version,
        "date": today,
        "actual_end": today,
        "prefix": "S",
        "budget_spent_kzt": project.budget_spent_kzt,
        "count": project.target_cells or None,
        "has_sanitary_annex": True,
        "sanitary_annex_partitioned": True,
        "has_natural_light": True,
    }
    form = CompletionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("version", "date", "actual_end", "budget_spent_kzt", "note")}
        try:
            cell_services.complete_conversion(user=request.user, project=project, cells=form.cells(), **data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as conflict:
            form.data = form.data.copy()
            form.data["version"] = conflict.current_version
            form.add_error(None, str(conflict))
        else:
            messages.success(
                request, _("Project completed; the block's new cells are registered. Compliance is being recomputed.")
            )
            return redirect("block-detail", project.block_id)
    return render(request, "facilities/completion_form.html", {"form": form, "project": project})


def cell_form(request, pk=None, block_pk=None):
    """Register a cell in a block (``block_pk``) or change one (``pk``)."""
    editable = ResidentialBlock.objects.visible_to(request.user)
    regions = scoping.edit_regions(request.user, scoping.EDITOR)
    if regions is not None:
        editable = editable.filter(facility__region__in=regions)
    cell = None
    if pk is not None:
        cell = get_object_or_404(Cell.objects.visible_to(request.user).select_related("block__facility"), pk=pk)
        cell_services.check_can_edit_cells(request.user, cell)
        initial = {}
    else:
        cell_services.check_can_edit_cells(request.user)
        block = get_object_or_404(editable, pk=block_pk)
        initial = {"block": block}
    form = CellForm(request.POST or None, instance=cell, initial=initial, blocks=editable)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.cleaned_data}
        try:
            saved = cell_services.save_cell(
                user=request.user, data=data, cell=Cell.objects.get(pk=cell.pk) if cell else None
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Cell saved. Compliance is being recomputed."))
            return redirect("block-detail", saved.block_id)
    return render(request, "cells/cell_form.html", {"form": form, "cell": cell})


HISTORY_MODELS = {
    "facility": (Facility, "facility-detail"),
    "block": (ResidentialBlock, "block-detail"),
    "project": (ConversionProject, None),
    "cell": (Cell, None),
    "inspection": (Inspection, "inspection-detail"),
    "finding": (Finding, "finding-detail"),
}


def history(request, kind, pk):
    """The History tab of an object: who changed what and when, newest first (read-only)."""
    if kind not in HISTORY_MODELS:
        raise Http404
    model, detail = HISTORY_MODELS[kind]
    instance = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    back = reverse(detail, args=[pk]) if detail else None
    if kind == "project":
        back = reverse("block-detail", args=[instance.block_id])
    elif kind == "cell":
        back = reverse("block-detail", args=[instance.block_id])
    return render(
        request, "history.html", {"object": instance, "entries": history_entries(instance), "back": back, "kind": kind}
    )
