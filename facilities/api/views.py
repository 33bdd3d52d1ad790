"""Read-only API of the facilities app: regions, residential blocks, conversion projects."""
from rest_framework import viewsets

from facilities.filters import ConversionProjectFilter, RegionFilter, ResidentialBlockFilter
from facilities.models import ConversionProject, Region, ResidentialBlock

from .serializers import ConversionProjectSerializer, RegionSerializer, ResidentialBlockSerializer


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 20 regions of Kazakhstan (ISO 3166-2:KZ)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "name_en"]
    ordering = ["code"]


class ResidentialBlockViewSet(viewsets.ReadOnlyModelViewSet):
    """Residential blocks of the facilities."""

    queryset = ResidentialBlock.objects.select_related("facility")
    serializer_class = ResidentialBlockSerializer
    filterset_class = ResidentialBlockFilter
    ordering_fields = ["name", "year_built", "facility__code"]
    ordering = ["facility__code", "name"]


class ConversionProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Conversion projects from dormitory rooms to single cells, one per block."""

    queryset = ConversionProject.objects.select_related("block__facility__region")
    serializer_class = ConversionProjectSerializer
    filterset_class = ConversionProjectFilter
    ordering_fields = ["status", "percent_complete", "planned_end", "budget_planned_kzt"]
    ordering = ["block__facility__code", "block__name"]
