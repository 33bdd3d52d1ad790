"""Serializers of the reporting API: a facility with its figures."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from facilities.api.serializers import FacilitySerializer


class FacilityFiguresSerializer(FacilitySerializer):
    """A facility with figures over its cells in use (persons) and compliance under ``profile``."""

    places = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("sum of design capacity of cells in use (persons)")
    )
    persons = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("sum of occupancy of cells in use (persons)")
    )
    persons_in_single_cells = serializers.IntegerField(read_only=True)
    profile = serializers.SerializerMethodField()
    persons_compliant = serializers.IntegerField(read_only=True, allow_null=True, default=None)

    class Meta(FacilitySerializer.Meta):
        fields = [
            *FacilitySerializer.Meta.fields,
            "places",
            "persons",
            "persons_in_single_cells",
            "profile",
            "persons_compliant",
        ]

    def get_profile(self, obj) -> str | None:
        profile = self.context.get("profile")
        return profile.code if profile else None
