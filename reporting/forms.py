"""The dashboards' choices (the date changes are measured from, and the forecast's window) and the
placement planner's options."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cells.models import StandardProfile
from core.bounds import validate_date
from core.forms import DateField, IntegerField
from core.i18n import localised
from core.validators import validate_not_in_future
from core.widgets import DATE

from . import trends
from .placement import MAX_MOVES, Options


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


class ProfileChoiceField(forms.ModelChoiceField):
    """An active standard profile named by its code in the query string (``?compliant_only=KZ-ROADMAP``),
    shown as "code: title" in the reader's language."""

    def label_from_instance(self, obj):
        return f"{obj.code}: {localised(obj, 'title')}"


class PlacementForm(forms.Form):
    """The placement planner's options (reporting.placement.Options; issue 19): the date of the counts (not in
    the future; today when empty), an active profile whose compliant places alone count (optional), the date
    by which planned conversion projects count (optional; may be in the future) and the most persons moved
    (a whole number >= 0, optional). A GET form: the page computes and writes nothing."""

    date = DateField(
        label=gettext_lazy("Counts on or before"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Each facility's latest count of persons by home region on or before this date"),
        validators=[validate_date],
    )
    compliant_only = ProfileChoiceField(
        label=gettext_lazy("Count only places compliant under"),
        queryset=StandardProfile.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("every place in use (no standard)"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "%(value)s is not an active standard profile: only active profiles are evaluated."
            )
        },
    )
    include_projects_until = DateField(
        label=gettext_lazy("Count conversion projects planned to end by"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Their places count, and the dormitory places they replace do not"),
        validators=[validate_date],
    )
    max_moves = IntegerField(
        label=gettext_lazy("At most persons moved"),
        required=False,
        min_value=0,
        max_value=MAX_MOVES,
        help_text=gettext_lazy("A whole number, 0 or more; empty: no limit"),
    )

    def clean_date(self):
        date = self.cleaned_data.get("date")
        validate_not_in_future(date)
        return date or timezone.localdate()

    def options(self) -> Options:
        """The Options of a valid form (the date: today when none was given)."""
        data = self.cleaned_data
        return Options(
            date=data["date"],
            profile=data.get("compliant_only"),
            include_projects_until=data.get("include_projects_until"),
            max_moves=data.get("max_moves"),
        )


def placement_form(request) -> PlacementForm:
    """The placement form bound to the request's query string, with today's date when none is given, so
    that the page shows the date it used."""
    data = {"date": timezone.localdate().isoformat()}
    data.update({k: request.GET[k] for k in PlacementForm.base_fields if request.GET.get(k, "") != ""})
    return PlacementForm(data)
