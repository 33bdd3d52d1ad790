"""API of the facilities app: regions, residential blocks, conversion projects and their progress."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.history import HistoryMixin
from core.http import with_if_match_version
from facilities import services
from facilities.filters import ConversionProjectFilter, RegionFilter, ResidentialBlockFilter
from facilities.models import ConversionProject, Region, ResidentialBlock
from facilities.permissions import MayEditProjects, write_permissions

from .serializers import (
    ConversionProjectSerializer,
    ProgressInputSerializer,
    ProgressUpdateSerializer,
    RegionSerializer,
    ResidentialBlockSerializer,
)


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 20 regions of Kazakhstan (ISO 3166-2:KZ)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "name_en"]
    ordering = ["code"]


class ResidentialBlockViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Residential blocks of the facilities in your regions."""

    serializer_class = ResidentialBlockSerializer
    filterset_class = ResidentialBlockFilter
    ordering_fields = ["name", "year_built", "facility__code"]
    ordering = ["facility__code", "name"]

    def get_queryset(self):
        return ResidentialBlock.objects.visible_to(self.request.user).select_related("facility")


class ConversionProjectViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Conversion projects from dormitory rooms to single cells, one per block, in your regions.

    Detail responses carry ``ETag: "<version>"``; send it back as ``If-Match`` (or ``version`` in the
    body) with a progress update: a stale version gives 412 (If-Match) or 409 (body).
    """

    permission_classes = write_permissions(MayEditProjects)
    serializer_class = ConversionProjectSerializer
    filterset_class = ConversionProjectFilter
    ordering_fields = ["status", "percent_complete", "planned_end", "budget_planned_kzt"]
    ordering = ["block__facility__code", "block__name"]

    def get_queryset(self):
        return ConversionProject.objects.visible_to(self.request.user).select_related("block__facility__region")

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    @extend_schema(
        request=ProgressInputSerializer,
        responses={201: ConversionProjectSerializer},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def progress(self, request, pk=None):
        """Append a progress update (status, percent, spend in KZT) and apply it to the project."""
        project = self.get_object()
        data, refusal = with_if_match_version(request, project.version)
        if refusal:
            return refusal
        serializer = ProgressInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        services.record_progress(project=project, user=request.user, **serializer.validated_data)
        response = Response(ConversionProjectSerializer(project).data, status=http.HTTP_201_CREATED)
        response["ETag"] = f'"{project.version}"'
        return response

    @extend_schema(responses={200: ProgressUpdateSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def updates(self, request, pk=None):
        """The project's progress log, oldest first."""
        project = self.get_object()
        return Response(
            ProgressUpdateSerializer(project.updates.select_related("author").order_by("date", "id"), many=True).data
        )
