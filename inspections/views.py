"""HTML pages of the inspections app: lists with filters and CSV, inspection and finding pages and forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import ConflictError
from core.export import export_list, list_query
from core.forms import add_service_errors, show_stale
from core.lists import filtered
from core.versioning import StaleVersion
from facilities import decisions as facility_decisions
from facilities import scoping
from facilities.mechanisms import Mechanism
from facilities.models import Facility

from . import decisions, registry, services
from .evidence import finding_evidence
from .exports import FINDING_FIELDS, INSPECTION_FIELDS
from .filters import FindingFilter, InspectionFilter
from .forms import (
    ActionForm,
    FindingForm,
    FindingStatusForm,
    InspectionForm,
    JudgementForm,
    ProgressForm,
    RecommendationForm,
)
from .models import Action, Finding, FindingAttachment, Inspection


def inspection_list(request):
    """Inspections in the user's regions, with filters; ``?export=csv`` downloads the filtered list."""
    visible = Inspection.objects.visible_to(request.user).select_related("facility__region")
    filterset, rows = filtered(request, InspectionFilter, visible.order_by("-date_start", "-id"))
    exported = export_list(
        request,
        _("inspections"),
        INSPECTION_FIELDS,
        rows.iterator,
        errors=filterset.errors if filterset.is_bound else None,
    )
    if exported is not None:
        return exported
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    can_create = facility_decisions.may_record_inspection(request.user)
    return render(
        request,
        "inspections/inspection_list.html",
        {"filter": filterset, "page": page, "query": list_query(request), "can_create": can_create},
    )


def finding_list(request):
    """The registry of recommendations and findings of every mechanism that the user may read, with filters
    (mechanism, judgement, scope, region, facility, status, overdue...); ``?export=csv|xlsx`` downloads
    them with the registry's columns (inspections.exports.FINDING_FIELDS)."""
    visible = (
        Finding.objects.visible_to(request.user)
        .select_related("facility__region", "region", "rule", "source_document", "inspection__facility")
        .prefetch_related("actions")
    )
    filterset, rows = filtered(request, FindingFilter, visible.order_by("deadline", "id"))
    exported = export_list(
        request,
        _("findings"),
        FINDING_FIELDS,
        rows,
        errors=filterset.errors if filterset.is_bound else None,
    )
    if exported is not None:
        return exported
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/finding_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": list_query(request),
            "can_record": facility_decisions.may_record_recommendation(request.user),
        },
    )


def inspection_detail(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("facility__region", "created_by"), pk=pk
    )
    findings = inspection.findings.select_related("block", "cell", "rule__profile").order_by("deadline", "id")
    can_edit = facility_decisions.may_record_inspection(request.user, inspection.facility.region_id)
    return render(
        request,
        "inspections/inspection_detail.html",
        {"inspection": inspection, "findings": findings, "can_edit": can_edit},
    )


def inspection_form(request, pk=None):
    """Record a new inspection or edit one (prosecutors of the region, administrators). The edit carries
    the version it was opened with: submitted after another change it writes nothing and shows what
    changed beside what was typed (core.forms.show_stale)."""
    inspection = None
    if pk is not None:
        inspection = get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
        services.check_can_inspect(request.user, inspection.facility)
    facility_decisions.check_may_record_inspection(request.user)
    regions = scoping.edit_regions(request.user, scoping.PROSECUTOR)
    facilities = Facility.objects.visible_to(request.user)
    if regions is not None:
        facilities = facilities.filter(region__in=regions)
    initial = {"facility": request.GET.get("facility")} if inspection is None else {}
    form = InspectionForm(request.POST or None, instance=inspection, initial=initial, facilities=facilities)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            saved = services.save_inspection(
                user=request.user,
                data=data,
                inspection=Inspection.objects.get(pk=pk) if pk else None,
                version=version,
            )
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Inspection saved."))
            return redirect("inspection-detail", saved.pk)
    return render(
        request,
        "inspections/inspection_form.html",
        {"form": form, "inspection": inspection, "stale_rows": stale_rows},
    )


def finding_form(request, inspection_pk=None, pk=None):
    """Add a finding to an inspection or edit one (prosecutors of the region, administrators). The edit
    carries the version it was opened with: submitted after another change it writes nothing and shows
    what changed beside what was typed (core.forms.show_stale)."""
    finding = None
    if pk is not None:
        finding = get_object_or_404(
            Finding.objects.visible_to(request.user).select_related("inspection__facility"), pk=pk
        )
        inspection = finding.inspection
    else:
        inspection = get_object_or_404(
            Inspection.objects.visible_to(request.user).select_related("facility"), pk=inspection_pk
        )
    if inspection is None:  # a mechanism's recommendation from a source document
        return redirect("recommendation-edit", pk)
    services.check_can_inspect(request.user, inspection.facility)
    form = FindingForm(request.POST or None, instance=finding, inspection=inspection)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            saved = services.save_finding(
                user=request.user,
                data=data,
                inspection=inspection,
                finding=Finding.objects.get(pk=pk) if pk else None,
                version=version,
            )
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Finding saved."))
            return redirect("finding-detail", saved.pk)
    return render(
        request,
        "inspections/finding_form.html",
        {"form": form, "inspection": inspection, "finding": finding, "stale_rows": stale_rows},
    )


def finding_detail(request, pk):
    """A finding with its rule (text and source), its log of status changes, and the status form (no move
    preselected; the version the page was opened with: a stale move writes nothing and shows what
    changed)."""
    finding = get_object_or_404(
        Finding.objects.visible_to(request.user).select_related(
            "inspection__facility__region", "block", "cell", "rule__profile", "source_document", "region", "facility"
        ),
        pk=pk,
    )
    allowed = decisions.allowed_moves(request.user, finding)
    if request.method == "POST":
        decisions.check_may_change_finding(request.user, finding)
        if not allowed and "version" not in request.POST:  # nothing this user moves now, and no page to tell
            raise PermissionDenied(_("You may not change the status of this finding."))
    form = None
    if allowed or request.method == "POST":
        form = FindingStatusForm(request.POST or None, request.FILES or None, allowed=allowed, finding=finding)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.change_finding_status(user=request.user, finding=finding, **data)
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        except ConflictError as conflict:  # already at that status: a duplicate move
            form.add_error(None, str(conflict))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status changed."))
            return redirect("finding-detail", finding.pk)
        finding.refresh_from_db()
    can_edit_actions = decisions.may_edit_actions(request.user, finding)
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "evidence": finding_evidence(finding),
            "updates": finding.updates.select_related("author", "action").prefetch_related(
                Prefetch("attachments", FindingAttachment.objects.defer("content"))
            ),
            "actions": finding.actions.all(),
            "judgements": finding.judgements.select_related("author").order_by("follow_up_date", "created_at", "id"),
            "form": form,
            "can_edit": decisions.may_edit_recommendation(request.user, finding),
            "can_edit_actions": can_edit_actions,
            "can_judge": decisions.may_judge(request.user, finding),
            "stale_rows": stale_rows,
        },
    )


def attachment_response(attachment: FindingAttachment) -> HttpResponse:
    """The stored bytes of ``attachment`` with their sniffed type: a photo shown inline, a PDF downloaded;
    never cached by a shared cache."""
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    inline = attachment.content_type.startswith("image/")
    response["Content-Disposition"] = content_disposition_header(not inline, attachment.name) or "attachment"
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_download(request, pk, attachment_pk):
    """An attachment of a finding, for users who may see the finding (others: 404; anonymous: the login
    page, PortalLoginRequiredMiddleware)."""
    finding = get_object_or_404(Finding.objects.visible_to(request.user), pk=pk)
    attachment = get_object_or_404(FindingAttachment, finding=finding, pk=attachment_pk)
    return attachment_response(attachment)


# ---------------------------------------------------------------------------------------------------
# The registry of recommendations: thin views over inspections.registry.


def _visible_finding(request, pk):
    return get_object_or_404(
        Finding.objects.visible_to(request.user).select_related("source_document", "region", "facility"), pk=pk
    )


def recommendation_form(request, pk=None):
    """Record a recommendation of the user's mechanism (or edit one): source document chosen or recorded
    here, scope and place, rule, responsible body, texts in en/ru/kk, deadline
    (inspections.registry.save_recommendation). A stale edit writes nothing and shows what changed."""
    finding = None
    facility_decisions.check_may_record_recommendation(request.user)
    if pk is not None:
        finding = _visible_finding(request, pk)
        if finding.inspection_id is not None:
            return redirect("finding-edit", pk)
        registry.check_may_edit_finding(request.user, finding)
    mechanisms = facility_decisions.recording_mechanisms(request.user)
    choices = [(m.value, m.label) for m in Mechanism if mechanisms is None or m.value in mechanisms]
    initial = {"mechanism": choices[0][0]} if finding is None and len(choices) == 1 else {}
    form = RecommendationForm(
        request.POST or None,
        instance=finding,
        initial=initial,
        mechanisms=choices,
        facilities=Facility.objects.visible_to(request.user),
    )
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = registry.save_recommendation(
                user=request.user,
                data=form.service_data(),
                finding=finding,
                version=form.cleaned_data.get("version"),
                new_source_document=form.new_source_document(),
            )
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recommendation saved."))
            return redirect("finding-detail", saved.pk)
    return render(
        request,
        "inspections/recommendation_form.html",
        {"form": form, "finding": finding, "stale_rows": stale_rows},
    )


def action_form(request, pk, action_pk=None):
    """Add an action to a recommendation or edit one (the responsible body: inspections.registry.save_action)."""
    finding = _visible_finding(request, pk)
    action = get_object_or_404(Action, finding=finding, pk=action_pk) if action_pk is not None else None
    decisions.check_may_edit_actions(request.user, finding)
    form = ActionForm(request.POST or None, instance=action)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            registry.save_action(user=request.user, data=data, finding=finding, action=action, version=version)
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Action saved."))
            return redirect("finding-detail", finding.pk)
    return render(
        request,
        "inspections/action_form.html",
        {"form": form, "finding": finding, "action": action, "stale_rows": stale_rows},
    )


def progress_form(request, pk, action_pk):
    """Report progress on an action with evidence marked public or private (inspections.registry
    .report_progress)."""
    finding = _visible_finding(request, pk)
    action = get_object_or_404(Action, finding=finding, pk=action_pk)
    decisions.check_may_edit_actions(request.user, finding)
    form = ProgressForm(request.POST or None, request.FILES or None, action=action)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            registry.report_progress(
                user=request.user,
                action=action,
                response=data["response"],
                status=data.get("status") or None,
                completed_on=data.get("completed_on"),
                attachments=data.get("attachments") or [],
                public=bool(data.get("public")),
                version=data.get("version"),
            )
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Progress reported."))
            return redirect("finding-detail", finding.pk)
    return render(
        request,
        "inspections/progress_form.html",
        {"form": form, "finding": finding, "action": action, "stale_rows": stale_rows},
    )


def judgement_form(request, pk):
    """Record the mechanism's judgement of a recommendation's implementation (inspections.registry
    .record_judgement: only the mechanism that made it)."""
    finding = _visible_finding(request, pk)
    decisions.check_may_judge(request.user, finding)
    form = JudgementForm(request.POST or None, finding=finding)
    stale_rows = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            registry.record_judgement(
                user=request.user,
                finding=finding,
                judgement=data["judgement"],
                follow_up_date=data["follow_up_date"],
                note=data.get("note") or "",
                version=data.get("version"),
            )
        except StaleVersion as stale:
            stale_rows = show_stale(form, stale)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Judgement recorded."))
            return redirect("finding-detail", finding.pk)
    return render(
        request, "inspections/judgement_form.html", {"form": form, "finding": finding, "stale_rows": stale_rows}
    )


@require_POST
def attachment_visibility(request, pk, attachment_pk):
    """Mark an attachment public or private (POST ``public=true|false``; the responsible body)."""
    finding = _visible_finding(request, pk)
    attachment = get_object_or_404(FindingAttachment.objects.defer("content"), finding=finding, pk=attachment_pk)
    value = request.POST.get("public")
    if value not in ("true", "false"):
        return HttpResponseBadRequest(_("public: send true or false."))
    registry.set_attachment_public(user=request.user, attachment=attachment, public=value == "true")
    messages.success(request, _("Attachment marked public.") if value == "true" else _("Attachment marked private."))
    return redirect("finding-detail", finding.pk)
