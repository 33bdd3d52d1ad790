"""FilterSets of the cells app, shared by the HTML lists and the API."""

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, LenientMultipleChoiceFilter, StrictBooleanFilter
from facilities.filters import FacilityRefFilter, RegionCodeFilter
from facilities.models import AccommodationType

from .models import Cell, CertificationRequest, StandardProfile


class CellFilter(django_filters.FilterSet):
    """Cells by region code, facility code, block id, accommodation type, status and overcrowding."""

    region = RegionCodeFilter(field_name="block__facility__region")
    facility = FacilityRefFilter(field_name="block__facility")
    block = IdFilter(field_name="block_id", label=_("Block id"))
    accommodation_type = LenientMultipleChoiceFilter(choices=AccommodationType.choices)
    status = LenientMultipleChoiceFilter(choices=Cell.Status.choices)
    overcrowded = StrictBooleanFilter(
        method="filter_overcrowded", label=_("Overcrowded"), help_text=_("occupancy above design capacity")
    )

    class Meta:
        model = Cell
        fields = ["region", "facility", "block", "accommodation_type", "status"]

    def filter_overcrowded(self, queryset, name, value):
        if value is None:
            return queryset
        crowded = queryset.filter(occupancy__gt=F("design_capacity"))
        return crowded if value else queryset.exclude(pk__in=crowded.values("pk"))


class StandardProfileFilter(django_filters.FilterSet):
    is_active = StrictBooleanFilter()
    verified = StrictBooleanFilter()

    class Meta:
        model = StandardProfile
        fields = ["is_active", "verified"]


class CertificationRequestFilter(django_filters.FilterSet):
    """Certification requests by facility code, region code, status and kind (the list page and the API)."""

    facility = FacilityRefFilter(field_name="facility")
    region = RegionCodeFilter(field_name="facility__region")
    status = LenientMultipleChoiceFilter(choices=CertificationRequest.Status.choices, label=_("Status"))
    kind = LenientMultipleChoiceFilter(choices=CertificationRequest.Kind.choices, label=_("Kind"))

    class Meta:
        model = CertificationRequest
        fields = ["facility", "region", "status", "kind"]
