"""Forms of the inspections app."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cells.models import Cell, StandardRule
from core.bounds import FREE_TEXT
from core.forms import DateField, ServiceValidatedModelForm, VersionedFormMixin
from core.widgets import DATE, searchable
from facilities.models import ResidentialBlock

from .attachments import MAX_FILES
from .models import Action, Finding, Inspection, SourceDocument

RECOMMENDATION_TEXTS = [
    "description",
    "description_ru",
    "description_kk",
    "recommendation",
    "recommendation_ru",
    "recommendation_kk",
]


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
    attachments_public = forms.BooleanField(
        label=_("Public evidence"),
        required=False,
        help_text=_("Shown on the public site beside the recommendation's judgement (never its file name)."),
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


# ---------------------------------------------------------------------------------------------------
# The registry of recommendations (inspections.registry)


class RecommendationForm(VersionedFormMixin, ServiceValidatedModelForm):
    """A recommendation of a mechanism as its monitor records or edits it: the source document (chosen, or
    recorded here with its reference, date, address and title), the paragraph, the scope with the region,
    facility, block or cell it needs, the rule, the responsible body, the texts in en/ru/kk and the
    deadline. ``mechanisms``: the ``(value, label)`` choices the user records (the mechanism is fixed on an
    edit). The service (inspections.registry.save_recommendation) checks everything else."""

    new_reference = forms.CharField(
        label=_("New source document: reference"),
        required=False,
        max_length=120,
        help_text=_("Only when the document is not in the list: its symbol or number, e.g. CAT/OP/KAZ/ROSP/1."),
    )
    new_date = DateField(label=_("New source document: date"), required=False)
    new_url = forms.URLField(
        label=_("New source document: address"), required=False, max_length=200, assume_scheme="https"
    )
    new_title = forms.CharField(label=_("New source document: title"), required=False, max_length=300)

    class Meta:
        model = Finding
        fields = [
            "mechanism",
            "source_document",
            "paragraph",
            "scope",
            "region",
            "facility",
            "block",
            "cell",
            "rule",
            "responsible_body",
            "severity",
            "description",
            "description_ru",
            "description_kk",
            "recommendation",
            "recommendation_ru",
            "recommendation_kk",
            "deadline",
        ]
        widgets = {
            "deadline": DATE,
            "cell": forms.TextInput(attrs={"inputmode": "numeric"}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in RECOMMENDATION_TEXTS},
        }
        help_texts = {"cell": _("The cell's id (on its page), for a recommendation about one cell.")}

    def __init__(self, *args, mechanisms, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mechanism"].choices = [("", "—"), *mechanisms]
        self.fields["mechanism"].required = False
        if self.instance.pk is not None:
            self.fields["mechanism"].disabled = True
        values = [value for value, _label in mechanisms]
        self.fields["source_document"].queryset = SourceDocument.objects.filter(mechanism__in=values)
        self.fields["source_document"].required = False
        self.fields["facility"].queryset = facilities.select_related("region").order_by("code")
        self.fields["block"].queryset = ResidentialBlock.objects.filter(facility__in=facilities).select_related(
            "facility"
        )
        self.fields["block"].label_from_instance = lambda block: f"{block.facility.code}: {block.name}"
        self.fields["cell"].queryset = Cell.objects.filter(block__facility__in=facilities)
        self.fields["rule"].queryset = StandardRule.objects.select_related("profile")
        self.fields["rule"].label_from_instance = lambda rule: f"{rule.code}: {rule.summary}"
        searchable(self.fields["source_document"], self.fields["facility"], self.fields["block"], self.fields["rule"])

    def new_source_document(self) -> dict | None:
        """The fields of a source document to record with the recommendation, or None (one was chosen)."""
        data = self.cleaned_data
        if data.get("source_document") is not None or not (data.get("new_reference") or "").strip():
            return None
        return {
            "reference": data["new_reference"].strip(),
            "date": data.get("new_date"),
            "url": data.get("new_url") or "",
            "title": data.get("new_title") or "",
        }

    def service_data(self) -> dict:
        """What the service writes: the model fields (the mechanism only on a new recommendation)."""
        data = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        for name in ("paragraph", "responsible_body", "severity", *RECOMMENDATION_TEXTS):
            data[name] = data.get(name) or ""
        if self.instance.pk is not None:
            data.pop("mechanism")
        return data


class ActionForm(VersionedFormMixin, ServiceValidatedModelForm):
    """An action of a recommendation (inspections.registry.save_action), with the version it was opened
    with."""

    class Meta:
        model = Action
        fields = ["description", "description_ru", "description_kk", "owner", "due_date", "status", "completed_on"]
        widgets = {
            "due_date": DATE,
            "completed_on": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
            "description_ru": forms.Textarea(attrs={"rows": 2}),
            "description_kk": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"owner": _("A unit or post, not a person's name.")}


class ProgressForm(VersionedFormMixin, forms.Form):
    """A progress report on an action (inspections.registry.report_progress): what was done, the action's
    new status, evidence marked public or private; ``version``: the action's version when opened."""

    response = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=FREE_TEXT.maximum
    )
    status = forms.ChoiceField(label=_("Status of the action"), required=False)
    completed_on = DateField(label=_("completed on"), required=False)
    attachments = MultipleFileField(label=_("Evidence"), required=False)
    public = forms.BooleanField(
        label=_("Public evidence"),
        required=False,
        help_text=_("Shown on the public site beside the recommendation's judgement (never its file name)."),
    )

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, record=action, **kwargs)
        self.fields["status"].choices = [("", _("— unchanged —")), *Action.Status.choices]
        self.fields["attachments"].help_text = _(
            "Photos (JPEG, PNG) or scanned documents (PDF), at most %(count)s files of %(size)s MB each."
        ) % {"count": MAX_FILES, "size": f"{settings.FINDING_ATTACHMENT_MAX_BYTES / 1024 / 1024:g}"}


class JudgementForm(VersionedFormMixin, forms.Form):
    """A judgement of a recommendation's implementation by its mechanism (inspections.registry
    .record_judgement); ``version``: the recommendation's version when the page was opened."""

    judgement = forms.ChoiceField(label=_("judgement"), choices=[("", "—"), *Finding.Judgement.choices])
    follow_up_date = DateField(label=_("date of the follow-up"))
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=FREE_TEXT.maximum
    )

    def __init__(self, *args, finding: Finding, **kwargs):
        super().__init__(*args, record=finding, **kwargs)
