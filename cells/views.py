"""HTML pages of the cells app: the standards page, the block page with its cells, the cell form, the
completion form of a conversion project, and the cells' CSV/XLSX export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lists
from core.exceptions import AlreadyDone
from core.forms import add_service_errors, show_stale
from core.versioning import StaleVersion
from facilities import decisions, scoping
from facilities import services as facility_services
from facilities.charts import progress_line
from facilities.models import ConversionProject, ResidentialBlock
from facilities.views import project_for

from . import services as cell_services
from .exports import export_cells
from .forms import CellForm, CompletionForm
from .models import Cell, StandardProfile
from .selectors import active_rules, capacity_of, cells_with_results, over_certified_expression, rule_outcomes


def standards(request):
    """Every standard profile and rule with its source and whether it is verified."""
    profiles = StandardProfile.objects.prefetch_related("rules")
    return render(request, "cells/standards.html", {"profiles": profiles})


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
    cells = cells_with_results(
        block.cells.order_by("number", "pk").annotate(over_certified=over_certified_expression())
    )
    page = lists.page(request, cells, 100)
    rules = active_rules()
    can_edit = decisions.may_edit_cells(request.user, block.facility.region_id)
    today = timezone.localdate()
    return render(
        request,
        "cells/block_detail.html",
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
            "capacity": capacity_of(block.cells.all()),  # cells.selectors.capacity_aggregates
            "today": today,
            "rblock": block,
            "project": project,
            "updates": updates,
            "page": page,
            "rules": rules,
            "progress_chart": progress_line(reversed(list(updates))) if project and updates else None,
            "rows": [(cell, rule_outcomes(cell, rules)) for cell in page],
            "can_edit": can_edit,
            "allowed": facility_services.allowed_transitions(project) if project else [],
        },
    )


def completion_form(request, pk):
    """Complete a project and register the block's new single cells in one transaction. The form carries
    the project version it was opened with: submitted after another change it writes nothing and shows
    what changed beside the user's values (core.forms.show_stale); a project completed meanwhile is named
    (when, by whom)."""
    project = project_for(request, pk)
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
    form = CompletionForm(request.POST or None, initial=initial, record=project)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("version", "date", "actual_end", "budget_spent_kzt", "note")}
        try:
            cell_services.complete_conversion(user=request.user, project=project, cells=form.cells(), **data)
        except ValidationError as error:
            add_service_errors(form, error)
        except AlreadyDone as done:
            form.add_error(None, str(done))
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        else:
            messages.success(
                request, _("Project completed; the block's new cells are registered. Compliance is being recomputed.")
            )
            return redirect("block-detail", project.block_id)
    return render(request, "cells/completion_form.html", {"form": form, "project": project, "stale_rows": stale_rows})


def cell_form(request, pk=None, block_pk=None):
    """Register a cell in a block (``block_pk``) or change one (``pk``). A change writes only the fields the
    user changed, against the version the form was opened with: after another change it writes nothing and
    shows what changed beside the user's values (core.forms.show_stale)."""
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
    stored = Cell.objects.get(pk=cell.pk) if cell else None  # as read now, for the page (the form edits a copy)
    form = CellForm(request.POST or None, instance=cell, initial=initial, blocks=editable)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = cell_services.save_cell(
                user=request.user,
                data=form.changed_fields(),
                cell=stored,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
            stored = stale.instance
        else:
            messages.success(request, _("Cell saved. Compliance is being recomputed."))
            return redirect("block-detail", saved.block_id)
    return render(request, "cells/cell_form.html", {"form": form, "cell": stored, "stale_rows": stale_rows})
