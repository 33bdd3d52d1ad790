"""The dashboards' choices: the date changes are measured from, and the forecast's window."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import DateField
from core.validators import validate_not_in_future
from core.widgets import DATE

from . import trends


class DashboardForm(forms.Form):
    """The dashboard's choices: the date changes are measured from, and the forecast's window (days)."""

    since = DateField(
        label=gettext_lazy("Change since"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Date the changes are measured from"),
    )
    window = forms.TypedChoiceField(
        label=gettext_lazy("Forecast from the rate over the"),
        coerce=int,
        required=False,
        choices=list(trends.WINDOWS.items()),
    )

    def clean_since(self):
        since = self.cleaned_data.get("since")
        validate_not_in_future(since)
        if since is not None and since.year < 2000:
            raise forms.ValidationError(_("Give a date from 2000 on."))
        return since


def dashboard_choices(request) -> tuple[DashboardForm, datetime.date, int]:
    """The form bound to the request's choices over the defaults (a year ago; the default window), so the
    page always shows the values it used; an invalid value keeps its default and shows the error."""
    today = timezone.localdate()
    window = trends.DEFAULT_WINDOW
    since = today - datetime.timedelta(days=365)
    data = {"since": since.isoformat(), "window": str(window)}
    data.update({k: request.GET[k] for k in ("since", "window") if request.GET.get(k, "") != ""})
    form = DashboardForm(data)
    form.is_valid()  # cleaned_data keeps the valid fields; the invalid ones keep their defaults
    return form, form.cleaned_data.get("since") or since, form.cleaned_data.get("window") or window
