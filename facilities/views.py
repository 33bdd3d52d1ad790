"""HTML pages of the facilities app: the progress form and the plan of a conversion project. Both carry
the version they were opened with; submitted after another change they write nothing and show what
changed beside what was typed (core.forms.show_stale)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors, show_stale
from core.versioning import StaleVersion
from facilities import services as facility_services
from facilities.forms import ProgressForm, ProjectForm
from facilities.models import ConversionProject


def project_for(request, pk):
    """The conversion project ``pk`` if the user may see it; else 404."""
    return get_object_or_404(
        ConversionProject.objects.visible_to(request.user).select_related("block__facility"), pk=pk
    )


def progress_form(request, pk):
    """Record a progress update; a stale version (someone saved meanwhile) is a form message, input kept."""
    project = project_for(request, pk)
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
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            facility_services.record_progress(project=project, user=request.user, **form.cleaned_data)
        except StaleVersion as stale:
            # Keep what the editor typed; show what is stored now; the next submit is against the new version.
            stale_rows = show_stale(form, stale)
            project.refresh_from_db()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Progress update saved."))
            return redirect("block-detail", project.block_id)
    return render(
        request,
        "facilities/progress_form.html",
        {
            "form": form,
            "project": project,
            "allowed": [ConversionProject.Status(s).label for s in facility_services.allowed_transitions(project)],
            "stale_rows": stale_rows,
        },
    )


def project_form(request, pk):
    """Edit the plan of a conversion project (planned dates, budget in KZT, contractor, phase, targets):
    ministry editors of the region and administrators; only the fields that change are written."""
    project = project_for(request, pk)
    facility_services.check_can_edit_project(request.user, project)
    form = ProjectForm(request.POST or None, instance=project)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in facility_services.PROJECT_FIELDS}
        try:
            facility_services.update_project(
                user=request.user,
                project=project,
                data=data,
                version=form.cleaned_data["version"],
            )
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect("block-detail", project.block_id)
    return render(request, "facilities/project_form.html", {"form": form, "project": project, "stale_rows": stale_rows})
