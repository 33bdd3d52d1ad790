"""FilterSets of the facilities app, shared by the HTML lists, the API and exports."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_ID, LenientMultipleChoiceFilter, StrictBooleanFilter
from core.validators import normalize_identifier, unencodable_reason

from .models import ConversionProject, Facility, Region, ResidentialBlock
from .regions import parse_region_code, unknown_region_message


def _as_id(value) -> int | None:
    """``value`` as a database id when it is a whole number from 1 to 2^63-1 in ASCII digits, else None."""
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID:
        return int(text)
    return None


def refusal(message: str, code: str = "invalid_choice") -> forms.ValidationError:
    """A filter's error whose ``message`` already holds the user's text: passed as a parameter, so that a
    ``%`` the user typed is never read as a format (django-filter formats ``message % params`` again)."""
    return forms.ValidationError("%(reason)s", code=code, params={"reason": message})


class RegionCodeField(forms.ModelChoiceField):
    """A region by its ISO 3166-2 code, in any case (``kz-35``), or by its id (``12``); an unknown code or
    id is an error that names it (facilities.regions)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = _as_id(value)
        if pk is not None:
            region = self.queryset.filter(pk=pk).first()
            if region is None:
                raise refusal(
                    gettext("Unknown region id %(id)s. Use a region's id or its ISO 3166-2 code, such as KZ-35.")
                    % {"id": pk}
                )
            return region
        try:
            return super().to_python(parse_region_code(value))
        except (ValueError, forms.ValidationError):
            raise refusal(unknown_region_message(value)) from None


class RegionCodeFilter(django_filters.ModelChoiceFilter):
    """A region given by its ISO 3166-2 code (``KZ-35``) or its id; an unknown one is a 400 with the reason
    (``{"region": ["Unknown region code 'KZ-99'. ..."]}``)."""

    field_class = RegionCodeField

    def __init__(self, field_name="region", **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("help_text", _("ISO 3166-2 code, e.g. KZ-35, or the region's id"))
        super().__init__(field_name=field_name, **kwargs)


def unknown_facility_message(value) -> str:
    """The one message for a ``?facility=`` that names no facility (the text given, cut to 40 characters)."""
    return gettext("Unknown facility '%(facility)s'. Give the facility's code or its id.") % {
        "facility": str(value)[:40]
    }


class FacilityRefField(forms.ModelChoiceField):
    """A facility by its code (in the normal form of identifiers: core.validators.normalize_identifier, so
    Cyrillic letters, slashes and inner spaces are matched as stored) or by its id (ASCII digits). A code
    is looked up first: a facility whose code is all digits is found by its code, then by id. An unknown
    one is an error naming it (unknown_facility_message)."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Facility.objects.all())
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        reason = unencodable_reason(str(value))
        if reason is not None:  # NUL, a lone surrogate, a noncharacter: no code holds one
            raise refusal(reason, code="invalid")
        text = normalize_identifier(str(value))
        if not text:
            return None
        found = self.queryset.filter(code=text).first()
        if found is None and (pk := _as_id(text)) is not None:
            found = self.queryset.filter(pk=pk).first()
        if found is None:
            raise refusal(unknown_facility_message(text))
        return found

    def prepare_value(self, value):
        return value.code if isinstance(value, Facility) else value


class FacilityRefFilter(django_filters.ModelChoiceFilter):
    """``?facility=`` on every list with a facility: its code (``ЛА-155/1``, Cyrillic, slashes and spaces as
    stored) or its id; an unknown one is a 400 ``{"facility": ["Unknown facility '...'. ..."]}``, never an
    empty list. ``field_name``: the path to the facility (``block__facility``)."""

    field_class = FacilityRefField

    def __init__(self, field_name="facility", **kwargs):
        kwargs.setdefault("queryset", Facility.objects.all())
        kwargs.setdefault("to_field_name", "code")  # documented as the code's type (text); FacilityRefField reads both
        kwargs.setdefault("label", _("Facility"))
        kwargs.setdefault("help_text", _("the facility's code or id"))
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
    facility = FacilityRefFilter(field_name="facility")
    accommodation_type = django_filters.ChoiceFilter(choices=ResidentialBlock.Accommodation.choices)

    class Meta:
        model = ResidentialBlock
        fields = ["region", "facility", "accommodation_type"]


class ConversionProjectFilter(django_filters.FilterSet):
    region = RegionCodeFilter(field_name="block__facility__region")
    facility = FacilityRefFilter(field_name="block__facility")
    status = LenientMultipleChoiceFilter(choices=ConversionProject.Status.choices, label=_("Status"))
    roadmap_phase = django_filters.CharFilter()

    class Meta:
        model = ConversionProject
        fields = ["region", "facility", "status", "roadmap_phase"]
