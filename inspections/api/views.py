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
from facilities.permissions import MayRecordInspections, write_permissions
from inspections import decisions, services
from inspections.filters import FindingFilter, InspectionFilter
from inspections.models import Finding, FindingAttachment, Inspection
from inspections.views import attachment_response

from .serializers import (
    FindingDetailSerializer,
    FindingSerializer,
    FindingStatusSerializer,
    FindingUpdateSerializer,
    InspectionSerializer,
)


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
    """Findings of inspections in your regions. Prosecutors record them; the status moves through
    ``POST .../status/`` (ministry editors answer, prosecutors verify, reopen or reject), never through
    PATCH/PUT. Writes take ``If-Match: "<version>"`` (412 when stale)."""

    permission_classes = write_permissions(MayRecordInspections)
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["deadline", "severity", "status"]
    ordering = ["deadline"]

    def get_queryset(self):
        return (
            Finding.objects.visible_to(_user(self))
            .select_related("inspection__facility", "rule__profile")
            .prefetch_related(
                "updates__author", Prefetch("updates__attachments", FindingAttachment.objects.defer("content"))
            )
        )

    def get_serializer_class(self):
        """A list shows the findings; one finding (and every write's answer) adds its evidence."""
        return FindingSerializer if self.action == "list" else FindingDetailSerializer

    def _answer(self, finding, code):
        fresh = self.get_queryset().get(pk=finding.pk)
        return set_etag(Response(self.get_serializer(fresh).data, status=code), fresh.version)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        inspection = data.pop("inspection")
        finding = services.save_finding(user=request.user, data=data, inspection=inspection)
        return self._answer(finding, status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH], examples=[STALE_EXAMPLE])
    def update(self, request, *args, **kwargs):
        finding = self.get_object()
        services.check_can_inspect(request.user, finding.inspection.facility)  # the role before the header
        version = expected_version(request, finding)
        serializer = self.get_serializer(finding, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        moved_to = data.pop("inspection", None)
        if moved_to is not None and moved_to.pk != finding.inspection_id:
            raise ValidationError({"inspection": [_("A finding stays with its inspection; record a new finding.")]})
        finding = services.save_finding(user=request.user, data=data, finding=finding, version=version)
        return self._answer(finding, status.HTTP_200_OK)

    @extend_schema(parameters=[IF_MATCH], examples=[STALE_EXAMPLE])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

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
