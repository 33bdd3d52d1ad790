"""API of the facilities app: regions, residential blocks, conversion projects and their progress."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response

from core.history import HistoryMixin
from core.http import IF_MATCH, STALE_EXAMPLE, expected_version, set_etag, with_if_match_version
from facilities import services
from facilities.filters import ConversionProjectFilter, RegionFilter, ResidentialBlockFilter
from facilities.models import ConversionProject, Region, ResidentialBlock
from facilities.permissions import MayEditProjects, write_permissions

from .serializers import (
    ConversionProjectSerializer,
    ProgressInputSerializer,
    ProgressUpdateSerializer,
    ProjectEditSerializer,
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

    def retrieve(self, request, *args, **kwargs):
        """A block, with ``ETag: "<version>"`` (blocks are edited in the admin, which checks it)."""
        block = self.get_object()
        return set_etag(Response(self.get_serializer(block).data), block.version)


class ConversionProjectViewSet(HistoryMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Conversion projects from dormitory rooms to single cells, one per block, in your regions.

    Detail responses carry ``ETag: "<version>"``; send it back as ``If-Match`` with a PATCH of the planned
    figures or a progress update (or ``version`` in the progress body): a stale version gives 412
    (If-Match) or 409 (body), and nothing is written. Every write's response carries the new ETag.
    """

    permission_classes = write_permissions(MayEditProjects)
    serializer_class = ConversionProjectSerializer
    filterset_class = ConversionProjectFilter
    ordering_fields = ["status", "percent_complete", "planned_end", "budget_planned_kzt"]
    ordering = ["block__facility__code", "block__name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return ConversionProject.objects.visible_to(self.request.user).select_related("block__facility__region")

    def retrieve(self, request, *args, **kwargs):
        project = self.get_object()
        return set_etag(Response(self.get_serializer(project).data), project.version)

    @extend_schema(
        request=ProjectEditSerializer,
        responses={200: ConversionProjectSerializer},
        parameters=[IF_MATCH],
        examples=[STALE_EXAMPLE],
    )
    def partial_update(self, request, *args, **kwargs):
        """Change the planned figures (planned start and end, planned budget in KZT, contractor, roadmap
        phase, target cells and places): ministry editors of the region and administrators. Only the
        fields sent are written; status, percent and spend are the progress updates'."""
        project = self.get_object()
        services.check_can_edit_project(request.user, project)  # the role before the header
        version = expected_version(request, project)
        serializer = ProjectEditSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        project, _changed = services.update_project(
            user=request.user, project=project, data=serializer.validated_data, version=version
        )
        fresh = self.get_queryset().get(pk=project.pk)
        return set_etag(Response(ConversionProjectSerializer(fresh).data), fresh.version)

    @extend_schema(
        request=ProgressInputSerializer,
        responses={201: ConversionProjectSerializer},
        parameters=[IF_MATCH],
        examples=[STALE_EXAMPLE],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def progress(self, request, pk=None):
        """Append a progress update (status, percent, spend in KZT) and apply it to the project."""
        project = self.get_object()
        services.check_can_edit_project(request.user, project)  # the role before the header
        data = with_if_match_version(request, project)
        serializer = ProgressInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        services.record_progress(project=project, user=request.user, **serializer.validated_data)
        response = Response(ConversionProjectSerializer(project).data, status=http.HTTP_201_CREATED)
        return set_etag(response, project.version)

    @extend_schema(responses={200: ProgressUpdateSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def updates(self, request, pk=None):
        """The project's progress log, oldest first."""
        project = self.get_object()
        return Response(
            ProgressUpdateSerializer(project.updates.select_related("author").order_by("date", "id"), many=True).data
        )
