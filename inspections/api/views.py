"""API of the inspections app: inspections, findings and the findings' status workflow.

Every detail answers ``ETag: "<version>"``; PATCH, PUT and ``POST findings/<id>/status/`` take ``If-Match``
(core.http): a stale version answers 412 with the fields changed since, and nothing is written. Every
write's response carries the new ETag.
"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.history import HistoryMixin
from core.http import IF_MATCH, STALE_EXAMPLE, expected_version, set_etag
from core.parsers import SafeJSONParser
from facilities.permissions import MayEditActions, MayRecordInspections, MayRecordRecommendations, write_permissions
from inspections import decisions, registry, services
from inspections.filters import FindingFilter, InspectionFilter, SourceDocumentFilter
from inspections.models import Action, Finding, FindingAttachment, Inspection, SourceDocument
from inspections.views import attachment_response

from .serializers import (
    ActionSerializer,
    FindingDetailSerializer,
    FindingSerializer,
    FindingStatusSerializer,
    FindingUpdateSerializer,
    InspectionSerializer,
    JudgementSerializer,
    SourceDocumentSerializer,
)

# Fields of a mechanism's recommendation from a source document that an inspection's finding does not take
# (its mechanism, source and place follow from its inspection).
REGISTRY_ONLY = ("mechanism", "source_document", "paragraph", "scope", "region", "facility")


def _user(view):
    return getattr(getattr(view, "request", None), "user", None)


class VersionedDetailMixin:
    """``retrieve`` answers the record's ``ETag``."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return set_etag(Response(self.get_serializer(instance).data), instance.version)


class InspectionViewSet(
    HistoryMixin, VersionedDetailMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Inspections of facilities in your regions; prosecutors record and edit them. PATCH writes only the
    fields sent; ``If-Match: "<version>"`` makes it conditional (412 when stale)."""

    permission_classes = write_permissions(MayRecordInspections)
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter
    ordering_fields = ["date_start", "body", "type"]
    ordering = ["-date_start"]

    def get_queryset(self):
        return (
            Inspection.objects.visible_to(_user(self))
            .select_related("facility__region", "created_by")
            .annotate(findings_open=Count("findings", filter=Q(findings__status__in=Finding.OPEN_STATUSES)))
        )

    def _answer(self, inspection, code):
        fresh = self.get_queryset().get(pk=inspection.pk)
        return set_etag(Response(self.get_serializer(fresh).data, status=code), fresh.version)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inspection = services.save_inspection(user=request.user, data=serializer.validated_data)
        return self._answer(inspection, status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH], examples=[STALE_EXAMPLE])
    def update(self, request, *args, **kwargs):
        inspection = self.get_object()
        services.check_can_inspect(request.user, inspection.facility)  # the role before the header
        version = expected_version(request, inspection)
        serializer = self.get_serializer(inspection, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        inspection = services.save_inspection(
            user=request.user, data=serializer.validated_data, inspection=inspection, version=version
        )
        return self._answer(inspection, status.HTTP_200_OK)

    @extend_schema(parameters=[IF_MATCH], examples=[STALE_EXAMPLE])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)


class FindingViewSet(
    HistoryMixin, VersionedDetailMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The registry of recommendations you may read: prosecutors' findings of inspections and the
    recommendations of every other mechanism (national preventive mechanism, UN Subcommittee, Committee
    against Torture, Universal Periodic Review...). Prosecutors record findings of their inspections
    (``inspection``); a mechanism records its recommendations from a source document (``mechanism``,
    ``source_document``, ``scope`` with its place). The status moves through ``POST .../status/``
    (ministry editors answer, prosecutors verify, reopen or reject a prosecutor's finding), never through
    PATCH/PUT; the responsible body keeps the actions (``.../actions/``); the mechanism records judgements
    (``.../judgements/``). Writes take ``If-Match: "<version>"`` (412 when stale)."""

    permission_classes = write_permissions(MayRecordRecommendations)
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["deadline", "severity", "status"]
    ordering = ["deadline"]

    def get_queryset(self):
        return (
            Finding.objects.visible_to(_user(self))
            .select_related("inspection__facility", "rule__profile", "facility", "region", "source_document")
            .prefetch_related(
                "actions",
                "updates__author",
                Prefetch("updates__attachments", FindingAttachment.objects.defer("content")),
            )
        )

    def get_serializer_class(self):
        """A list shows the findings; one finding (and every write's answer) adds its evidence."""
        return FindingSerializer if self.action == "list" else FindingDetailSerializer

    def _answer(self, finding, code):
        fresh = self.get_queryset().get(pk=finding.pk)
        return set_etag(Response(self.get_serializer(fresh).data, status=code), fresh.version)

    @staticmethod
    def _refuse_registry_fields(data):
        sent = [name for name in REGISTRY_ONLY if name in data]
        if sent:
            raise ValidationError(
                {
                    name: [
                        _(
                            "Only a recommendation from a source document takes this field; a finding of an inspection has it from its inspection."
                        )
                    ]
                    for name in sent
                }
            )

    def create(self, request, *args, **kwargs):
        """Record a finding of an inspection (``inspection``), or a mechanism's recommendation from its
        source document (``mechanism``, ``source_document``, ``scope`` and its place), with the checks
        of the pages (inspections.services.save_finding, inspections.registry.save_recommendation)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        inspection = data.pop("inspection", None)
        if inspection is not None:
            self._refuse_registry_fields(data)
            finding = services.save_finding(user=request.user, data=data, inspection=inspection)
        else:
            finding = registry.save_recommendation(user=request.user, data=data)
        return self._answer(finding, status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH], examples=[STALE_EXAMPLE])
    def update(self, request, *args, **kwargs):
        finding = self.get_object()
        registry.check_may_edit_finding(request.user, finding)  # the role before the header
        version = expected_version(request, finding)
        serializer = self.get_serializer(finding, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        moved_to = data.pop("inspection", None)
        if finding.inspection_id is None:
            if moved_to is not None:
                raise ValidationError({"inspection": [_("A recommendation from a source document has no inspection.")]})
            finding = registry.save_recommendation(user=request.user, data=data, finding=finding, version=version)
            return self._answer(finding, status.HTTP_200_OK)
        if moved_to is not None and moved_to.pk != finding.inspection_id:
            raise ValidationError({"inspection": [_("A finding stays with its inspection; record a new finding.")]})
        self._refuse_registry_fields(data)
        finding = services.save_finding(user=request.user, data=data, finding=finding, version=version)
        return self._answer(finding, status.HTTP_200_OK)

    @extend_schema(parameters=[IF_MATCH], examples=[STALE_EXAMPLE])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(methods=["GET"], responses={200: ActionSerializer(many=True)})
    @extend_schema(methods=["POST"], request=ActionSerializer, responses={201: ActionSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="actions",
        url_name="actions",
        filter_backends=[],
        pagination_class=None,
    )
    def finding_actions(self, request, pk=None):
        """The actions of the recommendation (GET), or add one (POST: ``description``, ``owner``,
        ``due_date``, ``status``, ``completed_on``; the responsible body: editors of the region and
        administrators, for a national recommendation users with the national scope). The answer's ETag
        is the new action's version."""
        finding = self.get_object()
        if request.method == "GET":
            return Response(ActionSerializer(finding.actions.all(), many=True).data)
        decisions.check_may_edit_actions(request.user, finding)
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = registry.save_action(user=request.user, data=dict(serializer.validated_data), finding=finding)
        return set_etag(Response(ActionSerializer(saved).data, status=status.HTTP_201_CREATED), saved.version)

    @extend_schema(methods=["GET"], responses={200: JudgementSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=JudgementSerializer,
        responses={201: JudgementSerializer},
        parameters=[IF_MATCH],
        examples=[STALE_EXAMPLE],
    )
    @action(detail=True, methods=["get", "post"], url_path="judgements", filter_backends=[], pagination_class=None)
    def judgements(self, request, pk=None):
        """The judgements of the recommendation's implementation (GET, by follow-up date), or record one
        (POST: ``judgement``, ``follow_up_date``, ``note``; only the mechanism that made it, in its scope).
        The recommendation's ``judgement`` and ``judged_on`` follow the latest; ``If-Match`` names the
        recommendation's version (412 when stale) and the answer's ETag is its new version."""
        finding = self.get_object()
        if request.method == "GET":
            rows = finding.judgements.select_related("author").order_by("follow_up_date", "created_at", "id")
            return Response(JudgementSerializer(rows, many=True).data)
        decisions.check_may_judge(request.user, finding)  # the role before the header
        version = expected_version(request, finding)
        serializer = JudgementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        judgement = registry.record_judgement(
            user=request.user,
            finding=finding,
            judgement=data["judgement"],
            follow_up_date=data["follow_up_date"],
            note=data.get("note", ""),
            version=version,
        )
        finding.refresh_from_db(fields=["version"])
        response = Response(JudgementSerializer(judgement).data, status=status.HTTP_201_CREATED)
        return set_etag(response, finding.version)

    @extend_schema(
        request=FindingStatusSerializer,
        responses={201: FindingUpdateSerializer},
        parameters=[IF_MATCH],
        examples=[STALE_EXAMPLE],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="status",
        filter_backends=[],
        pagination_class=None,
        parser_classes=[SafeJSONParser, MultiPartParser],
    )
    def change_status(self, request, pk=None):
        """Move the finding to another status with a response (logged in its updates), as JSON or as
        multipart with ``attachments`` (JPEG, PNG, PDF; photos stored without their metadata). A move to
        the status the finding already has (a concurrent duplicate) answers 409 and writes nothing.
        ``status: verified`` while the cited rule still fails for the cited cell or block answers 400
        ``{"status": [reason naming the rule, the measured value and the evaluation]}`` unless
        ``override_reason`` is given (recorded). The response's ETag is the finding's new version."""
        finding = self.get_object()
        decisions.check_may_change_finding(request.user, finding)  # the role before the header
        version = expected_version(request, finding)
        serializer = FindingStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.change_finding_status(
            user=request.user, finding=finding, version=version, **serializer.validated_data
        )
        response = Response(FindingUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
        return set_etag(response, update.finding.version)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]{1,18})",
        url_name="attachment",
        filter_backends=[],
        pagination_class=None,
    )
    def attachment(self, request, pk=None, attachment_pk=None):
        """An attachment's bytes (``Content-Type``: its sniffed type), for users who may see the finding
        (others: 404)."""
        finding = self.get_object()
        attachment = get_object_or_404(FindingAttachment, finding=finding, pk=attachment_pk)
        return attachment_response(attachment)


class SourceDocumentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The source documents of the mechanisms' recommendations (visit reports, the UN Subcommittee's report,
    concluding observations, UPR reports): every portal role reads them; whoever records a mechanism's
    recommendations records its documents (inspections.registry.save_source_document)."""

    permission_classes = write_permissions(MayRecordRecommendations)
    serializer_class = SourceDocumentSerializer
    filterset_class = SourceDocumentFilter
    queryset = SourceDocument.objects.all()
    ordering_fields = ["date", "reference"]
    ordering = ["-date"]

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return set_etag(Response(self.get_serializer(instance).data), instance.version)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = registry.save_source_document(user=request.user, data=dict(serializer.validated_data))
        answer = Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)
        return set_etag(answer, document.version)


class ActionViewSet(HistoryMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """One action of a recommendation you may read; the responsible body changes it (PUT, PATCH: only the
    fields sent; ``If-Match: "<version>"``, 412 when stale; inspections.registry.save_action)."""

    permission_classes = write_permissions(MayEditActions)
    serializer_class = ActionSerializer
    filter_backends: list = []

    def get_queryset(self):
        visible = Finding.objects.visible_to(_user(self))
        return Action.objects.filter(finding__in=visible).select_related("finding")

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return set_etag(Response(self.get_serializer(instance).data), instance.version)

    @extend_schema(parameters=[IF_MATCH], examples=[STALE_EXAMPLE])
    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        decisions.check_may_edit_actions(request.user, instance.finding)  # the role before the header
        version = expected_version(request, instance)
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        saved = registry.save_action(
            user=request.user, data=dict(serializer.validated_data), action=instance, version=version
        )
        return set_etag(Response(self.get_serializer(saved).data), saved.version)

    @extend_schema(parameters=[IF_MATCH], examples=[STALE_EXAMPLE])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)
