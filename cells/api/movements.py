"""API of the movements of persons and of a completion's movement plan: the plan a completion would
propose (``POST /api/v1/conversions/<id>/complete/plan/``, nothing written), the completion body with its
confirmed ``movement_plan``, the completion's answer naming its certification request, and movements on
their own (``GET/POST /api/v1/movements/``)."""

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from cells import movements, services
from cells.models import CertificationRequest, Movement
from core.bounds import DATES, FREE_TEXT
from core.filters import IdFilter
from core.parsers import SafeJSONParser
from core.serializers import StrictInputMixin, StrictIntegerField
from facilities.api.serializers import ConversionProjectSerializer
from facilities.filters import FacilityRefFilter, RegionCodeFilter
from facilities.models import ConversionProject
from facilities.permissions import MayEditCells, MayEditProjects, write_permissions

from .serializers import CompletionSerializer, NewCellSerializer

# ---------------------------------------------------------------------------------------------------
# The completion's movement plan


class PlanLineSerializer(StrictInputMixin, serializers.Serializer):
    """One room of a movement plan: ``persons`` leave the room ``from_cell`` (id), one into each new cell
    ``to_cells`` (numbers; when left out, the next new cells in the order of ``cells``). A plan line read
    from the plan endpoint may be sent back as it came: its other keys (``number``, ``block``,
    ``persons_now``, ``persons_after``) are read-only and ignored."""

    from_cell = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    persons = StrictIntegerField(min_value=0, max_value=2000)
    to_cells = serializers.ListField(child=serializers.CharField(max_length=20), required=False, max_length=2000)
    number = serializers.CharField(required=False, max_length=20, write_only=True)
    block = serializers.CharField(required=False, max_length=200, write_only=True)
    persons_now = serializers.IntegerField(required=False, write_only=True)
    persons_after = serializers.IntegerField(required=False, write_only=True)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return {key: value[key] for key in ("from_cell", "persons", "to_cells") if key in value}


class PlanRowSerializer(serializers.Serializer):
    """One room of a proposed plan, as resolve_plan gives it: the room (id, number, block name), its persons
    now, leaving and after, and the new cells they move into (numbers)."""

    from_cell = serializers.IntegerField()
    number = serializers.CharField()
    block = serializers.CharField()
    persons_now = serializers.IntegerField()
    persons = serializers.IntegerField()
    persons_after = serializers.IntegerField()
    to_cells = serializers.ListField(child=serializers.CharField())


class CompletionWithPlanSerializer(CompletionSerializer):
    """Completion of a conversion project with the block's new single cells (max 2000, registered as drafts:
    ``occupancy`` 0 only) and the confirmed ``movement_plan`` (the plan endpoint's ``movement_plan``,
    changed or not), applied when the certification request is approved."""

    movement_plan = PlanLineSerializer(many=True, required=False, default=list, max_length=2000)


class PlanRequestSerializer(CompletionWithPlanSerializer):
    """What the plan endpoint reads: the completion's body (``cells`` required, the rest optional and not
    used) and ``persons_moved_in`` (default: the persons of the block's own rooms, who must move); with a
    ``movement_plan``, that plan is checked and completed (new cells assigned) instead of proposed."""

    version = serializers.IntegerField(min_value=1, required=False)
    date = serializers.DateField(validators=DATES.validators(), required=False)
    actual_end = serializers.DateField(validators=DATES.validators(), required=False)
    budget_spent_kzt = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False)
    movement_plan = PlanLineSerializer(many=True, required=False, max_length=2000)
    persons_moved_in = StrictIntegerField(min_value=0, max_value=2000, required=False)
    cells = NewCellSerializer(many=True, allow_empty=False, max_length=2000)


class PlanSerializer(serializers.Serializer):
    """A proposed movement plan: ``persons`` moving in, ``new_cells`` (their number), ``movement_plan``: one
    row per room giving persons."""

    persons = serializers.IntegerField()
    new_cells = serializers.IntegerField()
    movement_plan = PlanRowSerializer(many=True)


class CertificationRequestSummarySerializer(serializers.Serializer):
    """The certification request a completion opened."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    new_cells = serializers.IntegerField(help_text="cells to bring into use")
    rooms_to_decommission = serializers.IntegerField()
    persons_moving = serializers.IntegerField(help_text="persons the movement plan moves on approval")
    movement_plan = serializers.ListField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text='the moves on approval: [{"from_cell": id, "to_cell": id, "persons": 1}]',
    )
    message = serializers.CharField()


class CompletionAnswerSerializer(ConversionProjectSerializer):
    """The completed project, with the certification request its completion opened."""

    certification_request = serializers.SerializerMethodField()

    class Meta(ConversionProjectSerializer.Meta):
        fields = [*ConversionProjectSerializer.Meta.fields, "certification_request"]

    @extend_schema_field(CertificationRequestSummarySerializer)
    def get_certification_request(self, obj) -> dict:
        return request_summary(self.context["certification_request"])


def request_summary(request: CertificationRequest) -> dict:
    """CertificationRequestSummarySerializer's fields of ``request``."""
    actions = list(request.lines.values_list("action", flat=True))
    return {
        "id": request.pk,
        "kind": request.kind,
        "status": request.status,
        "new_cells": actions.count("bring_into_use"),
        "rooms_to_decommission": actions.count("decommission"),
        "persons_moving": sum(int(move["persons"]) for move in request.movement_plan),
        "movement_plan": request.movement_plan,
        "message": services.completion_message(request),
    }


def _project(request, pk) -> ConversionProject:
    return get_object_or_404(
        ConversionProject.objects.visible_to(request.user).select_related("block__facility"), pk=pk
    )


class ConversionPlanView(APIView):
    """The movement plan a completion of the project would propose, without writing anything: persons
    moving into the new cells (one per cell), the block's own persons first, then the facility's most
    crowded dormitory rooms and shared cells (occupancy over design capacity first). Send the completion's
    body (``cells`` is what matters) and ``persons_moved_in``; or a ``movement_plan`` to have it checked
    and its new cells assigned. Send the answer's ``movement_plan`` (as it is, or changed) with the
    completion (``POST .../complete/``) to confirm it. Ministry editors of the region."""

    permission_classes = write_permissions(MayEditProjects)
    parser_classes = [SafeJSONParser]

    @extend_schema(request=PlanRequestSerializer, responses={200: PlanSerializer})
    def post(self, request, pk):
        project = _project(request, pk)
        services.check_can_complete(request.user, project)  # the role, then "already completed" (409)
        serializer = PlanRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        numbers = [cell["number"] for cell in data["cells"]]
        block = project.block
        if "movement_plan" in data:
            rows = movements.resolve_plan(block=block, lines=data["movement_plan"], new_cells=numbers)
        else:
            own, _others = movements.plan_sources(block)
            persons = data.get("persons_moved_in", sum(cell.occupancy or 0 for cell in own))
            rows = movements.propose_plan(block=block, persons=persons, new_cells=numbers)
        return Response({"persons": movements.plan_persons(rows), "new_cells": len(numbers), "movement_plan": rows})


# ---------------------------------------------------------------------------------------------------
# Movements on their own


class MoveSerializer(StrictInputMixin, serializers.Serializer):
    from_cell = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    to_cell = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    persons = StrictIntegerField(min_value=1, max_value=1000)


class MovementWriteSerializer(StrictInputMixin, serializers.Serializer):
    """A movement of persons between cells in use of one institution: its date (not in the future), reason
    and moves (each ``persons`` from ``from_cell`` to ``to_cell``, ids)."""

    date = serializers.DateField(validators=DATES.validators())
    reason = serializers.CharField(max_length=FREE_TEXT.maximum)
    moves = MoveSerializer(many=True, allow_empty=False, max_length=500)


class MovementSerializer(serializers.ModelSerializer):
    """A recorded movement: ``persons`` from ``from_cell`` to ``to_cell`` (ids, with their numbers) on
    ``date``; ``request``: the certification request whose approval applied it, if any."""

    facility = serializers.CharField(source="from_cell.block.facility.code", read_only=True)
    facility_id = serializers.IntegerField(source="from_cell.block.facility_id", read_only=True)
    facility_code = serializers.CharField(source="from_cell.block.facility.code", read_only=True)
    from_number = serializers.CharField(source="from_cell.number", read_only=True)
    to_number = serializers.CharField(source="to_cell.number", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Movement
        fields = [
            "id",
            "date",
            "facility",
            "facility_id",
            "facility_code",
            "from_cell",
            "from_number",
            "to_cell",
            "to_number",
            "persons",
            "reason",
            "author",
            "request",
            "created_at",
        ]
        read_only_fields = fields


class MovementFilter(django_filters.FilterSet):
    """Movements by region code, facility code, cell id (either end) and date range."""

    region = RegionCodeFilter(field_name="from_cell__block__facility__region")
    facility = FacilityRefFilter(field_name="from_cell__block__facility")
    cell = IdFilter(method="filter_cell", label=_("Cell id (from or to)"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Movement
        fields = ["region", "facility", "cell", "date_from", "date_to"]

    def filter_cell(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(from_cell_id=value) | Q(to_cell_id=value))


class MovementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Movements of persons between cells in the institutions of your regions (``?facility=<code>``,
    ``?region=``, ``?cell=<id>``, ``?date_from=``, ``?date_to=``), newest first; those a certification's
    approval applied name its ``request``. Ministry editors of the region record one (POST): every move is
    checked (cells in use, of one institution, no cell gives more persons than it holds, the date not in
    the future nor before either cell's count) and the persons are conserved; nothing is written when one
    move is refused (400)."""

    permission_classes = write_permissions(MayEditCells)
    serializer_class = MovementSerializer
    filterset_class = MovementFilter
    parser_classes = [SafeJSONParser]
    ordering_fields = ["date", "persons"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        return Movement.objects.visible_to(self.request.user).select_related(
            "from_cell__block__facility", "to_cell", "author"
        )

    @extend_schema(request=MovementWriteSerializer, responses={201: MovementSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        services.check_can_edit_cells(request.user)
        serializer = MovementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                done = movements.move_persons(
                    user=request.user, moves=data["moves"], date=data["date"], reason=data["reason"]
                )
        except ValidationError as error:  # the service names the plan "movement_plan"; this body calls it "moves"
            raise ValidationError(
                {("moves" if key == "movement_plan" else key): value for key, value in error.message_dict.items()}
            ) from None
        rows = self.get_queryset().filter(pk__in=[m.pk for m in done]).order_by("id")
        return Response(MovementSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)
