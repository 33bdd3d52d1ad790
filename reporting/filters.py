"""The facility FilterSet with compliance, shared by the facility list page and the facilities API."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cells.compliance.outcomes import status_expression
from cells.models import Cell, ComplianceStatus, StandardProfile
from facilities.filters import FacilityFilter

from .figures import default_profile


class ActiveProfileField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "Unknown or inactive standard profile '%(value)s'. Inactive profiles are not "
            "evaluated; see /api/v1/standards/?is_active=true."
        ),
    }


class ActiveProfileFilter(django_filters.ModelChoiceFilter):
    field_class = ActiveProfileField


class FacilityComplianceFilter(FacilityFilter):
    """FacilityFilter plus ``compliance`` under ``profile`` (an active profile's code; default KZ-ROADMAP,
    or the first active profile when KZ-ROADMAP is inactive). Inactive profiles are not evaluated, so
    they cannot be chosen here (HTTP 400 in the API, a form error on the page).

    A facility is ``non_compliant`` when any cell in use fails the profile, ``unknown`` when none fails
    and at least one cannot be evaluated, ``compliant`` when it has cells in use and all comply.
    """

    profile = ActiveProfileFilter(
        queryset=StandardProfile.objects.filter(is_active=True),
        to_field_name="code",
        method="noop",
        label=_("Standard"),
    )
    compliance = django_filters.ChoiceFilter(
        choices=ComplianceStatus.choices, method="filter_compliance", label=_("Compliance")
    )

    class Meta(FacilityFilter.Meta):
        fields = [*FacilityFilter.Meta.fields, "profile", "compliance"]

    def noop(self, queryset, name, value: str):
        return queryset

    def selected_profile(self):
        """The profile chosen in the form (valid data), else reporting.figures.default_profile() (KZ-ROADMAP if
        active, else the first active one)."""
        data = getattr(self.form, "cleaned_data", None) or {}
        if data.get("profile"):
            return data["profile"]
        return default_profile()

    def filter_compliance(self, queryset, name, value):
        profile = self.selected_profile()
        if profile is None:
            return queryset.none()
        results = (
            Cell.objects.in_use()
            .filter(block__facility=OuterRef("pk"))
            .annotate(result_status=status_expression(profile))
        )
        has = {status: Exists(results.filter(result_status=status)) for status in ComplianceStatus.values}
        if value == ComplianceStatus.NON_COMPLIANT:
            return queryset.filter(has[ComplianceStatus.NON_COMPLIANT])
        if value == ComplianceStatus.UNKNOWN:
            return queryset.filter(has[ComplianceStatus.UNKNOWN]).exclude(has[ComplianceStatus.NON_COMPLIANT])
        return (
            queryset.filter(has[ComplianceStatus.COMPLIANT])
            .exclude(has[ComplianceStatus.NON_COMPLIANT])
            .exclude(has[ComplianceStatus.UNKNOWN])
        )
