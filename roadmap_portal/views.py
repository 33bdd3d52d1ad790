"""Pages that compose several apps: the national dashboard, the facility list and the facility page."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
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
from core.forms import add_service_errors
from core.history import history_entries
from facilities import scoping
from facilities import services as facility_services
from facilities.forms import ProgressForm
from facilities.models import ConversionProject, Facility, ResidentialBlock
from inspections.models import Finding, Inspection

from . import selectors
from .filters import FacilityComplianceFilter


def _page(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def dashboard(request):
    """The dashboard: headline figures, compliance per profile, projects, single-cell share by region; for
    a user with regions of responsibility, over those regions only."""
    scope = scoping.region_scope(request.user)
    regions = selectors.single_cell_share_by_region(scope)
    return render(request, "dashboard/national.html", {
        "summary": selectors.summary(scope=scope), "scoped": scope is not None,
        "regions": regions,
        "max_share": max([r["share"] or 0 for r in regions] + [1]),
    })


def facility_list(request):
    """Facilities with filters (region, kind, security level, status, compliance under a profile)."""
    visible = Facility.objects.visible_to(request.user)
    filterset = FacilityComplianceFilter(request.GET or None, queryset=visible, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    if filterset.is_bound and not filterset.is_valid():
        queryset = Facility.objects.none()
    profile = filterset.selected_profile()
    queryset = selectors.facilities_with_figures(queryset.order_by("region__code", "code", "pk"), profile)
    page = _page(request, queryset, 50)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "facilities/facility_list.html", {
        "filter": filterset, "page": page, "profile": profile, "query": query.urlencode(),
    })


def facility_detail(request, pk):
    """A facility: its blocks with conversion progress, and its cells with pass/fail per rule and source."""
    facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("region"), pk=pk)
    blocks = facility.blocks.select_related("conversion").order_by("name")
    cell_filter = CellFilter(request.GET or None, queryset=Cell.objects.filter(block__facility=facility))
    cells = cell_filter.qs if cell_filter.is_bound and cell_filter.is_valid() else Cell.objects.filter(
        block__facility=facility)
    if cell_filter.is_bound and not cell_filter.is_valid():
        cells = Cell.objects.none()
    cells = cells_with_results(cells.select_related("block").order_by("block__name", "number", "pk"))
    page = _page(request, cells, 50)
    rules = active_rules()
    rows = [(cell, rule_outcomes(cell, rules)) for cell in page]
    query = request.GET.copy()
    query.pop("page", None)
    profile = StandardProfile.objects.filter(code=selectors.HEADLINE_PROFILE).first()
    figures = selectors.facilities_with_figures(Facility.objects.filter(pk=facility.pk), profile).get()
    findings = Finding.objects.filter(inspection__facility=facility)
    return render(request, "facilities/facility_detail.html", {
        "facility": facility, "figures": figures, "profile": profile, "blocks": blocks, "page": page,
        "rows": rows, "rules": rules, "cell_filter": cell_filter, "query": query.urlencode(),
        "findings_open": findings.open().count(), "findings_overdue": findings.overdue().count(),
        "inspections": Inspection.objects.filter(facility=facility).order_by("-date_start")[:10],
    })


# ---------------------------------------------------------------------------------------------------
# Blocks, conversion progress, completion and cells (ministry editors), and History tabs.

def block_detail(request, pk):
    """A residential block: its conversion project with the progress log, and its cells."""
    block = get_object_or_404(ResidentialBlock.objects.visible_to(request.user).select_related("facility__region"),
                              pk=pk)
    project = ConversionProject.objects.filter(block=block).first()
    updates = project.updates.select_related("author").order_by("-date", "-id") if project else []
    cells = cells_with_results(block.cells.order_by("number", "pk"))
    page = _page(request, cells, 100)
    rules = active_rules()
    can_edit = scoping.in_regions(block.facility.region_id, scoping.edit_regions(request.user, scoping.EDITOR))
    today = timezone.localdate()
    return render(request, "facilities/block_detail.html", {
        "single_cells_in_use": block.cells.in_use().filter(accommodation_type="single_occupancy_cell").count(),
        "over_budget": bool(project and project.budget_planned_kzt and project.budget_spent_kzt
                            > project.budget_planned_kzt),
        "late": bool(project and project.planned_end and project.planned_end < today
                     and project.status not in ("completed", "cancelled")),
        "rblock": block, "project": project, "updates": updates, "page": page, "rules": rules,
        "rows": [(cell, rule_outcomes(cell, rules)) for cell in page], "can_edit": can_edit,
        "allowed": facility_services.allowed_transitions(project) if project else [],
    })


def _project_for(request, pk):
    return get_object_or_404(ConversionProject.objects.visible_to(request.user).select_related("block__facility"),
                             pk=pk)


def progress_form(request, pk):
    """Record a progress update; a stale version (someone saved meanwhile) is a form message, input kept."""
    project = _project_for(request, pk)
    facility_services.check_can_edit_project(request.user, project)
    initial = {"version": project.version, "date": timezone.localdate(), "status": project.status,
               "percent_complete": project.percent_complete, "budget_spent_kzt": project.budget_spent_kzt,
               "actual_start": project.actual_start, "actual_end": project.actual_end}
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
            form.add_error(None, f"{conflict} Stored now: {project.get_status_display()}, "
                                 f"{project.percent_complete}% complete, {project.budget_spent_kzt} KZT spent.")
        else:
            messages.success(request, _("Progress update saved."))
            return redirect("block-detail", project.block_id)
    return render(request, "facilities/progress_form.html", {"form": form, "project": project,
                                                              "allowed": facility_services.allowed_transitions(project)})


def completion_form(request, pk):
    """Complete a project and register the block's new single cells in one transaction."""
    project = _project_for(request, pk)
    facility_services.check_can_edit_project(request.user, project)
    today = timezone.localdate()
    initial = {"version": project.version, "date": today, "actual_end": today, "prefix": "S",
               "budget_spent_kzt": project.budget_spent_kzt, "count": project.target_cells or None,
               "has_sanitary_annex": True, "sanitary_annex_partitioned": True, "has_natural_light": True}
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
            messages.success(request, _("Project completed; the block's new cells are registered. Compliance "
                                        "is being recomputed."))
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
            saved = cell_services.save_cell(user=request.user, data=data,
                                            cell=Cell.objects.get(pk=cell.pk) if cell else None)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Cell saved. Compliance is being recomputed."))
            return redirect("block-detail", saved.block_id)
    return render(request, "cells/cell_form.html", {"form": form, "cell": cell})


HISTORY_MODELS = {
    "facility": (Facility, "facility-detail"), "block": (ResidentialBlock, "block-detail"),
    "project": (ConversionProject, None), "cell": (Cell, None),
    "inspection": (Inspection, "inspection-detail"), "finding": (Finding, "finding-detail"),
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
    return render(request, "history.html", {"object": instance, "entries": history_entries(instance),
                                            "back": back, "kind": kind})
