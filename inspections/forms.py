"""Forms of the inspections app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cells.models import Cell, StandardRule
from core.bounds import FREE_TEXT
from core.forms import ServiceValidatedModelForm, VersionedFormMixin
from core.widgets import DATE

from .models import Finding, Inspection


class InspectionForm(VersionedFormMixin, ServiceValidatedModelForm):
    """An inspection as a prosecutor records or edits it, with the version it was opened with."""

    class Meta:
        model = Inspection
        fields = ["facility", "date_start", "date_end", "body", "type", "announced", "lead_inspector", "summary"]
        widgets = {"date_start": DATE, "date_end": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities.select_related("region").order_by("code")


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


class MoveField(forms.ChoiceField):
    """The status to move a finding to: offers the moves allowed now, accepts any status (the service
    decides, after the version check, whether the move is allowed: a page opened before another move
    then shows what changed instead of "not a valid choice")."""

    def valid_value(self, value):
        return value in Finding.Status.values


class FindingStatusForm(VersionedFormMixin, forms.Form):
    """A move of a finding. No move is preselected (the first choice is empty and required), so a Save
    never writes a status the user did not choose; ``version`` is the finding's version when the page was
    opened."""

    status = MoveField(label=_("New status"), error_messages={"required": _("Choose the new status of the finding.")})
    response = forms.CharField(
        label=_("Response"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=FREE_TEXT.maximum
    )

    def __init__(self, *args, allowed: list[str], finding: Finding, **kwargs):
        super().__init__(*args, record=finding, **kwargs)
        labels = dict(Finding.Status.choices)
        self.fields["status"].choices = [("", _("— choose a move —"))] + [(s, labels[s]) for s in allowed]
