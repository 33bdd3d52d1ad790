"""FilterSets of the facilities app, shared by the HTML lists, the API and exports."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import StrictBooleanFilter

from .models import ConversionProject, Facility, Region, ResidentialBlock


class RegionCodeFilter(django_filters.ModelChoiceFilter):
    """A region given by its ISO 3166-2 code (``KZ-35``); an unknown code is a 400 with the reason."""

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
    kind = django_filters.MultipleChoiceFilter(choices=Facility.Kind.choices)
    security_level = django_filters.MultipleChoiceFilter(choices=Facility.SecurityLevel.choices)
    status = django_filters.MultipleChoiceFilter(choices=Facility.Status.choices)
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
            Q(code__icontains=value) | Q(name_en__icontains=value) | Q(name_ru__icontains=value)
            | Q(name_kk__icontains=value) | Q(locality__icontains=value)
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
    status = django_filters.MultipleChoiceFilter(choices=ConversionProject.Status.choices)
    roadmap_phase = django_filters.CharFilter()

    class Meta:
        model = ConversionProject
        fields = ["region", "facility", "status", "roadmap_phase"]
