"""Pages of register imports: upload and dry run, the result with its errors, confirmation, templates."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import outbox
from core.export import Column, csv_response, csv_separator, export_response
from core.tabular import MAX_BYTES
from facilities import decisions

from . import columns, imports, report, services
from .models import ImportRecord
from .tasks import process_import

REFRESH_SECONDS = 3  # the page of a running import reloads itself this often
CHANGES_SHOWN = 200  # rows of the dry run's changes on the page (all of them in the report)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Register"), choices=ImportRecord.Kind.choices)
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX, at most 20 MB)"))
    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding of a CSV file"),
        required=False,
        choices=[("", gettext_lazy("detect")), ("utf-8", "UTF-8"), ("cp1251", "Windows-1251"), ("utf-16", "UTF-16")],
    )
    sheet = forms.CharField(label=gettext_lazy("XLSX sheet (empty: the first)"), required=False, max_length=100)
    allow_older_counts = forms.BooleanField(
        label=gettext_lazy("write counts older than the stored ones"),
        required=False,
        help_text=gettext_lazy(
            "Unticked, a count (headcount, population, population by home region) dated before the one "
            "recorded is rejected; ticked, it is written and the check lists it."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than the limit of 20 MB."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def _visible(user):
    records = ImportRecord.objects.select_related("user")
    return records if decisions.may_see_all_imports(user) else records.filter(user=user)


def import_list(request):
    """Imports: an administrator sees all, an editor their own."""
    decisions.check_may_import(request.user)
    records = _visible(request.user)
    n = "number"
    exported = export_response(
        request,
        _("imports"),
        [
            Column("id", n),
            Column(_("When")),
            Column(_("Who")),
            Column(_("Register")),
            Column(_("File")),
            Column(_("Status")),
            Column(_("Rows"), n),
            Column(_("Created"), n),
            Column(_("Updated"), n),
            Column(_("Unchanged"), n),
            Column(_("Rejected"), n),
        ],
        lambda: (
            [
                r.pk,
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                r.user.username if r.user else "",
                r.get_kind_display(),
                r.file_name,
                r.get_status_display(),
                r.rows,
                r.created,
                r.updated,
                r.unchanged,
                r.rejected,
            ]
            for r in records
        ),
    )
    if exported is not None:
        return exported
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "registers/import_list.html", {"page": page, "kinds": ImportRecord.Kind.choices})


def import_upload(request):
    """Upload a register: it is checked (dry run) at once when small, by a worker when larger than
    services.BACKGROUND_BYTES (the import's page shows the progress); nothing is written until confirmed."""
    decisions.check_may_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["kind"].choices = decisions.importable_kinds(request.user, ImportRecord.Kind.choices)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = services.upload(
            user=request.user,
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            data=upload.read(),
            encoding=form.cleaned_data["encoding"],
            sheet=form.cleaned_data["sheet"],
            allow_older_counts=form.cleaned_data["allow_older_counts"],
        )
        if services.in_background(record):
            outbox.send_on_commit(process_import, record_id=record.pk)
        else:
            services.check(record)
        return redirect("import-detail", record.pk)
    labels = dict(ImportRecord.Kind.choices)
    columns = [
        (kind, labels.get(kind, kind), cols)
        for kind, cols in imports.COLUMNS.items()
        if decisions.may_import(request.user, kind)
    ]
    return render(request, "registers/import_upload.html", {"form": form, "columns": columns})


def import_detail(request, pk):
    """The dry-run result (counts, first errors), the confirmation, and the final counts; while a worker
    checks or writes the file, its progress (the page refreshes itself until the step ends)."""
    decisions.check_may_import(request.user)
    record = get_object_or_404(_visible(request.user), pk=pk)
    if request.method == "POST":
        try:
            record = services.start_confirm(record, user=request.user)
        except services.ConfirmConflict as conflict:
            messages.error(request, conflict.message)
            return redirect("import-detail", record.pk)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("import-detail", record.pk)
        if services.in_background(record):
            outbox.send_on_commit(process_import, record_id=record.pk, confirm=True)
            messages.info(request, _("The import is being written; this page shows its progress."))
            return redirect("import-detail", record.pk)
        record = services.write_confirmed(record)
        if record.status == ImportRecord.Status.IMPORTED and record.kind == ImportRecord.Kind.RECOMMENDATIONS:
            messages.success(request, _("Imported."))
        elif record.status == ImportRecord.Status.IMPORTED:
            messages.success(request, _("Imported. Compliance of the facilities concerned is being recomputed."))
        elif record.message:
            messages.error(request, record.message)
        return redirect("import-detail", record.pk)
    running = record.status in ImportRecord.RUNNING
    return render(
        request,
        "registers/import_detail.html",
        {
            "record": record,
            "errors": record.errors[: imports.ERRORS_SHOWN],
            "changes": report.entries(record.kind, record.changes[:CHANGES_SHOWN]),
            "changes_shown": CHANGES_SHOWN,
            "running": running,
            "progress": services.progress(record) if running else None,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


def import_errors(request, pk):
    """The full error report as CSV: row, column, reason."""
    decisions.check_may_import(request.user)
    record = get_object_or_404(_visible(request.user), pk=pk)
    return _csv(
        request,
        f"import-{record.pk}-errors",
        ["row", "column", "reason"],
        ([e["row"], e["column"], e["reason"]] for e in record.errors),
    )


def _csv(request, name, header, rows):
    """``csv_response`` with the separator of ``?sep=`` (core.export.csv_separator), or a 400 response
    naming the reason for an unknown one."""
    try:
        sep = csv_separator(request.GET)
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    return csv_response(name, header, rows, sep=sep)


def import_changes(request, pk):
    """The dry run's changes as CSV (UTF-8 with BOM, formulas neutralised: core.export), in the page's
    language: one line per changed field of each row (row, object, created/updated, field, before, after,
    a note on a count older than the stored one)."""
    decisions.check_may_import(request.user)
    record = get_object_or_404(_visible(request.user), pk=pk)
    return _csv(
        request,
        f"import-{record.pk}-changes",
        [Column(_("Row"), "number"), *report.report_header()[1:]],
        report.report_rows(record.kind, record.changes),
    )


def import_template(request, kind):
    """The template of a register in the page's language: its header line (required columns marked *) and
    an example row (choices by their labels, yes/no in words, decimal commas in ru and kk)."""
    if kind not in imports.COLUMNS:
        raise Http404
    language = (get_language() or "en")[:2]
    return _csv(
        request, f"template-{kind}", columns.template_header(kind, language), [columns.template_example(kind, language)]
    )
