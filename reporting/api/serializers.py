"""Serializers of the reporting API: a facility with its figures (docs/data.md, §Capacity and certification)."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from facilities.api.serializers import FacilitySerializer

from ..figures import attach_capacity, difference


def _count(help_text):
    return serializers.IntegerField(read_only=True, help_text=help_text)


def _date(help_text):
    return serializers.DateField(read_only=True, allow_null=True, help_text=help_text)


class FacilityFiguresSerializer(FacilitySerializer):
    """A facility with its capacity figures computed live from its cells (as of now), its reported
    population beside them, and the compliance figures of the latest compliance run under ``profile``."""

    persons_held = _count(gettext_lazy("persons held: sum of the occupancy of the facility's cells in use (persons)"))
    persons_counted_from = _date(gettext_lazy("earliest count date (occupancy_date) of the cells in use"))
    persons_counted_to = _date(gettext_lazy("latest count date (occupancy_date) of the cells in use"))
    reported_population = serializers.IntegerField(
        source="population",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "the facility's own headcount from the headcounts register (persons); the reported figure, "
            "shown beside persons_held and summed nowhere; `population` is its alias"
        ),
    )
    reported_population_date = serializers.DateField(
        source="population_date",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("date of the reported headcount; `population_date` is its alias"),
    )
    persons_difference = serializers.SerializerMethodField(
        help_text=gettext_lazy("persons_held − reported_population (persons); null when nothing is reported")
    )
    places_design = _count(
        gettext_lazy("design capacity (as built) of the cells on the record: in use, under reconstruction, out of use")
    )
    places_certified = _count(
        gettext_lazy("certified capacity (places approved by the last certification) of the cells on the record")
    )
    places_operational = _count(
        gettext_lazy("certified capacity of the cells in use (not out of use, not under reconstruction)")
    )
    persons_over_certified = _count(
        gettext_lazy("over the cells in use, the sum of max(0, occupancy − certified capacity) (persons)")
    )
    cells_over_certified = _count(gettext_lazy("cells in use whose occupancy exceeds their certified capacity"))
    cells_out_of_use = _count(gettext_lazy("cells temporarily out of use (status deactivated)"))
    places_out_of_use = _count(gettext_lazy("certified capacity of the cells temporarily out of use (persons)"))
    expected_back_from = _date(gettext_lazy("earliest expected return of a cell out of use"))
    expected_back_to = _date(gettext_lazy("latest expected return of a cell out of use"))
    cells_under_reconstruction = _count(gettext_lazy("cells under reconstruction (not operational)"))
    places_under_reconstruction = _count(
        gettext_lazy("certified capacity of the cells under reconstruction (persons; not operational)")
    )
    places = serializers.IntegerField(
        read_only=True,
        help_text=gettext_lazy(
            "design capacity of the cells in use at the latest compliance run (persons); kept for existing "
            "clients, see places_design, places_certified and places_operational"
        ),
    )
    persons = serializers.IntegerField(
        read_only=True,
        help_text=gettext_lazy(
            "persons held at the latest compliance run (occupancy of the cells in use); alias of persons_held "
            "as of that run"
        ),
    )
    persons_in_single_cells = serializers.IntegerField(read_only=True)
    profile = serializers.SerializerMethodField()
    persons_compliant = serializers.IntegerField(read_only=True, allow_null=True, default=None)

    class Meta(FacilitySerializer.Meta):
        fields = [
            *FacilitySerializer.Meta.fields,
            "persons_held",
            "persons_counted_from",
            "persons_counted_to",
            "reported_population",
            "reported_population_date",
            "persons_difference",
            "places_design",
            "places_certified",
            "places_operational",
            "persons_over_certified",
            "cells_over_certified",
            "cells_out_of_use",
            "places_out_of_use",
            "expected_back_from",
            "expected_back_to",
            "cells_under_reconstruction",
            "places_under_reconstruction",
            "places",
            "persons",
            "persons_in_single_cells",
            "profile",
            "persons_compliant",
        ]

    def to_representation(self, instance):
        return super().to_representation(attach_capacity(instance))

    def get_profile(self, obj) -> str | None:
        profile = self.context.get("profile")
        return profile.code if profile else None

    def get_persons_difference(self, obj) -> int | None:
        return difference(obj.persons_held, obj.population)
