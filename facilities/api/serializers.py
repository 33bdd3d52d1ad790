"""Read serializers of the facilities app (every object carries its ``id``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.bounds import DATES
from core.serializers import StrictDecimalField, StrictInputMixin, StrictIntegerField
from facilities.models import ConversionProject, Facility, ProgressUpdate, Region, ResidentialBlock


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "kind", "name_en", "name_ru", "name_kk", "centre", "created_year"]


class FacilitySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_id = serializers.IntegerField(read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Facility
        fields = [
            "id",
            "code",
            "name_en",
            "name_ru",
            "name_kk",
            "kind",
            "security_level",
            "region",
            "region_id",
            "region_code",
            "locality",
            "year_built",
            "status",
            "category",
            "design_capacity",
            "population",
            "population_date",
            "latitude",
            "longitude",
            "source",
            "is_demo",
            "version",
        ]
        extra_kwargs = {
            "population": {
                "help_text": gettext_lazy(
                    "reported population: the facility's own headcount from the headcounts register (persons), "
                    "dated population_date; not the sum of its cells (persons_held in the facilities API)"
                )
            },
            "population_date": {"help_text": gettext_lazy("date of the reported headcount")},
        }


class ResidentialBlockSerializer(serializers.ModelSerializer):
    facility = serializers.SlugRelatedField(slug_field="code", read_only=True)
    facility_id = serializers.IntegerField(read_only=True)
    facility_code = serializers.CharField(source="facility.code", read_only=True)

    class Meta:
        model = ResidentialBlock
        fields = [
            "id",
            "facility_id",
            "facility",
            "facility_code",
            "name",
            "name_ru",
            "name_kk",
            "year_built",
            "floors",
            "accommodation_type",
            "is_demo",
            "version",
        ]
        read_only_fields = ["name_ru", "name_kk"]


class ConversionProjectSerializer(serializers.ModelSerializer):
    block_id = serializers.IntegerField(read_only=True)
    block = serializers.CharField(source="block.name", read_only=True)
    facility = serializers.CharField(source="block.facility.code", read_only=True)
    facility_id = serializers.IntegerField(source="block.facility_id", read_only=True)
    facility_code = serializers.CharField(source="block.facility.code", read_only=True)
    region = serializers.CharField(source="block.facility.region.code", read_only=True)
    region_id = serializers.IntegerField(source="block.facility.region_id", read_only=True)
    region_code = serializers.CharField(source="block.facility.region.code", read_only=True)

    class Meta:
        model = ConversionProject
        fields = [
            "id",
            "block_id",
            "block",
            "facility",
            "facility_id",
            "facility_code",
            "region",
            "region_id",
            "region_code",
            "roadmap_phase",
            "status",
            "baseline_rooms",
            "baseline_beds",
            "target_cells",
            "target_places",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "percent_complete",
            "budget_planned_kzt",
            "budget_spent_kzt",
            "contractor",
            "version",
            "is_demo",
        ]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "date",
            "status",
            "percent_complete",
            "budget_spent_kzt",
            "note",
            "note_ru",
            "note_kk",
            "is_correction",
            "correction_reason",
            "author",
            "created_at",
        ]
        read_only_fields = ["note_ru", "note_kk"]


class ProgressInputSerializer(StrictInputMixin, serializers.Serializer):
    """A progress update: ``version`` is the project version you read (409 when someone saved since)."""

    version = serializers.IntegerField(min_value=1)
    date = serializers.DateField(validators=DATES.validators())
    status = serializers.ChoiceField(choices=ConversionProject.Status.choices)
    percent_complete = StrictDecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    budget_spent_kzt = StrictDecimalField(max_digits=16, decimal_places=2, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    is_correction = serializers.BooleanField(required=False, default=False)
    correction_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    actual_start = serializers.DateField(required=False, allow_null=True, default=None, validators=DATES.validators())
    actual_end = serializers.DateField(required=False, allow_null=True, default=None, validators=DATES.validators())


class ProjectEditSerializer(StrictInputMixin, serializers.Serializer):
    """The planned figures of a conversion project (PATCH: send only what changes). Budget in KZT; targets
    in cells and persons. Status, percent and spend are written by progress updates only: sending them
    is refused with the unknown fields."""

    planned_start = serializers.DateField(required=False, allow_null=True, validators=DATES.validators())
    planned_end = serializers.DateField(required=False, allow_null=True, validators=DATES.validators())
    budget_planned_kzt = StrictDecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    contractor = serializers.CharField(max_length=200, required=False, allow_blank=True)
    roadmap_phase = serializers.CharField(max_length=40, required=False, allow_blank=True)
    target_cells = StrictIntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)
    target_places = StrictIntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)

    PROGRESS_FIELDS = ("status", "percent_complete", "budget_spent_kzt", "actual_start", "actual_end")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            refused = {
                name: [_("Written by progress updates only: POST /api/v1/conversions/<id>/progress/.")]
                for name in self.PROGRESS_FIELDS
                if name in data
            }
            if "version" in data:
                refused["version"] = [_("Read-only: send the version you read as the If-Match header.")]
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)
