"""API of reporting: facilities with their figures (persons, places, compliance) and the summary."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.history import HistoryMixin
from facilities import scoping
from facilities.models import Facility
from facilities.regions import find_region, unknown_region_message

from .. import selectors
from ..filters import FacilityComplianceFilter
from .serializers import FacilityFiguresSerializer


class FacilityViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Facilities with persons, places and compliance under ``?profile=`` (default KZ-ROADMAP)."""

    serializer_class = FacilityFiguresSerializer
    filterset_class = FacilityComplianceFilter
    ordering_fields = ["code", "design_capacity", "population", "year_built", "region__code", "persons", "places"]
    ordering = ["region__code", "code"]

    def _profile(self):
        filterset = FacilityComplianceFilter(
            self.request.query_params, queryset=Facility.objects.none(), request=self.request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.selected_profile()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no database reads
            return Facility.objects.none()
        profile = self._profile() if getattr(self, "request", None) else None
        user = getattr(getattr(self, "request", None), "user", None)
        return selectors.facilities_with_figures(Facility.objects.visible_to(user), profile)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None and not getattr(self, "swagger_fake_view", False):
            context["profile"] = self._profile()
        return context


_ComplianceRow = inline_serializer(
    "ProfileCompliance",
    fields={
        "profile": serializers.CharField(),
        "title": serializers.CharField(),
        "verified": serializers.BooleanField(),
        "persons_compliant": serializers.IntegerField(),
        "share_compliant": serializers.FloatField(allow_null=True),
        "cells_compliant": serializers.IntegerField(),
        "cells_non_compliant": serializers.IntegerField(),
        "cells_unknown": serializers.IntegerField(),
    },
    many=True,
)


class SummaryView(APIView):
    """The dashboard's figures as JSON, for the nation or ``?region=KZ-35``; a user with regions of
    responsibility gets the figures of those regions (another region: 404)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, description=gettext_lazy("ISO 3166-2 code, e.g. KZ-35"))
        ],
        responses={
            200: inline_serializer(
                "Summary",
                fields={
                    "region": serializers.CharField(allow_null=True),
                    "facilities": serializers.IntegerField(help_text=gettext_lazy("institutions in operation")),
                    "places": serializers.IntegerField(
                        help_text=gettext_lazy("design capacity of cells in use (persons)")
                    ),
                    "population": serializers.IntegerField(
                        help_text=gettext_lazy("persons held (occupancy of cells in use)")
                    ),
                    "occupancy_rate": serializers.FloatField(
                        allow_null=True, help_text=gettext_lazy("population / places, %")
                    ),
                    "persons_in_single_cells": serializers.IntegerField(),
                    "share_in_single_cells": serializers.FloatField(allow_null=True, help_text="%"),
                    "headline": serializers.DictField(),
                    "compliance": _ComplianceRow,
                    "conversions": serializers.ListField(child=serializers.DictField()),
                    "cells": serializers.IntegerField(),
                    "demo_data": serializers.BooleanField(
                        help_text=gettext_lazy("the database holds generated demo data")
                    ),
                    "figures_date": serializers.DateField(
                        allow_null=True,
                        help_text=gettext_lazy(
                            "date of the compliance run the figures come from (null: computed live, no run yet)"
                        ),
                    ),
                    "last_run": serializers.DictField(allow_null=True),
                    "last_edit_recompute": serializers.DictField(allow_null=True),
                    "last_successful_run": serializers.DictField(
                        allow_null=True, help_text=gettext_lazy("the latest estate-wide compliance run that succeeded")
                    ),
                    "run_in_progress": serializers.DictField(
                        allow_null=True,
                        help_text=gettext_lazy(
                            "the compliance run going now, if any (a second one is refused until it ends)"
                        ),
                    ),
                    "run_stopped": serializers.DictField(
                        allow_null=True,
                        help_text=gettext_lazy(
                            "the latest compliance run that stopped without finishing (its worker died) and "
                            "that no later run has made good, with a message saying how it is recovered"
                        ),
                    ),
                    "tasks_waiting": serializers.IntegerField(
                        help_text=gettext_lazy(
                            "background tasks kept while the queue was unreachable, to be sent when it is back"
                        )
                    ),
                    "findings_open": serializers.IntegerField(help_text=gettext_lazy("findings open or in progress")),
                    "findings_overdue": serializers.IntegerField(
                        help_text=gettext_lazy("open findings past their deadline")
                    ),
                },
            )
        },
    )
    def get(self, request):
        unknown = set(request.query_params) - {"region", "format"}
        if unknown:
            raise ValidationError({name: [_("Unknown parameter. Allowed: region.")] for name in sorted(unknown)})
        codes = request.query_params.getlist("region")
        if len(codes) > 1:
            raise ValidationError({"region": [_("Give at most one region.")]})
        region = None
        if codes:
            region = find_region(codes[0])
            if region is None:
                raise ValidationError({"region": [unknown_region_message(codes[0])]})
        scope = scoping.region_scope(request.user)
        if region is not None and not scoping.in_regions(region.pk, scope):
            raise NotFound(_("Region %(code)s is outside your regions.") % {"code": region.code})
        return Response(selectors.summary(region, scope=scope))
