"""Read serializers of the facilities app (every object carries its ``id``)."""
from rest_framework import serializers

from facilities.models import ConversionProject, Facility, Region, ResidentialBlock


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "kind", "name_en", "name_ru", "name_kk", "centre", "created_year"]


class FacilitySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Facility
        fields = ["id", "code", "name_en", "name_ru", "name_kk", "kind", "security_level", "region", "locality",
                  "year_built", "status", "category", "design_capacity", "population", "population_date",
                  "latitude", "longitude", "source", "is_demo"]


class ResidentialBlockSerializer(serializers.ModelSerializer):
    facility = serializers.SlugRelatedField(slug_field="code", read_only=True)
    facility_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = ResidentialBlock
        fields = ["id", "facility_id", "facility", "name", "year_built", "floors", "accommodation_type", "is_demo"]


class ConversionProjectSerializer(serializers.ModelSerializer):
    block_id = serializers.IntegerField(read_only=True)
    block = serializers.CharField(source="block.name", read_only=True)
    facility = serializers.CharField(source="block.facility.code", read_only=True)
    region = serializers.CharField(source="block.facility.region.code", read_only=True)

    class Meta:
        model = ConversionProject
        fields = ["id", "block_id", "block", "facility", "region", "roadmap_phase", "status", "baseline_rooms",
                  "baseline_beds", "target_cells", "target_places", "planned_start", "planned_end", "actual_start",
                  "actual_end", "percent_complete", "budget_planned_kzt", "budget_spent_kzt", "contractor",
                  "version", "is_demo"]
