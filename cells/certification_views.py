"""Pages of certification (issue 17, item 3): the list of certification requests, a request with its lines,
each cell's compliance on the proposed measurements and the decision forms, the new-request form of a
ministry editor, and the versions of a facility's cell certificate with their CSV/XLSX downloads. Thin:
the rules are cells.certification's; who may do what, facilities.decisions'."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import lists
from core.bounds import FREE_TEXT
from core.exceptions import ConflictError
from core.export import (
    Column,
    choice_field,
    csv_response,
    csv_separator,
    export_list,
    field,
    list_query,
    xlsx_response,
)
from core.forms import IntegerField, VersionedFormMixin, add_service_errors
from core.versioning import StaleVersion
from facilities import decisions
from facilities.models import AccommodationType, Facility

from . import certification
from .filters import CertificationRequestFilter
from .models import Cell, CellCertificate, CertificateLine, CertificationLine, CertificationRequest

Action = CertificationLine.Action


# ---------------------------------------------------------------------------------------------------
# Downloads


def certificate_columns() -> list[Column]:
    """The columns of a certificate's file: the certificate (institution, version, issued, approver), block,
    number, type, living space (m²), annex, design and certified capacity (persons), in use, and whether the
    rows are generated demo data; the headers in the request's language."""
    return [
        Column(_("Institution")),
        Column(_("Certificate version"), "number"),
        Column(_("Issued at")),
        Column(_("Approved by")),
        Column(_("Block")),
        Column(_("Number")),
        Column(_("Accommodation type")),
        Column(_("Living space (m²)"), "number"),
        Column(_("Sanitary annex"), "bool"),
        Column(_("Design capacity (persons)"), "number"),
        Column(_("Certified capacity (persons)"), "number"),
        Column(_("In use"), "bool"),
        Column(_("Generated demo data"), "bool"),
    ]


def export_certificate(certificate: CellCertificate, fmt: str, sep: str = ","):
    """One version of a cell certificate as ``fmt`` (csv: UTF-8 with BOM, or xlsx), streamed by core.export:
    one row per certified cell, then a row of totals (cells; design, certified and operational places in
    persons). Text is neutralised (a block or number starting with = + - @ is prefixed with '), numbers
    stay numbers. The file is named ``<facility code>-certificate-v<number>``."""
    labels = {key: str(label) for key, label in AccommodationType.choices}
    demo = certificate.is_demo or certificate.facility.is_demo  # a certificate of a demo institution is demo data
    head = [
        certificate.facility.code,
        certificate.number,
        f"{timezone.localtime(certificate.issued_at):%Y-%m-%d %H:%M}",
        certificate.approved_by.get_username() if certificate.approved_by else _("baseline (no approval)"),
    ]

    def rows():
        for line in certificate.lines.order_by("block_name", "number", "id").iterator():
            yield [
                *head,
                line.block_name,
                line.number,
                labels.get(line.accommodation_type, line.accommodation_type),
                line.living_space_m2,
                line.has_sanitary_annex,
                line.design_capacity,
                line.certified_capacity,
                line.operational,
                demo,
            ]
        yield [
            *head,
            _("Total: %(cells)s cells; operational capacity %(places)s persons")
            % {"cells": certificate.cells, "places": certificate.places_operational},
            "",
            "",
            None,
            None,
            certificate.places_design,
            certificate.places_certified,
            None,
            demo,
        ]

    name = f"{certificate.facility.code}-certificate-v{certificate.number}"
    if fmt == "csv":
        return csv_response(name, certificate_columns(), rows(), sep=sep)
    return xlsx_response(name, certificate_columns(), rows())


def request_fields():
    """The exported columns of the list of requests."""
    n = "number"
    return [
        field(_("Request"), lambda r: r.pk, n),
        field(_("Facility"), lambda r: r.facility.code),
        choice_field(_("Kind"), lambda r: r.kind, CertificationRequest.Kind.choices),
        choice_field(_("Status"), lambda r: r.status, CertificationRequest.Status.choices),
        field(_("Reason"), lambda r: r.reason),
        field(_("Requested by"), lambda r: r.requested_by.username),
        field(_("Requested at"), lambda r: timezone.localtime(r.requested_at).strftime("%Y-%m-%d %H:%M")),
        field(_("Decided by"), lambda r: r.decided_by.username if r.decided_by else None),
        field(
            _("Decided at"),
            lambda r: timezone.localtime(r.decided_at).strftime("%Y-%m-%d %H:%M") if r.decided_at else None,
        ),
        field(_("Decision note"), lambda r: r.decision_note),
        field(_("Generated demo data"), lambda r: r.is_demo, "bool"),
    ]


# ---------------------------------------------------------------------------------------------------
# Requests


def request_list(request):
    """Certification requests of the user's regions, filtered by facility code, region, status and kind;
    ``?export=csv|xlsx`` downloads what the filters select."""
    queryset = CertificationRequest.objects.visible_to(request.user).select_related(
        "facility", "requested_by", "decided_by"
    )
    filterset, rows = lists.filtered(request, CertificationRequestFilter, queryset)
    rows = rows.order_by("-requested_at", "-id")
    exported = export_list(
        request,
        "certification-requests",
        request_fields(),
        rows,
        errors=filterset.errors if filterset.is_bound else None,
    )
    if exported is not None:
        return exported
    facility = None
    chosen = filterset.form.cleaned_data.get("facility") if filterset.is_bound and filterset.is_valid() else None
    if chosen is not None:  # a Facility (facilities.filters.FacilityRefFilter: by code or id); the user's regions only
        facility = Facility.objects.visible_to(request.user).filter(pk=chosen.pk).first()
    return render(
        request,
        "cells/certification_request_list.html",
        {
            "filter": filterset,
            "page": lists.page(request, rows, 50),
            "query": list_query(request),
            "facility": facility,
            "may_request": facility is not None
            and decisions.may_request_certification(request.user, facility.region_id),
        },
    )


class DecisionForm(VersionedFormMixin, forms.Form):
    """A decision on a request: the note (required to reject) and the version the page was opened with."""

    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=FREE_TEXT.validators(),
    )


DECISIONS = {
    "approve": (certification.approve, gettext_lazy("Request approved: the new cell certificate is issued.")),
    "reject": (certification.reject, gettext_lazy("Request rejected: nothing on the record changed.")),
    "withdraw": (certification.withdraw, gettext_lazy("Request withdrawn: nothing on the record changed.")),
}


def _why_not_decide(user, target: CertificationRequest) -> str | None:
    """Why ``user`` may not decide ``target`` (the message of decisions.check_may_decide_certification), or
    None when they may."""
    try:
        decisions.check_may_decide_certification(user, target.facility.region_id, target.requested_by_id)
    except PermissionDenied as refusal:
        return str(refusal)
    return None


def request_detail(request, pk):
    """A request: its lines (values before and proposed) with each cell's compliance under every active
    profile on the proposed measurements, and, while it is pending, the decision forms for who may decide
    (a reviewer of the region who is not the requester: approve, reject) or withdraw (the requester); a
    reviewer looking at their own request is told why they may not decide it. A decision carries the
    version the page was opened with: a stale one writes nothing and says who changed the request."""
    lines = CertificationLine.objects.select_related("cell__block").order_by("id")
    target = get_object_or_404(
        CertificationRequest.objects.visible_to(request.user)
        .select_related("facility__region", "requested_by", "decided_by", "certificate")
        .prefetch_related(Prefetch("lines", queryset=lines)),
        pk=pk,
    )
    pending = target.status == CertificationRequest.Status.PENDING
    why_not = _why_not_decide(request.user, target)
    may_decide = pending and why_not is None
    may_withdraw = pending and certification.may_withdraw(request.user, target)
    form = DecisionForm(request.POST or None, record=target) if (may_decide or may_withdraw) else None
    may_resubmit = certification.may_resubmit(request.user, target)
    resubmit_error = None
    if request.method == "POST" and request.POST.get("decision") == "resubmit":
        if not may_resubmit:
            raise PermissionDenied(_("Only a rejected or withdrawn request is submitted again."))
        try:
            new = certification.resubmit(user=request.user, request=target)
        except ValidationError as error:
            resubmit_error = " ".join(message for messages in error.message_dict.values() for message in messages)
        except ConflictError as conflict:
            resubmit_error = str(conflict)
        else:
            messages.success(
                request,
                _("Request #%(old)s submitted again as request #%(new)s.") % {"old": target.pk, "new": new.pk},
            )
            return redirect("certification-request-detail", new.pk)
    elif request.method == "POST":
        choice = request.POST.get("decision")
        if choice not in DECISIONS:
            return HttpResponseBadRequest(_("Choose approve, reject or withdraw."), content_type="text/plain")
        if choice == "withdraw":
            certification.check_may_withdraw(request.user, target)
        elif why_not is not None:
            raise PermissionDenied(why_not)
        if form is None:  # no longer pending: the same answer as the service's
            form = DecisionForm(request.POST, record=target)
        if form.is_valid():
            service, done = DECISIONS[choice]
            try:
                service(
                    user=request.user,
                    request=target,
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except StaleVersion as stale:
                form.add_error(None, str(stale))
            except ConflictError as conflict:  # decided meanwhile (AlreadyDone)
                form.add_error(None, str(conflict))
            else:
                messages.success(request, done)
                return redirect("certification-request-detail", target.pk)
    results = certification.proposed_results(target)
    return render(
        request,
        "cells/certification_request_detail.html",
        {
            "req": target,
            "rows": [(line, results.get(line.pk)) for line in target.lines.all()],
            "form": form,
            "may_decide": may_decide,
            "may_withdraw": may_withdraw,
            "may_resubmit": may_resubmit,
            "resubmit_error": resubmit_error,
            "plan": certification.plan_rows(target),
            "why_not": why_not if pending and why_not and decisions.may_review_certification(request.user) else None,
            "certificate": getattr(target, "certificate", None) if target.status == "approved" else None,
        },
    )


ACTION_CHOICES = [("", "—"), *Action.choices]
ANNEX_CHOICES = [("", gettext_lazy("unchanged")), ("true", gettext_lazy("yes")), ("false", gettext_lazy("no"))]


class RequestForm(forms.Form):
    """A new request for the cells of a facility: per cell (fields ``c<id>_action``, ``c<id>_capacity``,
    ``c<id>_type``, ``c<id>_annex``) an action (none: the cell is not on the request) and the proposed
    values (empty: unchanged), and the reason. The cells: those on the record and the drafts."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), validators=FREE_TEXT.validators()
    )

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = cells
        for cell in cells:
            # A draft can only be brought into use; a cell on the record changed or decommissioned.
            actions = (
                [Action.BRING_INTO_USE] if cell.status == Cell.Status.DRAFT else [Action.CHANGE, Action.DECOMMISSION]
            )
            self.fields[f"c{cell.pk}_action"] = forms.ChoiceField(
                label=_("Action"),
                choices=[("", "—"), *((a.value, a.label) for a in actions)],
                required=False,
            )
            self.fields[f"c{cell.pk}_capacity"] = IntegerField(
                label=_("Certified capacity (persons)"), min_value=1, max_value=1000, required=False
            )
            self.fields[f"c{cell.pk}_type"] = forms.ChoiceField(
                label=_("Accommodation type"),
                choices=[("", _("unchanged")), *AccommodationType.choices],
                required=False,
            )
            self.fields[f"c{cell.pk}_annex"] = forms.ChoiceField(
                label=_("Sanitary annex"), choices=ANNEX_CHOICES, required=False
            )

    def rows(self):
        """Per cell: ``(cell, action, capacity, type, annex)`` bound fields, for the table."""
        return [
            (cell, *(self[f"c{cell.pk}_{name}"] for name in ("action", "capacity", "type", "annex")))
            for cell in self.cells
        ]

    def lines(self) -> list[dict]:
        """The lines of the request (cells.certification.open_request's shape), in the cells' order."""
        chosen = []
        for cell in self.cells:
            action = self.cleaned_data.get(f"c{cell.pk}_action")
            if not action:
                continue
            line = {"cell": cell, "action": action}
            capacity = self.cleaned_data.get(f"c{cell.pk}_capacity")
            if capacity is not None:
                line["certified_capacity"] = capacity
            if self.cleaned_data.get(f"c{cell.pk}_type"):
                line["accommodation_type"] = self.cleaned_data[f"c{cell.pk}_type"]
            annex = self.cleaned_data.get(f"c{cell.pk}_annex")
            if annex:
                line["has_sanitary_annex"] = annex == "true"
            chosen.append(line)
        return chosen


def request_form(request, facility_pk):
    """A ministry editor of the facility's region opens a request: chooses cells (on the record, or drafts
    to bring into use), the action and proposed values of each, and the reason. A cell already on a
    pending request, or a line that does not apply, is shown as an error beside what the editor typed."""
    facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("region"), pk=facility_pk)
    decisions.check_may_request_certification(request.user, facility.region_id)
    cells = list(
        Cell.objects.filter(block__facility=facility)
        .exclude(status=Cell.Status.DECOMMISSIONED)
        .select_related("block")
        .order_by("block__name", "number", "id")
    )
    form = RequestForm(request.POST or None, cells=cells)
    if request.method == "POST" and form.is_valid():
        lines = form.lines()
        try:
            opened = certification.open_request(
                user=request.user, facility=facility, reason=form.cleaned_data["reason"], lines=lines
            )
        except ValidationError as error:
            for key, reasons in error.message_dict.items():
                if key.startswith("lines[") and key[6:-1].isdigit() and int(key[6:-1]) < len(lines):
                    cell = lines[int(key[6:-1])]["cell"]
                    form.add_error(f"c{cell.pk}_action", reasons)
                elif key in form.fields:
                    form.add_error(key, reasons)
                else:
                    form.add_error(None, reasons)
        except ConflictError as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, _("Certification request opened: a certification reviewer will decide it."))
            return redirect("certification-request-detail", opened.pk)
    pending = dict(
        CertificationLine.objects.filter(pending=True, cell__block__facility=facility).values_list(
            "cell_id", "request_id"
        )
    )
    return render(
        request,
        "cells/certification_request_form.html",
        {"form": form, "facility": facility, "pending": pending},
    )


# ---------------------------------------------------------------------------------------------------
# Certificates


def _facility(request, pk):
    return get_object_or_404(Facility.objects.visible_to(request.user).select_related("region"), pk=pk)


def certificate_list(request, facility_pk):
    """The versions of a facility's cell certificate, newest first, each with its totals and downloads."""
    facility = _facility(request, facility_pk)
    versions = facility.cell_certificates.select_related("approved_by", "request").order_by("-number")
    return render(request, "cells/certificate_list.html", {"facility": facility, "versions": versions})


def certificate_detail(request, facility_pk, number):
    """One version of a facility's cell certificate: who approved it and when, the totals, one line per
    cell; ``?export=csv|xlsx`` downloads it."""
    facility = _facility(request, facility_pk)
    certificate = get_object_or_404(
        facility.cell_certificates.select_related("approved_by", "request", "facility"), number=number
    )
    fmt = request.GET.get("export")
    if fmt is not None:
        if fmt not in ("csv", "xlsx"):
            return HttpResponseBadRequest(
                _("Unknown export format %(format)r: use csv or xlsx.") % {"format": fmt[:20]},
                content_type="text/plain; charset=utf-8",
            )
        try:
            sep = csv_separator(request.GET)
        except ValueError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        return export_certificate(certificate, fmt, sep)
    lines = CertificateLine.objects.filter(certificate=certificate).order_by("block_name", "number", "id")
    newest = facility.cell_certificates.order_by("-number").values_list("number", flat=True).first()
    return render(
        request,
        "cells/certificate_detail.html",
        {"facility": facility, "certificate": certificate, "lines": lines, "is_current": newest == certificate.number},
    )
