"""HTML pages of the facilities app: the progress form of a conversion project."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ConflictError
from core.forms import add_service_errors
from facilities import services as facility_services
from facilities.forms import ProgressForm
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
