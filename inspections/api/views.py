"""API of the inspections app: inspections, findings and the findings' status workflow."""

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.history import HistoryMixin
from facilities.permissions import MayRecordInspections, write_permissions
from inspections import services
from inspections.filters import FindingFilter, InspectionFilter
from inspections.models import Finding, Inspection

from .serializers import FindingSerializer, FindingStatusSerializer, FindingUpdateSerializer, InspectionSerializer


def _user(view):
    return getattr(getattr(view, "request", None), "user", None)


class InspectionViewSet(HistoryMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections of facilities in your regions; prosecutors record and edit them."""

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

    def perform_create(self, serializer):
        serializer.instance = services.save_inspection(user=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.save_inspection(
            user=self.request.user, data=serializer.validated_data, inspection=serializer.instance
        )


class FindingViewSet(HistoryMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Findings of inspections in your regions. Prosecutors record them; the status moves through
    ``POST .../status/`` (ministry editors answer, prosecutors verify, reopen or reject)."""

    permission_classes = write_permissions(MayRecordInspections)
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["deadline", "severity", "status"]
    ordering = ["deadline"]

    def get_queryset(self):
        return (
            Finding.objects.visible_to(_user(self))
            .select_related("inspection__facility", "rule__profile")
            .prefetch_related("updates__author")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        inspection = data.pop("inspection")
        serializer.instance = services.save_finding(user=self.request.user, data=data, inspection=inspection)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("inspection", None)
        serializer.instance = services.save_finding(user=self.request.user, data=data, finding=serializer.instance)

    @extend_schema(request=FindingStatusSerializer, responses={201: FindingUpdateSerializer})
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[], pagination_class=None)
    def change_status(self, request, pk=None):
        """Move the finding to another status with a response (logged in its updates)."""
        finding = self.get_object()
        serializer = FindingStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.change_finding_status(user=request.user, finding=finding, **serializer.validated_data)
        return Response(FindingUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
