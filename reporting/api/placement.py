"""``POST /api/v1/placement/plan/``: the near-home placement plan (issue 19, item 2), computed and answered,
nothing written.

The body names the plan's options (all optional): ``date``, ``compliant_only``, ``include_projects_until``,
``max_moves`` and ``curve``; the answer is reporting.placement.compute()'s (reporting.placement.report: the
inputs, the figures before and after, the moves, the shortfall), with ``definitions`` saying what each
figure counts and as of which dates. A user with regions of responsibility gets their regions' part of the
national plan (``scope``). Every portal role may ask (ReadOnlyWrites: it writes nothing); a bad option
answers 400 naming the field, in the request's language; a plan the solver cannot find answers 503.
"""

import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cells.models import StandardProfile
from core.bounds import DATES
from core.parsers import SafeJSONParser
from core.serializers import StrictInputMixin, StrictIntegerField
from core.validators import validate_not_in_future
from facilities.permissions import ReadOnlyWrites, write_permissions

from .. import placement, selectors
from ..distance import FAR_KM, FAR_KM_SOURCE

logger = logging.getLogger(__name__)


class JSONIntegerField(StrictIntegerField):
    """A count given as a JSON integer only: a text (``"5"``), a float (``2.5``, ``5.0``) and a boolean are
    refused with the reason (core.serializers.StrictIntegerField refuses the floats; this also the texts)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str):
            raise serializers.ValidationError(_("A valid integer is required: a JSON number, not a text."))
        if isinstance(data, bool):
            raise serializers.ValidationError(_("A valid integer is required."))
        return super().to_internal_value(data)


class JSONBooleanField(serializers.BooleanField):
    """A JSON true, false or null only (DRF's BooleanField would also read ``"yes"``, ``1`` or ``"on"``)."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("Must be true, false or null."))
        return data


class PlacementOptionsSerializer(StrictInputMixin, serializers.Serializer):
    """The options of a plan (reporting.placement.Options), every one optional; a body that is not a JSON
    object, or with a key not listed here, is refused (core.serializers.StrictInputMixin)."""

    date = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[*DATES.validators(), validate_not_in_future],
        help_text=gettext_lazy(
            "ISO date of the place-of-residence counts (each facility's latest count on or before it); "
            "default: today (Asia/Almaty); not in the future"
        ),
    )
    compliant_only = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=20,
        help_text=gettext_lazy(
            "code of an active standard profile: only places in cells compliant under it count as capacity"
        ),
    )
    include_projects_until = serializers.DateField(
        required=False,
        allow_null=True,
        validators=DATES.validators(),
        help_text=gettext_lazy(
            "ISO date: the places of conversion projects under way planned to end by then count, and the "
            "places of their blocks' cells (which they replace) do not"
        ),
    )
    max_moves = JSONIntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=placement.MAX_MOVES,
        help_text=gettext_lazy("the most persons the plan may move (a JSON integer, persons); default: no limit"),
    )
    curve = JSONBooleanField(
        required=False,
        allow_null=True,
        default=False,
        help_text=gettext_lazy(
            "also compute the share in the home region against max_moves at a handful of exact points"
        ),
    )

    def validate_compliant_only(self, code: str | None) -> StandardProfile | None:
        """The profile of ``code`` (None: no restriction); unknown or inactive: refused."""
        if code is None:
            return None
        profile = StandardProfile.objects.filter(code=code).first()
        if profile is None:
            raise serializers.ValidationError(
                _("Unknown standard profile '%(code)s'; see /api/v1/standards/.") % {"code": code}
            )
        if not profile.is_active:
            raise serializers.ValidationError(
                _(
                    "The standard profile '%(code)s' is inactive: inactive profiles are not evaluated; "
                    "see /api/v1/standards/?is_active=true."
                )
                % {"code": code}
            )
        return profile

    def options(self) -> placement.Options:
        """The validated body as reporting.placement.Options (the date defaults to today, Asia/Almaty)."""
        data = self.validated_data
        return placement.Options(
            date=data.get("date") or placement.default_date(),
            profile=data.get("compliant_only"),
            include_projects_until=data.get("include_projects_until"),
            max_moves=data.get("max_moves"),
        )


def definitions(answer: dict) -> dict:
    """What each figure of ``answer`` (reporting.placement.report) counts, in the reader's language, with the
    dates it is of: ``{figure: {"definition", "date_from", "date_to"}}`` (the place-of-residence counts'
    dates, inputs.counts_from and counts_to; capacity and persons held: today, the cells as they are now);
    ``persons_over_500_km`` adds ``threshold_km`` and its ``source`` (reporting.distance.FAR_KM_SOURCE)."""
    counts = {"date_from": answer["inputs"]["counts_from"], "date_to": answer["inputs"]["counts_to"]}
    today = timezone.localdate()
    now = {"date_from": today, "date_to": today}
    return {
        "persons_known_home": {
            "definition": _(
                "Persons counted by home region in each facility's latest place-of-residence count on or before "
                "the plan's date. Persons of unknown home stay where they are and count as neither near nor far."
            ),
            **counts,
        },
        "persons_in_home_region": {
            "definition": _("Persons of known home held in a facility of their home region."),
            **counts,
        },
        "share_in_home_region": {
            "definition": _(
                "Persons in their home region divided by persons of known home, in per cent to 1 decimal place."
            ),
            **counts,
        },
        "persons_over_500_km": {
            "definition": _(
                "Persons of known home held more than %(km)s km (great-circle distance) from the administrative "
                "centre of their home region."
            )
            % {"km": FAR_KM},
            "threshold_km": FAR_KM,
            "source": str(FAR_KM_SOURCE),
            **counts,
        },
        "mean_km_from_home": {
            "definition": _(
                "Mean great-circle distance in km between each person's facility (its coordinates, else its "
                "region's centre) and the administrative centre of their home region."
            ),
            **counts,
        },
        "persons_moved": {
            "definition": _(
                "Persons the plan moves to another facility of the same class (kind, security level, sex/age "
                "category); pre-trial centres are not planned."
            ),
            **counts,
        },
        "capacity": {
            "definition": _(
                "Operational places: the certified capacity of the cells in use now; with compliant_only, only "
                "of the cells compliant under that profile; with include_projects_until, plus the places of the "
                "projects planned to end by then, less the places of the cells they replace."
            ),
            **now,
        },
        "population": {
            "definition": _(
                "Persons held now: the larger of the occupancy of the cells in use and the persons counted by "
                "home region."
            ),
            **now,
        },
        "shortfall": {
            "definition": _(
                "Per home region and class, the persons who stay outside their home region for lack of "
                "compatible places there: the places to build to bring them home."
            ),
            **counts,
        },
    }


# ---------------------------------------------------------------------------------------------------
# The answer's schema (reporting.placement.report's shape), for /api/schema/.


def _int(help_text: Any = None) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=help_text)


def _figures(name: str, moved: bool = False) -> serializers.Serializer:
    """The schema of reporting.placement.figures() (``moved``: with ``persons_moved``, as ``after``)."""
    fields: dict[str, serializers.Field] = {
        "persons_known_home": _int(gettext_lazy("persons of known home region (persons)")),
        "persons_in_home_region": _int(gettext_lazy("persons held in their home region (persons)")),
        "share_in_home_region": serializers.FloatField(
            allow_null=True, help_text=gettext_lazy("persons_in_home_region / persons_known_home, %")
        ),
        "persons_over_500_km": _int(gettext_lazy("persons held more than 500 km from their home region's centre")),
        "mean_km_from_home": serializers.FloatField(allow_null=True, help_text=gettext_lazy("km, 1 decimal")),
    }
    if moved:
        fields["persons_moved"] = _int(gettext_lazy("persons moved by the plan"))
    return inline_serializer(name, fields=fields)


_Figures = _figures("PlacementFigures")
_Definition = inline_serializer(
    "PlacementDefinition",
    fields={
        "definition": serializers.CharField(),
        "date_from": serializers.DateField(allow_null=True),
        "date_to": serializers.DateField(allow_null=True),
    },
)
_FarDefinition = inline_serializer(
    "PlacementDistanceDefinition",
    fields={
        "definition": serializers.CharField(),
        "threshold_km": serializers.IntegerField(),
        "source": serializers.CharField(),
        "date_from": serializers.DateField(allow_null=True),
        "date_to": serializers.DateField(allow_null=True),
    },
)

PLAN = inline_serializer(
    "PlacementPlan",
    fields={
        "date": serializers.DateField(help_text=gettext_lazy("the plan's date")),
        "is_demo": serializers.BooleanField(help_text=gettext_lazy("the inputs hold generated demo data")),
        "scope": serializers.ListField(
            child=serializers.CharField(),
            allow_null=True,
            help_text=gettext_lazy(
                "the caller's regions (ISO codes) whose part of the national plan this is; null: national"
            ),
        ),
        "inputs": inline_serializer(
            "PlacementInputs",
            fields={
                "counts_from": serializers.DateField(
                    allow_null=True, help_text=gettext_lazy("earliest date of the place-of-residence counts read")
                ),
                "counts_to": serializers.DateField(
                    allow_null=True, help_text=gettext_lazy("latest date of the place-of-residence counts read")
                ),
                "groups": inline_serializer(
                    "PlacementGroup",
                    fields={"facility": _int(), "home_region": serializers.CharField(), "persons": _int()},
                    many=True,
                ),
                "capacity": inline_serializer(
                    "PlacementCapacity",
                    fields={
                        "facility": _int(),
                        "code": serializers.CharField(),
                        "region": serializers.CharField(),
                        "class": serializers.CharField(
                            help_text=gettext_lazy("compatibility class: kind/security level/category")
                        ),
                        "capacity": _int(gettext_lazy("operational places (persons)")),
                        "population": _int(gettext_lazy("persons held before the plan")),
                        "population_after": _int(gettext_lazy("persons held after the plan")),
                    },
                    many=True,
                ),
                "projects": inline_serializer(
                    "PlacementProject",
                    fields={
                        "project": _int(),
                        "facility": _int(),
                        "block": _int(),
                        "planned_end": serializers.DateField(allow_null=True),
                        "counted": serializers.BooleanField(
                            required=False,
                            help_text=gettext_lazy(
                                "whether its places count (false: its places after are not recorded)"
                            ),
                        ),
                        "places_added": _int(),
                        "places_replaced": _int(),
                    },
                    many=True,
                ),
            },
        ),
        "before": _Figures,
        "after": _figures("PlacementFiguresAfter", moved=True),
        "regions": inline_serializer(
            "PlacementRegion",
            fields={
                "home_region": serializers.CharField(),
                "before": _Figures,
                "after": _Figures,
                "persons_moved": _int(),
            },
            many=True,
        ),
        "moves": inline_serializer(
            "PlacementMove",
            fields={
                "from_facility": _int(),
                "to_facility": _int(),
                "home_region": serializers.CharField(),
                "persons": _int(),
            },
            many=True,
        ),
        "shortfall": inline_serializer(
            "PlacementShortfall",
            fields={"home_region": serializers.CharField(), "class": serializers.CharField(), "persons": _int()},
            many=True,
        ),
        "curve": inline_serializer(
            "PlacementCurvePoint",
            fields={
                "max_moves": _int(),
                "persons_in_home_region": _int(),
                "share_in_home_region": serializers.FloatField(allow_null=True),
            },
            many=True,
            allow_null=True,
        ),
        "solver": inline_serializer(
            "PlacementSolver",
            fields={
                "seconds": serializers.FloatField(),
                "variables": _int(),
                "constraints": _int(),
                "method": serializers.CharField(required=False),
                "pools": serializers.IntegerField(required=False),
                "facilities": serializers.IntegerField(required=False),
                "groups": serializers.IntegerField(required=False),
            },
        ),
        "definitions": inline_serializer(
            "PlacementDefinitions",
            fields={
                "persons_known_home": _Definition,
                "persons_in_home_region": _Definition,
                "share_in_home_region": _Definition,
                "persons_over_500_km": _FarDefinition,
                "mean_km_from_home": _Definition,
                "persons_moved": _Definition,
                "capacity": _Definition,
                "population": _Definition,
                "shortfall": _Definition,
            },
        ),
    },
)


class PlacementPlanView(APIView):
    """The near-home placement plan for the options in the body (PlacementOptionsSerializer), computed by
    reporting.placement.compute and answered as reporting.placement.report shapes it, plus ``definitions``.
    Writes nothing; accepts a JSON object only (other content types: 415)."""

    permission_classes = write_permissions(ReadOnlyWrites)
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=PlacementOptionsSerializer,
        responses={
            200: PLAN,
            503: OpenApiResponse(
                response=inline_serializer("PlacementUnavailable", fields={"detail": serializers.CharField()}),
                description=gettext_lazy("The solver found no optimal plan; nothing was written"),
            ),
        },
        description=gettext_lazy(
            "Who could move where so that more persons serve their sentence in their home region (issue 19). "
            "Read-only: it computes and writes nothing. A user with regions of responsibility gets their "
            "regions' part of the national plan (scope)."
        ),
    )
    def post(self, request):
        serializer = PlacementOptionsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = serializer.options()
        regions = selectors.region_codes(request.user)
        try:
            answer = placement.compute(options, curve=bool(serializer.validated_data.get("curve")), regions=regions)
        except placement.PlanError as error:
            logger.error("placement plan failed for %s (regions %s): %s", options, regions, error)
            return Response(
                {
                    "detail": _(
                        "The placement plan could not be computed: the solver found no optimal plan (%(reason)s). "
                        "Nothing was written; try again later or report it to the administrators."
                    )
                    % {"reason": error}
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        answer["definitions"] = definitions(answer)
        return Response(answer)
