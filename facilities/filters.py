"""FilterSets of the facilities app, shared by the HTML lists, the API and exports."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import LenientMultipleChoiceFilter, StrictBooleanFilter

from .models import ConversionProject, Facility, Region, ResidentialBlock
from .regions import parse_region_code, unknown_region_message


class RegionCodeField(forms.ModelChoiceField):
    """A region by its ISO 3166-2 code, in any case (``kz-35``); an unknown code is an error that names it
    (facilities.regions)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return super().to_python(parse_region_code(value))
        except (ValueError, forms.ValidationError):
            raise forms.ValidationError(unknown_region_message(value), code="invalid_choice") from None


class RegionCodeFilter(django_filters.ModelChoiceFilter):
    """A region given by its ISO 3166-2 code (``KZ-35``); an unknown code is a 400 with the reason."""

    field_class = RegionCodeField

    def __init__(self, field_name="region", **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("help_text", _("ISO 3166-2 code, e.g. KZ-35"))
        super().__init__(field_name=field_name, **kwargs)


class RegionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Region.Kind.choices)

    class Meta:
        model = Region
        fields = ["kind"]


class FacilityFilter(django_filters.FilterSet):
    """Facilities by region code, kind, security level, status, demo flag and free text (code, names)."""

    region = RegionCodeFilter()
    kind = LenientMultipleChoiceFilter(choices=Facility.Kind.choices, label=_("Kind"))
    security_level = LenientMultipleChoiceFilter(choices=Facility.SecurityLevel.choices, label=_("Security level"))
    status = LenientMultipleChoiceFilter(choices=Facility.Status.choices, label=_("Status"))
    is_demo = StrictBooleanFilter()
    q = django_filters.CharFilter(method="search", label=_("Search"), help_text=_("code, name or locality"))

    class Meta:
        model = Facility
        fields = ["region", "kind", "security_level", "status", "is_demo"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name_en__icontains=value)
            | Q(name_ru__icontains=value)
            | Q(name_kk__icontains=value)
            | Q(locality__icontains=value)
        )


class ResidentialBlockFilter(django_filters.FilterSet):
    region = RegionCodeFilter(field_name="facility__region")
    facility = django_filters.CharFilter(field_name="facility__code", label=_("Facility code"))
    accommodation_type = django_filters.ChoiceFilter(choices=ResidentialBlock.Accommodation.choices)

    class Meta:
        model = ResidentialBlock
        fields = ["region", "facility", "accommodation_type"]


class ConversionProjectFilter(django_filters.FilterSet):
    region = RegionCodeFilter(field_name="block__facility__region")
    facility = django_filters.CharFilter(field_name="block__facility__code", label=_("Facility code"))
    status = LenientMultipleChoiceFilter(choices=ConversionProject.Status.choices, label=_("Status"))
    roadmap_phase = django_filters.CharFilter()

    class Meta:
        model = ConversionProject
        fields = ["region", "facility", "status", "roadmap_phase"]
