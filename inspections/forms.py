"""Forms of the inspections app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cells.models import Cell, StandardRule
from core.bounds import FREE_TEXT
from core.forms import ServiceValidatedModelForm
from facilities.forms import DATE

from .models import Finding, Inspection


class InspectionForm(ServiceValidatedModelForm):
    class Meta:
        model = Inspection
        fields = ["facility", "date_start", "date_end", "body", "type", "announced", "lead_inspector", "summary"]
        widgets = {"date_start": DATE, "date_end": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities.select_related("region").order_by("code")


class FindingForm(ServiceValidatedModelForm):
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


class FindingStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    response = forms.CharField(
        label=_("Response"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=FREE_TEXT.maximum
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Finding.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in allowed]
