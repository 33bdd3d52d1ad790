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
from core.http import set_etag
from facilities import scoping
from facilities.models import Facility
from facilities.regions import find_region, unknown_region_message

from .. import selectors
from ..figures import with_capacity
from ..filters import FacilityComplianceFilter
from .serializers import FacilityFiguresSerializer


class FacilityViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Facilities with their capacity figures (persons held, design, certified and operational places,
    persons over certified capacity, places out of use; live from the cells), the reported population
    beside them, and compliance under ``?profile=`` (default KZ-ROADMAP). A fixed number of queries a page."""

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
        return with_capacity(selectors.facilities_with_figures(Facility.objects.visible_to(user), profile))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None and not getattr(self, "swagger_fake_view", False):
            context["profile"] = self._profile()
        return context

    def retrieve(self, request, *args, **kwargs):
        """A facility with its figures and ``version``, answered with ``ETag: "<version>"`` (core.http)."""
        response = super().retrieve(request, *args, **kwargs)
        return set_etag(response, response.data["version"])


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


_CAPACITY_FIELDS = {
    "persons_held": serializers.IntegerField(
        help_text=gettext_lazy("persons held: sum of the occupancy of the cells in use (persons), live")
    ),
    "persons_counted_from": serializers.DateField(
        allow_null=True, help_text=gettext_lazy("earliest count date (occupancy_date) of the cells in use")
    ),
    "persons_counted_to": serializers.DateField(
        allow_null=True, help_text=gettext_lazy("latest count date (occupancy_date) of the cells in use")
    ),
    "reported_population": serializers.IntegerField(
        allow_null=True,
        help_text=gettext_lazy(
            "sum of the facilities' own headcounts from the headcounts register (persons); the reported figure"
        ),
    ),
    "reported_population_date_from": serializers.DateField(
        allow_null=True, help_text=gettext_lazy("earliest date of those headcounts")
    ),
    "reported_population_date": serializers.DateField(
        allow_null=True, help_text=gettext_lazy("latest date of those headcounts")
    ),
    "reported_facilities": serializers.IntegerField(help_text=gettext_lazy("facilities with a reported headcount")),
    "persons_difference": serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("persons_held − reported_population (persons)")
    ),
    "places_design": serializers.IntegerField(
        help_text=gettext_lazy("design capacity (as built) of the cells on the record (persons)")
    ),
    "places_certified": serializers.IntegerField(
        help_text=gettext_lazy("certified capacity of the cells on the record (persons)")
    ),
    "places_operational": serializers.IntegerField(
        help_text=gettext_lazy("certified capacity of the cells in use (persons)")
    ),
    "persons_over_certified": serializers.IntegerField(
        help_text=gettext_lazy("over the cells in use, the sum of max(0, occupancy − certified capacity) (persons)")
    ),
    "cells_over_certified": serializers.IntegerField(
        help_text=gettext_lazy("cells in use whose occupancy exceeds their certified capacity")
    ),
    "cells_out_of_use": serializers.IntegerField(
        help_text=gettext_lazy("cells temporarily out of use (status deactivated)")
    ),
    "places_out_of_use": serializers.IntegerField(
        help_text=gettext_lazy("certified capacity of the cells temporarily out of use (persons)")
    ),
    "expected_back_from": serializers.DateField(
        allow_null=True, help_text=gettext_lazy("earliest expected return of a cell out of use")
    ),
    "expected_back_to": serializers.DateField(
        allow_null=True, help_text=gettext_lazy("latest expected return of a cell out of use")
    ),
    "cells_under_reconstruction": serializers.IntegerField(
        help_text=gettext_lazy("cells under reconstruction (not operational)")
    ),
    "places_under_reconstruction": serializers.IntegerField(
        help_text=gettext_lazy("certified capacity of the cells under reconstruction (persons; not operational)")
    ),
    "capacity_as_of": serializers.DateField(
        help_text=gettext_lazy("the date the capacity figures are computed for (today: live from the cells)")
    ),
}


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
                        help_text=gettext_lazy(
                            "design capacity of cells in use at figures_date (persons); kept for existing "
                            "clients, see places_design, places_certified and places_operational"
                        )
                    ),
                    "population": serializers.IntegerField(
                        help_text=gettext_lazy(
                            "persons held (occupancy of cells in use) at figures_date; alias of persons_held "
                            "as of that run, not the reported headcount (reported_population)"
                        )
                    ),
                    **_CAPACITY_FIELDS,
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
