"""Serializers of the cells app: cells with their compliance, standards, and the design check."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cells import bounds, services
from cells.compliance import rules as R
from cells.compliance.design_check import present_measured
from cells.models import Cell, CellDeactivation, ComplianceStatus, StandardProfile, StandardRule
from cells.selectors import measured_value
from core.bounds import DATES
from core.serializers import IdRelatedField, StrictDecimalField, StrictInputMixin, StrictIntegerField
from core.validators import normalize_identifier, validate_name
from facilities.models import AccommodationType, ResidentialBlock


class ComplianceResultSerializer(serializers.Serializer):
    """A cell's compliance under one standard profile, as its last evaluation recorded it. ``status``:
    compliant, non_compliant or unknown. ``failed``: each failing rule's code with the cell's measured
    value (m², m, persons, or true/false; null while a measurement changed since the evaluation).
    ``unknown``: each rule that could not be evaluated, with the missing measurement."""

    # Serializes cells.compliance.outcomes.Result, which must come with its cell (selectors.cells_with_results).

    profile = serializers.CharField(source="profile.code", read_only=True)
    status = serializers.ChoiceField(choices=ComplianceStatus.choices, read_only=True)
    failed = serializers.SerializerMethodField()
    unknown = serializers.DictField(child=serializers.CharField(), read_only=True)

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {
                "oneOf": [{"type": "number"}, {"type": "boolean"}, {"type": "string"}],
                "nullable": True,
            },
            "description": "failing rule code -> the cell's measured value (m², m, persons, true/false, or an "
            "accommodation type); null while a measurement changed since the evaluation",
        }
    )
    def get_failed(self, obj) -> dict:
        cell = obj.cell

        def value(metric: str):
            if cell.inputs_changed:  # the values the rule failed on are no longer the cell's
                return None
            return present_measured(metric, measured_value(cell, metric)) if metric in R.METRICS else None

        return {code: value(metric) for code, metric in obj.failed.items()}


class OpenDeactivationSerializer(serializers.ModelSerializer):
    """The open deactivation of a cell out of use (cells.deactivation): why, since when, when it is
    expected back, the work order, who took it out of use."""

    deactivated_by = serializers.CharField(source="deactivated_by.username", read_only=True, allow_null=True)

    class Meta:
        model = CellDeactivation
        fields = [
            "id",
            "reason",
            "reason_text",
            "deactivated_on",
            "expected_reactivation",
            "work_order",
            "deactivated_by",
        ]
        read_only_fields = fields


class CellSerializer(serializers.ModelSerializer):
    """A cell as read: its fields, ``certified_capacity`` (persons; written only by an approved
    certification request, null for a draft), ``version`` (raised by every write; the detail's ETag), its
    open deactivation while it is out of use, and its compliance under each active profile."""

    block_id = serializers.IntegerField(read_only=True)
    block = serializers.CharField(source="block.name", read_only=True)
    facility = serializers.CharField(source="block.facility.code", read_only=True)
    facility_id = serializers.IntegerField(source="block.facility_id", read_only=True)
    facility_code = serializers.CharField(source="block.facility.code", read_only=True)
    compliance = ComplianceResultSerializer(source="active_results", many=True, read_only=True)
    awaiting_evaluation = serializers.BooleanField(
        read_only=True,
        help_text="A measurement, or a rule of the active profiles, changed since the cell's last "
        "compliance evaluation: ``compliance`` is the outcome of the earlier "
        "measurements and rules until the next run.",
    )
    outcomes_changed_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When a compliance run last recorded other outcomes for the cell (any profile); null before its "
        "first evaluation.",
    )
    certified_capacity = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Places (persons) the last approved certification gave the cell; changed only by a "
        "certification request; null for a draft.",
    )
    deactivation = serializers.SerializerMethodField(
        help_text="While the cell is temporarily out of use (status deactivated): its open deactivation; else null."
    )

    class Meta:
        model = Cell
        fields = [
            "id",
            "block_id",
            "block",
            "facility",
            "facility_id",
            "facility_code",
            *Cell.WRITABLE_FIELDS,
            "certified_capacity",
            "deactivation",
            "version",
            "is_overcrowded",
            "is_demo",
            "awaiting_evaluation",
            "outcomes_changed_at",
            "compliance",
        ]

    @extend_schema_field(OpenDeactivationSerializer(allow_null=True))
    def get_deactivation(self, obj) -> dict | None:
        if obj.status != Cell.Status.DEACTIVATED:
            return None
        found = getattr(obj, "open_deactivations", None)  # prefetched (cells.api.views.CellViewSet)
        if found is None:
            found = list(obj.deactivations.filter(reactivated_on__isnull=True).select_related("deactivated_by"))
        return OpenDeactivationSerializer(found[0]).data if found else None


class StandardRuleSerializer(serializers.ModelSerializer):
    """A rule with its texts as written (English) and in Russian and Kazakh (``F_ru``, ``F_kk``; "" where
    none exists), and ``requirement``: the rule as a sentence in the language of the request."""

    requirement = serializers.SerializerMethodField()

    class Meta:
        model = StandardRule
        fields = [
            "id",
            "code",
            "metric",
            "operator",
            "value",
            "unit",
            "applies_to",
            "requirement",
            "source",
            "source_ru",
            "source_kk",
            "summary",
            "summary_ru",
            "summary_kk",
        ]

    def get_requirement(self, obj) -> str:
        return obj.requirement_text()


class LanguageSourceSerializer(serializers.Serializer):
    official = serializers.BooleanField(help_text="True when the text is an official translation.")
    source = serializers.CharField(help_text="Citation of the text used, or who translated it.")


class LanguageSourcesSerializer(serializers.Serializer):
    """Where the Russian and Kazakh texts of a profile come from."""

    ru = LanguageSourceSerializer(required=False)
    kk = LanguageSourceSerializer(required=False)


class StandardProfileSerializer(serializers.ModelSerializer):
    """A profile with its texts as written (English) and in Russian and Kazakh, ``language_sources``
    (whether each translation is official, and its source) and its rules."""

    rules = StandardRuleSerializer(many=True, read_only=True)
    language_sources = serializers.SerializerMethodField()

    class Meta:
        model = StandardProfile
        fields = [
            "id",
            "code",
            "title",
            "title_ru",
            "title_kk",
            "reference",
            "reference_ru",
            "reference_kk",
            "verified",
            "verification_note",
            "verification_note_ru",
            "verification_note_kk",
            "language_sources",
            "is_active",
            "rules",
        ]

    @extend_schema_field(LanguageSourcesSerializer)
    def get_language_sources(self, obj) -> dict:
        return {language: entry for language in ("ru", "kk") if (entry := obj.language_source(language)) is not None}


class MeasurementField(StrictDecimalField):
    """A measurement in m² or m: a number with at most 2 decimal places (trailing zeros allowed, so
    ``12.50000`` is 12.50) between ``min_value`` and ``max_value``, written with ASCII digits."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=2, required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)

    def validate_precision(self, value):
        try:
            if value == value.quantize(Decimal("0.01")):
                value = value.quantize(Decimal("0.01"))
        except ArithmeticError:
            self.fail("invalid")
        return super().validate_precision(value)


def _area(label):
    return MeasurementField(**bounds.LIVING_SPACE_M2.limits(), label=label)


def _length(label, bound=bounds.MIN_WALL_DISTANCE_M):
    return MeasurementField(**bound.limits(), label=label)


def _persons(bound, **kwargs):
    return StrictIntegerField(**bound.limits(), **kwargs)


class DesignCheckSerializer(StrictInputMixin, serializers.Serializer):
    """Measurements of a planned or existing cell. Unknown values are null or omitted.

    Areas in m² (0.01-10000, 2 decimal places), lengths in m (0.01-100), design capacity 1-1000 persons,
    occupancy 0-1000 persons; a single-occupancy cell has a design capacity of 1 (assumed when omitted).
    """

    accommodation_type = serializers.ChoiceField(choices=AccommodationType.choices)
    living_space_m2 = _area(_("living space (m²)"))
    design_capacity = _persons(bounds.DESIGN_CAPACITY, required=False, allow_null=True)
    occupancy = _persons(bounds.OCCUPANCY, required=False, allow_null=True)
    has_sanitary_annex = serializers.BooleanField(required=False, allow_null=True, default=None)
    sanitary_annex_partitioned = serializers.BooleanField(required=False, allow_null=True, default=None)
    min_wall_distance_m = _length(_("distance between walls (m)"))
    ceiling_height_m = _length(_("ceiling height (m)"), bounds.CEILING_HEIGHT_M)
    has_natural_light = serializers.BooleanField(required=False, allow_null=True, default=None)
    profiles = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, allow_empty=False, max_length=20
    )

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            return super().to_internal_value(data)  # refused by StrictInputMixin
        for name in ("living_space_m2", "min_wall_distance_m", "ceiling_height_m", "design_capacity", "occupancy"):
            if isinstance(data.get(name), str) and not data[name].strip():
                raise serializers.ValidationError(
                    {name: [gettext("Use null for an unknown value, not an empty string.")]}
                )
        for name in ("design_capacity", "occupancy"):
            value = data.get(name)
            if isinstance(value, bool) or (
                isinstance(value, str) and not (value.strip().isascii() and value.strip().lstrip("-").isdigit())
            ):
                raise serializers.ValidationError({name: [gettext("A valid integer is required.")]})
        for name in ("has_sanitary_annex", "sanitary_annex_partitioned", "has_natural_light"):
            value = data.get(name)
            if value is not None and not isinstance(value, bool):
                raise serializers.ValidationError({name: [gettext("Must be true, false or null.")]})
        return super().to_internal_value(data)

    def validate_profiles(self, codes):
        known = dict(StandardProfile.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise serializers.ValidationError(
                gettext("Unknown profile code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(codes))

    def validate(self, attrs):
        if attrs["accommodation_type"] == AccommodationType.SINGLE:
            capacity = attrs.get("design_capacity")
            if capacity is None:
                attrs["design_capacity"] = 1
            elif capacity != 1:
                raise serializers.ValidationError(
                    {"design_capacity": [gettext("A single-occupancy cell has a design capacity of 1.")]}
                )
        return attrs


class RuleOutcomeSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=["pass", "fail", "unknown"])
    measured = serializers.JSONField(allow_null=True)
    required = serializers.JSONField()
    operator = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    source = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)


class ProfileOutcomeSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    verified = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["compliant", "non_compliant", "unknown"])
    rules = RuleOutcomeSerializer(many=True)


class DesignCheckResultSerializer(serializers.Serializer):
    profiles = ProfileOutcomeSerializer(many=True)


class CellWriteSerializer(StrictInputMixin, serializers.Serializer):
    """A cell as a ministry editor registers or changes it. Measurements in m² and m (2 decimal places);
    capacity and occupancy in persons; unknown values null. The count (``occupancy``, ``occupancy_date``)
    only when registering (POST); a change (PATCH, PUT) of the count is ``headcount/``'s.

    A new cell is registered as a draft (``status`` draft or omitted; counted nowhere, no certified places):
    request its certification to bring it into use. The accommodation type and the sanitary annex of a
    cell on the record, and its certified capacity, change only through a certification request; ``status``
    moves between in_use and under_reconstruction only (``deactivate/``, ``reactivate/`` and certification
    set the others)."""

    block = IdRelatedField(queryset=ResidentialBlock.objects.none())
    number = serializers.CharField(max_length=20)
    accommodation_type = serializers.ChoiceField(choices=AccommodationType.choices)
    living_space_m2 = _area(_("living space (m²)"))
    design_capacity = _persons(bounds.DESIGN_CAPACITY, required=False, allow_null=True)
    occupancy = _persons(bounds.OCCUPANCY, required=False, allow_null=True)
    occupancy_date = serializers.DateField(required=False, allow_null=True)
    has_sanitary_annex = serializers.BooleanField(required=False, allow_null=True)
    sanitary_annex_partitioned = serializers.BooleanField(required=False, allow_null=True)
    min_wall_distance_m = _length(_("distance between walls (m)"))
    ceiling_height_m = _length(_("ceiling height (m)"), bounds.CEILING_HEIGHT_M)
    has_natural_light = serializers.BooleanField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Cell.Status.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["block"].queryset = ResidentialBlock.objects.visible_to(request.user).select_related("facility")

    def to_internal_value(self, data):
        """A change of a stored cell (``context["cell"]`` given: PATCH, PUT) is refused when it sends the count
        (``occupancy``, ``occupancy_date``): counts are written only by ``headcount/``
        (cells.services.update_headcount). Registering a cell (POST) may give a first count. A
        ``certified_capacity`` is never written by an edit (a certification request's), POST or PATCH."""
        if isinstance(data, dict) and "certified_capacity" in data:
            raise serializers.ValidationError({"certified_capacity": [services.by_certification_message()]})
        if self.context.get("cell") is not None and isinstance(data, dict):
            sent = [name for name in services.COUNT_FIELDS if name in data]
            if sent:
                raise serializers.ValidationError({name: [services.count_by_headcount_message()] for name in sent})
        return super().to_internal_value(data)


class DeactivationSerializer(StrictInputMixin, serializers.Serializer):
    """Taking a cell in use, holding nobody, temporarily out of use (cells.deactivation.deactivate):
    ``reason`` (``reason_text`` required for ``other``), since ``deactivated_on`` (not in the future; default
    today), ``expected_reactivation`` (not before it), and the ``work_order`` reference."""

    reason = serializers.ChoiceField(choices=CellDeactivation.Reason.choices)
    reason_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    deactivated_on = serializers.DateField(required=False, validators=DATES.validators())
    expected_reactivation = serializers.DateField(validators=DATES.validators())
    work_order = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)

    def validate(self, attrs):
        attrs.setdefault("deactivated_on", timezone.localdate())
        return attrs


class ReactivationSerializer(StrictInputMixin, serializers.Serializer):
    """Bringing a deactivated cell back into use (cells.deactivation.reactivate) on ``reactivated_on`` (not
    in the future, not before the deactivation; default today), with an optional ``note`` (kept in the
    history's reason, cut at 100 characters)."""

    reactivated_on = serializers.DateField(required=False, validators=DATES.validators())
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate(self, attrs):
        attrs.setdefault("reactivated_on", timezone.localdate())
        return attrs


class HeadcountSerializer(StrictInputMixin, serializers.Serializer):
    """Occupancy (persons) of a cell counted on ``occupancy_date``."""

    occupancy = _persons(bounds.OCCUPANCY)
    occupancy_date = serializers.DateField(validators=DATES.validators())


class NewCellSerializer(StrictInputMixin, serializers.Serializer):
    number = serializers.CharField(max_length=20, validators=[validate_name])
    living_space_m2 = _area(_("living space (m²)"))
    has_sanitary_annex = serializers.BooleanField(required=False, allow_null=True)
    sanitary_annex_partitioned = serializers.BooleanField(required=False, allow_null=True)
    min_wall_distance_m = _length(_("distance between walls (m)"))
    ceiling_height_m = _length(_("ceiling height (m)"), bounds.CEILING_HEIGHT_M)
    has_natural_light = serializers.BooleanField(required=False, allow_null=True)
    occupancy = StrictIntegerField(min_value=0, max_value=1, required=False, default=0)

    def validate_number(self, value):
        """The number in its normal form (core.validators.normalize_identifier)."""
        return normalize_identifier(value)


class CompletionSerializer(StrictInputMixin, serializers.Serializer):
    """Completion of a conversion project with the block's new single cells (max 2000)."""

    version = serializers.IntegerField(min_value=1)
    date = serializers.DateField(validators=DATES.validators())
    actual_end = serializers.DateField(validators=DATES.validators())
    budget_spent_kzt = StrictDecimalField(max_digits=16, decimal_places=2, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    is_correction = serializers.BooleanField(required=False, default=False)
    correction_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    cells = NewCellSerializer(many=True, allow_empty=False, max_length=2000)
