"""HTML pages of the inspections app: lists with filters and CSV, inspection and finding pages and forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.exceptions import ConflictError
from core.export import export_list, list_query
from core.forms import add_service_errors, show_stale
from core.lists import filtered
from core.versioning import StaleVersion
from facilities import decisions as facility_decisions
from facilities import scoping
from facilities.models import Facility

from . import decisions, services
from .evidence import finding_evidence
from .exports import FINDING_FIELDS, INSPECTION_FIELDS
from .filters import FindingFilter, InspectionFilter
from .forms import FindingForm, FindingStatusForm, InspectionForm
from .models import Finding, FindingAttachment, Inspection


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
    """Findings in the user's regions, with filters (overdue included); ``?export=csv`` downloads them."""
    visible = Finding.objects.visible_to(request.user).select_related("facility__region", "rule")
    filterset, rows = filtered(request, FindingFilter, visible.order_by("deadline", "id"))
    exported = export_list(
        request,
        _("findings"),
        FINDING_FIELDS,
        rows.iterator,
        errors=filterset.errors if filterset.is_bound else None,
    )
    if exported is not None:
        return exported
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "inspections/finding_list.html", {"filter": filterset, "page": page, "query": list_query(request)}
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
            "inspection__facility__region", "block", "cell", "rule__profile"
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
    can_edit = facility_decisions.may_record_inspection(request.user, finding.inspection.facility.region_id)
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "evidence": finding_evidence(finding),
            "updates": finding.updates.select_related("author").prefetch_related(
                Prefetch("attachments", FindingAttachment.objects.defer("content"))
            ),
            "form": form,
            "can_edit": can_edit,
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
