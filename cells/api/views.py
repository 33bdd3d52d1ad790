"""API of the cells app: cells, standards, and the design check."""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from cells.compliance.engine import evaluate_measurements
from core.parsers import SafeJSONParser
from cells.filters import CellFilter, StandardProfileFilter
from cells.models import Cell, ComplianceResult, StandardProfile

from .serializers import (CellSerializer, DesignCheckResultSerializer, DesignCheckSerializer,
                          StandardProfileSerializer)


class CellViewSet(viewsets.ReadOnlyModelViewSet):
    """Rooms and cells with their measurements and their compliance under each active profile."""

    serializer_class = CellSerializer
    filterset_class = CellFilter
    ordering_fields = ["number", "living_space_m2", "occupancy", "design_capacity"]
    ordering = ["block_id", "number"]

    def get_queryset(self):
        active = ComplianceResult.objects.filter(profile__is_active=True).select_related("profile")
        return Cell.objects.select_related("block__facility").prefetch_related(
            Prefetch("compliance_results", queryset=active.order_by("profile__position"), to_attr="active_results"))


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
            return Response({"profiles": ["No standard profile is active."]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"profiles": evaluate_measurements(data, profiles)})
