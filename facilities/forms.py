"""Forms of the facilities app (validation of rules lives in the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import DATES, FREE_TEXT
from core.forms import DateField, DecimalField, ServiceValidatedModelForm, VersionedFormMixin
from core.widgets import DATE, MoneyInput

from .flow import allowed_transitions
from .models import ConversionProject
from .services import PROJECT_FIELDS


class StatusField(forms.ChoiceField):
    """A project's next status: offers the moves allowed now, accepts any status (record_progress decides
    after its version check, so a page opened before another update shows what changed instead of "not a
    valid choice")."""

    def valid_value(self, value):
        return value in ConversionProject.Status.values


class ProgressForm(VersionedFormMixin, forms.Form):
    """A progress update of a conversion project; ``version`` is the version the editor saw."""

    date = DateField(label=_("Date of the update"), widget=DATE, validators=DATES.validators())
    status = StatusField(label=_("Status"))
    percent_complete = DecimalField(
        label=_("Percent complete (%)"), min_value=0, max_value=100, decimal_places=2, max_digits=5
    )
    budget_spent_kzt = DecimalField(
        label=_("Spent to date (KZT)"), min_value=0, decimal_places=2, max_digits=16, widget=MoneyInput
    )
    actual_start = DateField(label=_("Actual start"), required=False, widget=DATE, validators=DATES.validators())
    actual_end = DateField(label=_("Actual end"), required=False, widget=DATE, validators=DATES.validators())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=FREE_TEXT.maximum
    )
    is_correction = forms.BooleanField(label=_("This update corrects an earlier figure downwards"), required=False)
    correction_reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=FREE_TEXT.maximum,
    )

    def __init__(self, *args, project: ConversionProject, **kwargs):
        super().__init__(*args, record=project, **kwargs)
        statuses = [project.status] + [
            s
            for s in allowed_transitions(project.status, project.status_before_suspension)
            if s != ConversionProject.Status.COMPLETED
        ]
        labels = dict(ConversionProject.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in statuses]


class ProjectForm(VersionedFormMixin, ServiceValidatedModelForm):
    """The planned figures of a conversion project (facilities.services.PROJECT_FIELDS), with the version
    the editor opened (hidden). Status, percent and spend are the progress form's."""

    class Meta:
        model = ConversionProject
        fields = PROJECT_FIELDS  # facilities.services: the plan's fields, one list
        widgets = {"planned_start": DATE, "planned_end": DATE, "budget_planned_kzt": MoneyInput}
