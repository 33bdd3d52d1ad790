"""API of the cells app: cells (read, register, change, headcounts), standards, the design check, and the
completion of a conversion project (which registers the block's new cells)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from cells import deactivation, services
from cells.compliance.design_check import evaluate_measurements
from cells.filters import CellFilter, StandardProfileFilter
from cells.models import Cell, CellDeactivation, StandardProfile
from cells.selectors import cells_with_results
from core.history import HistoryMixin
from core.http import IF_MATCH, expected_version, set_etag, with_if_match_version
from core.parsers import SafeJSONParser
from facilities.models import ConversionProject
from facilities.permissions import MayEditCells, MayEditProjects, ReadOnlyWrites, write_permissions

from .movements import CompletionAnswerSerializer, CompletionWithPlanSerializer
from .serializers import (
    CellSerializer,
    CellWriteSerializer,
    DeactivationSerializer,
    DesignCheckResultSerializer,
    DesignCheckSerializer,
    HeadcountSerializer,
    ReactivationSerializer,
    StandardProfileSerializer,
)


class CellViewSet(HistoryMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rooms and cells of your regions with their measurements, certified capacity and compliance under each
    active profile. Ministry editors register (POST: a draft, counted nowhere until its certification request
    is approved) and change (PUT/PATCH) cells of their regions; headcounts go through
    ``PATCH .../headcount/``; ``POST .../deactivate/`` and ``.../reactivate/`` take a cell temporarily out of
    use and bring it back."""

    permission_classes = write_permissions(MayEditCells)
    serializer_class = CellSerializer
    filterset_class = CellFilter
    ordering_fields = ["number", "living_space_m2", "occupancy", "design_capacity"]
    ordering = ["block_id", "number"]

    def get_queryset(self):
        open_ = CellDeactivation.objects.filter(reactivated_on__isnull=True).select_related("deactivated_by")
        cells = Cell.objects.visible_to(self.request.user).select_related("block__facility")
        return cells_with_results(
            cells.prefetch_related(Prefetch("deactivations", open_, to_attr="open_deactivations"))
        )

    def retrieve(self, request, *args, **kwargs):
        """A cell, with ``ETag: "<version>"`` (send it back as If-Match to write only over that version)."""
        response = super().retrieve(request, *args, **kwargs)
        return set_etag(response, response.data["version"])

    def _answer(self, request, pk, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=pk)
        return set_etag(Response(CellSerializer(fresh, context={"request": request}).data, status=code), fresh.version)

    def _write(self, request, cell=None, partial=False):
        # The role first (issue 16 item 8), then If-Match (item 2), then the body.
        services.check_can_edit_cells(request.user, cell)
        version = expected_version(request, cell) if cell is not None else None
        serializer = CellWriteSerializer(data=request.data, partial=partial, context={"request": request, "cell": cell})
        serializer.is_valid(raise_exception=True)
        saved = services.save_cell(
            user=request.user, data=serializer.validated_data, cell=cell, expected_version=version
        )
        return self._answer(request, saved.pk, status.HTTP_200_OK if cell is not None else status.HTTP_201_CREATED)

    @extend_schema(
        request=CellWriteSerializer,
        responses={201: CellSerializer},
        description="Register a cell: it is registered as a draft (status draft, no certified capacity), counted "
        "nowhere until a certification request brings it into use; request its certification. A status other "
        "than draft answers 400.",
    )
    def create(self, request, *args, **kwargs):
        return self._write(request)

    @extend_schema(
        request=CellWriteSerializer,
        responses={200: CellSerializer},
        parameters=[IF_MATCH],
        description="Change a cell: only the fields sent are written (a PUT too), each compared with the stored "
        "row under its lock. With If-Match, a cell at another version answers 412 with the fields changed since, "
        "and nothing is written. The answer carries the new ETag.",
    )
    def update(self, request, *args, **kwargs):
        return self._write(request, self.get_object(), partial=kwargs.get("partial", False))

    @extend_schema(
        request=CellWriteSerializer,
        responses={200: CellSerializer},
        parameters=[IF_MATCH],
        description="Change some fields of a cell: only the fields sent are written. With If-Match, a cell at "
        "another version answers 412 with the fields changed since, and nothing is written. The answer carries "
        "the new ETag.",
    )
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(request=HeadcountSerializer, responses={200: CellSerializer}, parameters=[IF_MATCH])
    @action(detail=True, methods=["patch"], filter_backends=[], pagination_class=None)
    def headcount(self, request, pk=None):
        """Record the occupancy (persons) counted on a date: ministry editors, administrators, and API
        tokens with the headcount write scope for the region. Only the count and its date are written; with
        If-Match, a cell at another version answers 412 and nothing is written. The answer carries the new
        ETag."""
        cell = self.get_object()
        services.check_can_write_headcount(request.user, cell.block.facility.region_id)
        version = expected_version(request, cell)
        serializer = HeadcountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.update_headcount(user=request.user, cell=cell, expected_version=version, **serializer.validated_data)
        return self._answer(request, cell.pk)

    @extend_schema(
        request=DeactivationSerializer,
        responses={200: CellSerializer},
        parameters=[IF_MATCH],
        description="Take a cell temporarily out of use (ministry editors of the region, administrators): only a "
        "cell in use that holds nobody (move its persons out first: a movement); reason (reason_text for "
        "other), deactivated_on (not in the future, default today), expected_reactivation (not before it), "
        "work_order. The cell keeps its certified places and has no operational ones. With If-Match, a cell at "
        "another version answers 412 and nothing is written. The answer carries the new ETag.",
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def deactivate(self, request, pk=None):
        cell = self.get_object()
        deactivation.check_can_deactivate(request.user, cell)
        version = expected_version(request, cell)
        serializer = DeactivationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deactivation.deactivate(user=request.user, cell=cell, expected_version=version, **serializer.validated_data)
        return self._answer(request, cell.pk)

    @extend_schema(
        request=ReactivationSerializer,
        responses={200: CellSerializer},
        parameters=[IF_MATCH],
        description="Bring a temporarily deactivated cell back into use on reactivated_on (not in the future, not "
        "before its deactivation; default today), with an optional note: its open deactivation is closed and "
        "its operational places come back. With If-Match, a cell at another version answers 412 and nothing "
        "is written. The answer carries the new ETag.",
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reactivate(self, request, pk=None):
        cell = self.get_object()
        deactivation.check_can_deactivate(request.user, cell)
        version = expected_version(request, cell)
        serializer = ReactivationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deactivation.reactivate(user=request.user, cell=cell, expected_version=version, **serializer.validated_data)
        return self._answer(request, cell.pk)


class ConversionCompleteView(APIView):
    """Complete a conversion project through certification, in one transaction: its last update (100 %),
    the block's new single cells registered as drafts (not in use, counted nowhere) and a pending
    certification request (kind ``conversion``) to bring them into use and decommission the block's rooms,
    with the confirmed ``movement_plan`` (ask for it with ``POST .../complete/plan/``, which writes
    nothing). Nothing moves and no room changes until a certification reviewer approves the request.
    ``version`` in the body or ``If-Match: "<version>"``: a stale one answers 409 (412 with If-Match). A
    project already completed (by a concurrent or an earlier request) answers 409 naming when and by whom;
    a room already on another pending request, 409. The answer (the project, with
    ``certification_request``) carries the project's new ETag."""

    permission_classes = write_permissions(MayEditProjects)
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=CompletionWithPlanSerializer, responses={201: CompletionAnswerSerializer}, parameters=[IF_MATCH]
    )
    def post(self, request, pk):
        project = get_object_or_404(
            ConversionProject.objects.visible_to(request.user).select_related("block__facility"), pk=pk
        )
        services.check_can_complete(request.user, project)  # the role, then "already completed" (409)
        data = with_if_match_version(request, project)
        serializer = CompletionWithPlanSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        opened = services.complete_conversion(user=request.user, project=project, **serializer.validated_data)
        project.refresh_from_db()
        answer = CompletionAnswerSerializer(project, context={"certification_request": opened})
        return set_etag(Response(answer.data, status=status.HTTP_201_CREATED), project.version)


class StandardProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """Standard profiles and their rules, with sources and whether the figures are verified."""

    queryset = StandardProfile.objects.prefetch_related("rules")
    serializer_class = StandardProfileSerializer
    filterset_class = StandardProfileFilter
    ordering_fields = ["code", "position"]
    ordering = ["position", "code"]


class DesignCheckView(APIView):
    """Evaluate the measurements of a planned or existing cell against the standards, before building.

    Accepts a JSON object only (other content types: 415).
    """

    permission_classes = write_permissions(ReadOnlyWrites)
    parser_classes = [SafeJSONParser]

    @extend_schema(request=DesignCheckSerializer, responses={200: DesignCheckResultSerializer})
    def post(self, request):
        serializer = DesignCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        codes = data.pop("profiles", None)
        profiles = StandardProfile.objects.all()
        profiles = list(profiles.filter(code__in=codes) if codes else profiles.filter(is_active=True))
        if not profiles:
            return Response({"profiles": [_("No standard profile is active.")]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"profiles": evaluate_measurements(data, profiles)})
