"""HTML pages of the cells app: the standards page, the block page with its cells, the cell page (its form,
its deactivations, "Take out of use" and "Bring back into use"), the completion form of a conversion
project, and the cells' CSV/XLSX export."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import lists
from core.exceptions import AlreadyDone, ConflictError
from core.forms import add_service_errors, show_stale
from core.versioning import StaleVersion
from facilities import decisions, scoping
from facilities import services as facility_services
from facilities.charts import progress_line
from facilities.models import ConversionProject, ResidentialBlock
from facilities.views import project_for

from . import deactivation as cell_deactivation
from . import services as cell_services
from .exports import export_cells
from .forms import CellForm, CompletionForm, DeactivationForm, ReactivationForm
from .models import Cell, StandardProfile
from .selectors import (
    active_rules,
    capacity_of,
    cells_with_results,
    over_certified_expression,
    profile_columns,
    profile_statuses,
    rule_outcomes,
)


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
            "columns": profile_columns(rules),
            "progress_chart": progress_line(reversed(list(updates))) if project and updates else None,
            "rows": [(cell, profile_statuses(cell, rules, rule_outcomes(cell, rules))) for cell in page],
            "can_edit": can_edit,
            "allowed": facility_services.allowed_transitions(project) if project else [],
            "requests": (
                project.certification_requests.order_by("-requested_at", "-id") if project is not None else []
            ),
        },
    )


def completion_form(request, pk):
    """Complete a project through certification, in two steps. Step 1: the editor enters the update, the
    new cells and the persons to move in, and "Show the plan" proposes the movement plan
    (cells.movements.propose_plan: the block's own persons first, then the most crowded dormitory rooms);
    nothing is written. Step 2: the plan's table (room, persons now, leaving, after, into which new cells)
    whose per-room numbers the editor may change ("Recalculate" checks them) and "Confirm", which registers
    the cells as drafts and opens the certification request (cells.services.complete_conversion); the
    message names the request and the movements to come.

    The form carries the project version it was opened with: submitted after another change it writes
    nothing and shows what changed beside the user's values (core.forms.show_stale); a project completed
    meanwhile is named (when, by whom)."""
    from .movements import plan_persons, propose_plan, resolve_plan

    project = project_for(request, pk)
    facility_services.check_can_edit_project(request.user, project)
    if project.status == ConversionProject.Status.COMPLETED and request.method == "GET":
        try:
            cell_services.check_can_complete(request.user, project)
        except AlreadyDone as done:  # says when and by whom; the block page lists its certification requests
            messages.info(request, str(done))
        return redirect("block-detail", project.block_id)
    if project.status != ConversionProject.Status.COMPLETED and ConversionProject.Status.COMPLETED not in (
        facility_services.allowed_transitions(project)
    ):
        messages.warning(
            request,
            _(
                "This project's status is %(status)s: it is completed from commissioning. Record its progress first "
                "(status commissioning), then complete it and register the new cells."
            )
            % {"status": project.get_status_display()},
        )
        return redirect("block-detail", project.block_id)
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
    plan = None
    if request.method == "POST" and form.is_valid():
        lines = form.plan_lines()
        numbers = form.numbers()
        if "confirm" in request.POST and lines is not None:
            data = {k: form.cleaned_data[k] for k in ("version", "date", "actual_end", "budget_spent_kzt", "note")}
            try:
                opened = cell_services.complete_conversion(
                    user=request.user, project=project, cells=form.cells(), movement_plan=lines, **data
                )
            except ValidationError as error:
                form.add_service_errors(error)
                plan = _plan_or_none(resolve_plan, block=project.block, lines=lines, new_cells=numbers, strict=False)
            except AlreadyDone as done:
                form.add_error(None, str(done))
            except StaleVersion as stale:
                stale_rows = show_stale(form, stale)
            else:
                messages.success(request, cell_services.completion_message(opened))
                return redirect("block-detail", project.block_id)
        elif not form.errors:
            try:
                if "recalculate" in request.POST and lines is not None:
                    plan = resolve_plan(block=project.block, lines=lines, new_cells=numbers)
                else:
                    plan = propose_plan(
                        block=project.block, persons=form.cleaned_data["persons_moved_in"], new_cells=numbers
                    )
            except ValidationError as error:
                form.add_service_errors(error)
    return render(
        request,
        "cells/completion_form.html",
        {
            "form": form,
            "project": project,
            "stale_rows": stale_rows,
            "plan": plan,
            "plan_persons": plan_persons(plan) if plan is not None else 0,
            # what the confirmation will register, shown before it does (the table's cells or the count's)
            "new_cells": form.cells() if plan is not None and form.is_valid() else None,
        },
    )


def _plan_or_none(resolve, **kwargs):
    """The plan's rows when they resolve (to show the editor's numbers again beside the errors), else None."""
    try:
        return resolve(**kwargs)
    except ValidationError:
        return None


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
            if stored is None:
                messages.success(
                    request,
                    _(
                        "Cell %(number)s registered as a draft: it is counted nowhere until its certification is approved; request its certification."
                    )
                    % {"number": saved.number},
                )
            else:
                messages.success(request, _("Cell saved. Compliance is being recomputed."))
            return redirect("block-detail", saved.block_id)
    return render(
        request,
        "cells/cell_form.html",
        {"form": form, "cell": stored, "stale_rows": stale_rows, **_deactivation_context(stored)},
    )


def _deactivation_context(cell: Cell | None, **forms) -> dict:
    """What the cell page shows of deactivations: the cell's deactivations (newest first, with who), and the
    form its status allows ("Take out of use" for a cell in use, "Bring back into use" for one out of use),
    unbound unless ``forms`` gives one."""
    if cell is None:
        return {}
    context: dict[str, Any] = {
        "deactivations": cell.deactivations.select_related("deactivated_by", "reactivated_by").order_by(
            "-deactivated_on", "-id"
        ),
        "deactivation_form": None,
        "reactivation_form": None,
    }
    if cell.status == Cell.Status.IN_USE:
        context["deactivation_form"] = forms.get("deactivation_form") or DeactivationForm(record=cell)
    elif cell.status == Cell.Status.DEACTIVATED:
        context["reactivation_form"] = forms.get("reactivation_form") or ReactivationForm(record=cell)
    return context


def _cell_to_change(request, pk) -> Cell:
    cell = get_object_or_404(Cell.objects.visible_to(request.user).select_related("block__facility"), pk=pk)
    cell_deactivation.check_can_deactivate(request.user, cell)
    return cell


def _cell_use_form(request, pk, form_class, service, done: str, *, reactivating: bool):
    """The one flow of taking a cell out of use and bringing it back: the form carries the cell's version; a
    stale submit writes nothing and shows what changed; the service's refusals (the cell holds persons, is
    not in use, bad dates) are form errors; success names the cell (``done``) and returns to its page."""
    cell = _cell_to_change(request, pk)
    form = form_class(request.POST or None, record=cell)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            service(user=request.user, cell=cell, expected_version=form.cleaned_data["version"], **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
            cell = cast(Cell, stale.instance)
        except ConflictError as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, done % {"number": cell.number})
            return redirect("cell-edit", cell.pk)
    return render(
        request,
        "cells/deactivation_form.html",
        {"form": form, "cell": cell, "stale_rows": stale_rows, "reactivating": reactivating},
    )


def deactivation_form(request, pk):
    """Take a cell temporarily out of use (POST from the cell page; GET shows the form on its own page)."""
    done = _("Cell %(number)s is out of use: it keeps its certified places and has no operational ones.")
    return _cell_use_form(request, pk, DeactivationForm, cell_deactivation.deactivate, done, reactivating=False)


def reactivation_form(request, pk):
    """Bring a deactivated cell back into use (POST from the cell page; GET: the form on its own page)."""
    done = _("Cell %(number)s is back in use.")
    return _cell_use_form(request, pk, ReactivationForm, cell_deactivation.reactivate, done, reactivating=True)


# ---------------------------------------------------------------------------------------------------
# Movements of persons on their own (not a completion's)


def movement_form(request, pk):
    """Move persons between cells in use of an institution (ministry editors of its region): date, reason,
    lines (from, to, persons). "Preview" shows each cell's persons before and after (nothing written);
    "Confirm" records the movement (cells.movements.move_persons) and names it. Lists the institution's
    last 20 movements."""
    from facilities.models import Facility

    from .forms import MovementForm
    from .models import Movement
    from .movements import describe_moves, move_persons, preview_moves

    facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("region"), pk=pk)
    decisions.check_may_edit_cells(request.user, facility.region_id)
    cells = Cell.objects.in_use().filter(block__facility=facility)
    form = MovementForm(request.POST or None, initial={"date": timezone.localdate()}, cells=cells)
    preview = None
    if request.method == "POST" and form.is_valid():
        moves, date, reason = form.moves(), form.cleaned_data["date"], form.cleaned_data["reason"]
        try:
            if "confirm" in request.POST:
                done = move_persons(user=request.user, moves=moves, date=date, reason=reason)
            else:
                preview = preview_moves(moves=moves, date=date)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if preview is None:
                persons = sum(m.persons for m in done)
                messages.success(
                    request,
                    ngettext(
                        "Movement recorded on %(date)s: %(persons)s person (%(moves)s). Compliance is being "
                        "recomputed.",
                        "Movement recorded on %(date)s: %(persons)s persons (%(moves)s). Compliance is being "
                        "recomputed.",
                        persons,
                    )
                    % {"date": f"{date:%Y-%m-%d}", "persons": persons, "moves": describe_moves(done)},
                )
                return redirect("movement-create", facility.pk)
    recent = (
        Movement.objects.filter(from_cell__block__facility=facility)
        .select_related("from_cell__block", "to_cell__block", "author", "request")
        .order_by("-date", "-id")[:20]
    )
    return render(
        request,
        "cells/movement_form.html",
        {"form": form, "facility": facility, "preview": preview, "movements": recent},
    )
