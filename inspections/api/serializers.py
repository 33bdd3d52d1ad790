"""Serializers of the inspections app."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from cells.models import Cell, StandardRule
from core.serializers import IdRelatedField, StrictInputMixin, StrictModelInput
from facilities.mechanisms import Mechanism
from facilities.models import Facility, Region, ResidentialBlock
from inspections.attachments import MAX_FILES
from inspections.evidence import finding_evidence
from inspections.models import Action, Finding, FindingAttachment, FindingUpdate, Inspection, Judgement, SourceDocument


class _ScopedRelated(IdRelatedField):
    """A related id limited to the rows the requesting user may see (others: 'does not exist')."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().visible_to(request.user if request else None)


class InspectionSerializer(StrictModelInput, serializers.ModelSerializer):
    facility = _ScopedRelated(queryset=Facility.objects.all())
    facility_id = serializers.IntegerField(read_only=True)
    facility_code = serializers.CharField(source="facility.code", read_only=True)
    region = serializers.CharField(source="facility.region.code", read_only=True)
    region_id = serializers.IntegerField(source="facility.region_id", read_only=True)
    region_code = serializers.CharField(source="facility.region.code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    findings_open = serializers.IntegerField(read_only=True, default=None)
    announced = serializers.BooleanField(
        read_only=True, help_text=gettext_lazy("Derived from the type: false for an unannounced inspection, else true.")
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "facility",
            "facility_id",
            "facility_code",
            "region",
            "region_id",
            "region_code",
            "date_start",
            "date_end",
            "body",
            "type",
            "announced",
            "lead_inspector",
            "summary",
            "summary_ru",
            "summary_kk",
            "created_by",
            "is_demo",
            "findings_open",
            "version",
        ]
        read_only_fields = ["summary_ru", "summary_kk", "is_demo", "version"]

    def read_only_reason(self, name: str) -> str:
        if name == "announced":
            return _(
                'Read-only: whether an inspection was announced follows from its type (send "type": '
                '"unannounced" for an unannounced visit).'
            )
        return super().read_only_reason(name)


class RuleSummarySerializer(serializers.ModelSerializer):
    profile = serializers.CharField(source="profile.code")
    verified = serializers.BooleanField(source="profile.verified")

    class Meta:
        model = StandardRule
        fields = ["code", "profile", "summary", "source", "verified"]


class FindingAttachmentSerializer(serializers.ModelSerializer):
    """An attachment of a response; ``url``: where users who may see the finding download it."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = FindingAttachment
        fields = ["id", "name", "content_type", "size", "public", "url"]

    def get_url(self, obj) -> str:
        return reverse("api:finding-attachment", kwargs={"pk": obj.finding_id, "attachment_pk": obj.pk})


class FindingUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    attachments = FindingAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = FindingUpdate
        fields = ["status", "action", "response", "override_reason", "author", "created_at", "attachments"]


class SourceDocumentSerializer(StrictModelInput, serializers.ModelSerializer):
    """A mechanism's source document: body (``mechanism``), ``reference`` (its symbol or number, unique per
    mechanism), ``date``, titles in en/ru/kk and the ``url`` of the published document."""

    class Meta:
        model = SourceDocument
        fields = ["id", "mechanism", "reference", "date", "title", "title_ru", "title_kk", "url", "is_demo", "version"]
        read_only_fields = ["is_demo", "version"]


class ActionSerializer(StrictModelInput, serializers.ModelSerializer):
    """An action of a recommendation: what (en/ru/kk), its ``owner`` (a unit or post), ``due_date``,
    ``status`` and ``completed_on``; ``overdue``: past its due date and neither done nor cancelled."""

    finding = serializers.IntegerField(source="finding_id", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "finding",
            "description",
            "description_ru",
            "description_kk",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "overdue",
            "is_demo",
            "version",
        ]
        read_only_fields = ["is_demo", "version"]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class JudgementSerializer(StrictModelInput, serializers.ModelSerializer):
    """A judgement of a recommendation's implementation by the mechanism that made it, at the follow-up
    of ``follow_up_date``: achieved, partially_achieved, not_achieved, no_longer_applicable."""

    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    follow_up_date = serializers.DateField()

    class Meta:
        model = Judgement
        fields = ["id", "mechanism", "judgement", "follow_up_date", "note", "author", "created_at"]
        read_only_fields = ["mechanism", "author", "created_at"]

    def read_only_reason(self, name: str) -> str:
        if name == "mechanism":
            return _("Read-only: a judgement is the recommendation's own mechanism's.")
        return super().read_only_reason(name)


class FindingSerializer(StrictModelInput, serializers.ModelSerializer):
    """A recommendation of the registry: an inspection's finding (``inspection``), or a mechanism's
    recommendation from its ``source_document`` (with ``mechanism``, ``paragraph``, ``scope`` and the
    ``region_id``, ``facility_id``, ``block`` or ``cell`` the scope needs). ``region`` and ``facility``
    are codes (null above their scope); ``actions`` (read-only: written through
    ``findings/<id>/actions/``), ``judgement`` and ``judged_on`` (read-only: ``findings/<id>/judgements/``),
    ``overdue`` (per action)."""

    inspection = _ScopedRelated(queryset=Inspection.objects.all(), required=False, allow_null=True)
    source_document = IdRelatedField(queryset=SourceDocument.objects.all(), required=False, allow_null=True)
    mechanism = serializers.ChoiceField(choices=Mechanism.choices, required=False)
    scope = serializers.ChoiceField(choices=Finding.Scope.choices, required=False)
    judgement = serializers.ChoiceField(
        choices=Finding.Judgement.choices,
        allow_blank=True,
        read_only=True,
        help_text=gettext_lazy("The latest judgement of implementation; empty: not judged yet."),
    )
    block = _ScopedRelated(queryset=ResidentialBlock.objects.all(), required=False, allow_null=True)
    cell = _ScopedRelated(queryset=Cell.objects.all(), required=False, allow_null=True)
    rule = serializers.SlugRelatedField(
        slug_field="code", queryset=StandardRule.objects.all(), required=False, allow_null=True
    )
    rule_detail = RuleSummarySerializer(source="rule", read_only=True, allow_null=True)
    region = serializers.CharField(source="region.code", read_only=True, allow_null=True, default=None)
    region_id = IdRelatedField(source="region", queryset=Region.objects.all(), required=False, allow_null=True)
    facility = serializers.CharField(source="facility.code", read_only=True, allow_null=True, default=None)
    facility_id = _ScopedRelated(source="facility", queryset=Facility.objects.all(), required=False, allow_null=True)
    facility_code = serializers.CharField(source="facility.code", read_only=True, allow_null=True, default=None)
    source_label = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    actions = ActionSerializer(many=True, read_only=True)
    updates = FindingUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "mechanism",
            "inspection",
            "source_document",
            "paragraph",
            "source_label",
            "scope",
            "region",
            "region_id",
            "facility",
            "facility_id",
            "facility_code",
            "block",
            "cell",
            "rule",
            "rule_detail",
            "responsible_body",
            "severity",
            "description",
            "description_ru",
            "description_kk",
            "recommendation",
            "recommendation_ru",
            "recommendation_kk",
            "deadline",
            "status",
            "judgement",
            "judged_on",
            "is_overdue",
            "overdue",
            "overdue_since",
            "actions",
            "is_demo",
            "updates",
            "version",
        ]
        read_only_fields = ["status", "judged_on", "overdue_since", "is_demo", "version"]

    def read_only_reason(self, name: str) -> str:
        if name == "status":
            return _("Read-only: the status moves through POST /api/v1/findings/<id>/status/.")
        if name == "overdue_since":
            return _("Read-only: set by the daily overdue check.")
        if name in ("judgement", "judged_on"):
            return _("Read-only: the mechanism records judgements through POST /api/v1/findings/<id>/judgements/.")
        if name == "actions":
            return _("Read-only: actions are written through /api/v1/findings/<id>/actions/ and /api/v1/actions/<id>/.")
        return super().read_only_reason(name)

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_overdue(self, obj) -> bool:
        """Still open with its deadline passed or an action overdue (per action; Finding.is_overdue)."""
        return obj.is_overdue()


class FindingDetailSerializer(FindingSerializer):
    """A finding with ``evidence`` (inspections.evidence.Evidence.as_dict): its cell's or block's current
    figures and its rule's current outcome there, with the measured value and the date of the
    evaluation; null when it cites neither a cell nor a block."""

    evidence = serializers.SerializerMethodField()

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "evidence"]

    def get_evidence(self, obj) -> dict | None:
        evidence = finding_evidence(obj)
        return evidence.as_dict() if evidence is not None else None


class FindingStatusSerializer(StrictInputMixin, serializers.Serializer):
    """A move (JSON, or multipart with ``attachments``: files of the response, JPEG, PNG or PDF).
    ``override_reason``: why a verification goes on although the cited rule still fails."""

    status = serializers.ChoiceField(choices=Finding.Status.choices)
    response = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list, max_length=MAX_FILES
    )
    attachments_public = serializers.BooleanField(required=False, default=False)
