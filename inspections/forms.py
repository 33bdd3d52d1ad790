"""Forms of the inspections app."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cells.models import Cell, StandardRule
from core.bounds import FREE_TEXT
from core.forms import ServiceValidatedModelForm, VersionedFormMixin
from core.widgets import DATE, searchable

from .attachments import MAX_FILES
from .models import Finding, Inspection


class InspectionForm(VersionedFormMixin, ServiceValidatedModelForm):
    """An inspection as a prosecutor records or edits it, with the version it was opened with."""

    class Meta:
        model = Inspection
        fields = ["facility", "date_start", "date_end", "body", "type", "lead_inspector", "summary"]
        widgets = {"date_start": DATE, "date_end": DATE, "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"type": _("An unannounced visit is of the type unannounced; the others were announced.")}

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities.select_related("region").order_by("code")
        searchable(self.fields["facility"])


class FindingForm(VersionedFormMixin, ServiceValidatedModelForm):
    """A finding's text, place, rule and deadline (never its status: FindingStatusForm), with the version
    it was opened with."""

    class Meta:
        model = Finding
        fields = ["block", "cell", "rule", "severity", "description", "recommendation", "deadline"]
        widgets = {
            "deadline": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = inspection.facility.blocks.order_by("name")
        self.fields["cell"].queryset = (
            Cell.objects.filter(block__facility=inspection.facility)
            .exclude(status=Cell.Status.DECOMMISSIONED)
            .select_related("block")
            .order_by("block__name", "number")
        )
        self.fields["rule"].queryset = StandardRule.objects.select_related("profile")
        self.fields["rule"].label_from_instance = lambda rule: f"{rule.code}: {rule.summary}"
        searchable(self.fields["block"], self.fields["cell"], self.fields["rule"])


class MoveField(forms.ChoiceField):
    """The status to move a finding to: offers the moves allowed now, accepts any status (the service
    decides, after the version check, whether the move is allowed: a page opened before another move
    then shows what changed instead of "not a valid choice")."""

    def valid_value(self, value):
        return value in Finding.Status.values


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern); the checks are the service's
    (inspections.attachments.prepare)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class FindingStatusForm(VersionedFormMixin, forms.Form):
    """A move of a finding. No move is preselected (the first choice is empty and required), so a Save
    never writes a status the user did not choose; a move back to open is labelled as a reopening.
    ``version`` is the finding's version when the page was opened. ``override_reason`` (offered when the
    user may verify): why the finding is verified although its rule still fails. ``attachments``: photos
    and scans of the response."""

    status = MoveField(label=_("New status"), error_messages={"required": _("Choose the new status of the finding.")})
    response = forms.CharField(
        label=_("Response"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=FREE_TEXT.maximum
    )
    override_reason = forms.CharField(
        label=_("Override reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=FREE_TEXT.maximum,
        help_text=_("Only to verify although the cited rule still fails: say why, it is recorded."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
    )

    def __init__(self, *args, allowed: list[str], finding: Finding, **kwargs):
        super().__init__(*args, record=finding, **kwargs)
        self.fields["attachments"].help_text = _(
            "Photos (JPEG, PNG) or scanned documents (PDF), at most %(count)s files of %(size)s MB each."
        ) % {"count": MAX_FILES, "size": f"{settings.FINDING_ATTACHMENT_MAX_BYTES / 1024 / 1024:g}"}
        labels = dict(Finding.Status.choices)
        if finding.status != Finding.Status.OPEN:
            labels[Finding.Status.OPEN] = _("reopen the finding (back to open)")
        self.fields["status"].choices = [("", _("— choose a move —"))] + [(s, labels[s]) for s in allowed]
        if Finding.Status.VERIFIED not in allowed and not self.data.get("override_reason"):
            del self.fields["override_reason"]
