"""FilterSets of the inspections app, shared by the HTML lists, the API and the CSV export."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import DateFilter, IdFilter, LenientMultipleChoiceFilter, StrictBooleanFilter
from facilities.filters import FacilityRefFilter, RegionCodeFilter
from facilities.mechanisms import Mechanism

from .models import Finding, Inspection, SourceDocument


class InspectionFilter(django_filters.FilterSet):
    """Inspections by facility code, region, inspecting body, type and date range (start date)."""

    facility = FacilityRefFilter(field_name="facility")
    region = RegionCodeFilter(field_name="facility__region")
    body = LenientMultipleChoiceFilter(choices=Inspection.Body.choices, label=_("Inspecting body"))
    type = LenientMultipleChoiceFilter(choices=Inspection.Type.choices, label=_("Type"))
    date_from = DateFilter(field_name="date_start", lookup_expr="gte", label=_("From"))
    date_to = DateFilter(field_name="date_start", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Inspection
        fields = ["facility", "region", "body", "type", "date_from", "date_to"]


class FindingFilter(django_filters.FilterSet):
    """The registry of recommendations and findings: by mechanism, judgement (``not_judged``: not judged yet, as on the public site),
    scope, facility, region, inspecting body, inspection date range, status, severity, overdue (per action:
    FindingQuerySet.overdue)."""

    JUDGEMENTS = [*Finding.Judgement.choices, ("not_judged", _("not judged yet"))]

    facility = FacilityRefFilter(field_name="facility")
    region = RegionCodeFilter(field_name="region")
    body = LenientMultipleChoiceFilter(
        field_name="inspection__body", choices=Inspection.Body.choices, label=_("Inspecting body")
    )
    date_from = DateFilter(field_name="inspection__date_start", lookup_expr="gte", label=_("From"))
    date_to = DateFilter(field_name="inspection__date_start", lookup_expr="lte", label=_("To"))
    status = LenientMultipleChoiceFilter(choices=Finding.Status.choices, label=_("Status"))
    severity = LenientMultipleChoiceFilter(choices=Finding.Severity.choices, label=_("Severity"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))
    inspection = IdFilter(field_name="inspection_id", label=_("Inspection id"))
    mechanism = LenientMultipleChoiceFilter(choices=Mechanism.choices, label=_("Mechanism"))
    judgement = LenientMultipleChoiceFilter(choices=JUDGEMENTS, method="filter_judgement", label=_("Judgement"))
    scope = LenientMultipleChoiceFilter(choices=Finding.Scope.choices, label=_("Scope"))

    class Meta:
        model = Finding
        fields = [
            "mechanism",
            "judgement",
            "scope",
            "facility",
            "region",
            "body",
            "date_from",
            "date_to",
            "status",
            "severity",
            "overdue",
        ]

    def filter_judgement(self, queryset, name, value):
        """``value``: judgements, ``not_judged`` standing for a recommendation not judged yet."""
        if not value:
            return queryset
        wanted = ["" if v == "not_judged" else v for v in value]
        return queryset.filter(judgement__in=wanted)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class SourceDocumentFilter(django_filters.FilterSet):
    """Source documents by mechanism and date range."""

    mechanism = LenientMultipleChoiceFilter(choices=Mechanism.choices, label=_("Mechanism"))
    date_from = DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = DateFilter(field_name="date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = SourceDocument
        fields = ["mechanism", "date_from", "date_to"]
