"""API of certification (issue 17, item 3): certification requests (open, read, approve, reject, withdraw)
and the facilities' numbered cell certificates (read, download). Thin: the rules are cells.certification's.

- ``GET/POST /api/v1/certification-requests/``, ``GET .../<id>/`` (``ETag: "<version>"``; each line with
  the values before and proposed, and its cell's compliance under every active profile on the proposed
  measurements), ``POST .../<id>/approve/``, ``.../reject/``, ``.../withdraw/`` (``If-Match``, or
  ``version`` in the body).
- ``GET /api/v1/facilities/<id>/certificates/`` (newest first), ``.../certificates/<version>/`` (with its
  lines), ``.../certificates/<version>/download/?export=csv|xlsx``.

Statuses: a decision on one's own request, or by a role that may not decide, 403; a request outside the
user's regions 404; a cell already on a pending request, or a request no longer pending, 409; a stale
version 409 (412 with If-Match).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from cells import certification
from cells.filters import CertificationRequestFilter
from cells.models import Cell, CellCertificate, CertificateLine, CertificationLine, CertificationRequest
from core.bounds import FREE_TEXT
from core.export import csv_separator
from core.http import IF_MATCH, STALE_EXAMPLE, set_etag, with_if_match_version
from core.parsers import SafeJSONParser
from core.serializers import IdRelatedField, StrictInputMixin, StrictIntegerField
from facilities import decisions
from facilities.models import AccommodationType, Facility
from facilities.permissions import RoleMayWrite, write_permissions

from .serializers import ProfileOutcomeSerializer

# ---------------------------------------------------------------------------------------------------
# Permissions: the role, before the body or the object is read (facilities.permissions)


class MayCertify(RoleMayWrite):
    """Opening a request (and withdrawing one's own): ministry editors of a region and administrators
    (decisions.may_request_certification); approving and rejecting: certification reviewers and
    administrators (decisions.may_review_certification). The region, and whether the request is the user's
    own, are checked on the object (cells.certification)."""

    write_rule = (
        decisions.may_request_certification,
        gettext_lazy("Only a ministry editor of this region or an administrator requests a certification."),
    )
    _review = (
        decisions.may_review_certification,
        gettext_lazy(
            "Only a certification reviewer of this region or an administrator decides certification requests."
        ),
    )
    action_rules = {"approve": _review, "reject": _review}  # resubmit, withdraw: write_rule


# ---------------------------------------------------------------------------------------------------
# Input


class StrictBooleanField(serializers.BooleanField):
    """true, false or null: nothing else (not "yes", not 1)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("Must be true, false or null."))
        return data


class LineInputSerializer(StrictInputMixin, serializers.Serializer):
    """One cell of a new request: ``cell`` (id, a cell of the facility), ``action`` and, for ``change`` or
    ``bring_into_use``, any of the proposed ``certified_capacity`` (persons, 1-1000), ``accommodation_type``,
    ``has_sanitary_annex`` (omitted or null: unchanged)."""

    cell = IdRelatedField(queryset=Cell.objects.none())
    action = serializers.ChoiceField(choices=CertificationLine.Action.choices)
    certified_capacity = StrictIntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    accommodation_type = serializers.ChoiceField(
        choices=AccommodationType.choices, required=False, allow_null=True, allow_blank=True
    )
    has_sanitary_annex = StrictBooleanField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["cell"].queryset = Cell.objects.visible_to(request.user)


class MoveInputSerializer(StrictInputMixin, serializers.Serializer):
    """One movement of the plan applied on approval: ``persons`` (1-1000) from ``from_cell`` to ``to_cell``
    (ids of cells of the facility)."""

    from_cell = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    to_cell = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    persons = StrictIntegerField(min_value=1, max_value=1000)


class RequestCreateSerializer(StrictInputMixin, serializers.Serializer):
    """A new certification request: the ``facility`` (id), the ``reason``, its ``lines`` (1 to 2,000
    cells, each once) and an optional ``movement_plan``."""

    facility = IdRelatedField(queryset=Facility.objects.none())
    reason = serializers.CharField(validators=FREE_TEXT.validators())
    lines = LineInputSerializer(many=True, allow_empty=False, max_length=2000)
    movement_plan = MoveInputSerializer(many=True, required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["facility"].queryset = Facility.objects.visible_to(request.user)
            self.fields["lines"].child.fields["cell"].queryset = Cell.objects.visible_to(request.user)


class DecisionSerializer(StrictInputMixin, serializers.Serializer):
    """A decision: the ``note`` (the reviewer's reason: required to reject) and, unless If-Match is sent,
    the ``version`` of the request read (optional)."""

    note = serializers.CharField(validators=FREE_TEXT.validators(), required=False, allow_blank=True, default="")
    version = StrictIntegerField(min_value=1, max_value=999_999_999, required=False)


# ---------------------------------------------------------------------------------------------------
# Output


class CellValuesSerializer(serializers.Serializer):
    """The certified values of a cell: certified capacity (persons), accommodation type, sanitary annex
    (null: unknown, or unchanged for the proposed values)."""

    certified_capacity = serializers.IntegerField(allow_null=True)
    accommodation_type = serializers.CharField(allow_null=True)
    has_sanitary_annex = serializers.BooleanField(allow_null=True)


class LineSerializer(serializers.ModelSerializer):
    """One line of a request: the cell (id, number, block), the action, the values ``before`` (as the cell
    stood when the request was made, with its status) and ``proposed`` (null: unchanged)."""

    cell_number = serializers.CharField(source="cell.number", read_only=True)
    block = serializers.CharField(source="cell.block.name", read_only=True)
    before = serializers.SerializerMethodField()
    proposed = serializers.SerializerMethodField()

    class Meta:
        model = CertificationLine
        fields = ["id", "cell", "cell_number", "block", "action", "before", "proposed"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "status": {"type": "string"},
                "certified_capacity": {"type": "integer", "nullable": True},
                "accommodation_type": {"type": "string", "nullable": True},
                "has_sanitary_annex": {"type": "boolean", "nullable": True},
            },
        }
    )
    def get_before(self, line):
        return {
            "status": line.before_status,
            "certified_capacity": line.before_certified_capacity,
            "accommodation_type": line.before_accommodation_type or None,
            "has_sanitary_annex": line.before_has_sanitary_annex,
        }

    @extend_schema_field(CellValuesSerializer)
    def get_proposed(self, line):
        return {
            "certified_capacity": line.certified_capacity,
            "accommodation_type": line.accommodation_type or None,
            "has_sanitary_annex": line.has_sanitary_annex,
        }


class LineWithResultsSerializer(LineSerializer):
    """A line with ``compliance``: its cell's result under every active profile on the measurements the
    line proposes (cells.certification.proposed_results; null for a decommissioning)."""

    compliance = serializers.SerializerMethodField()

    class Meta(LineSerializer.Meta):
        fields = [*LineSerializer.Meta.fields, "compliance"]

    @extend_schema_field(ProfileOutcomeSerializer(many=True, allow_null=True))
    def get_compliance(self, line):
        return self.context.get("results", {}).get(line.pk)


class RequestSerializer(serializers.ModelSerializer):
    """A certification request: facility (id and code), kind, status, reason, movement plan, requester and
    when, decider, when and note, ``version`` (its ETag), ``certificate`` (the version its approval issued,
    null otherwise) and its lines."""

    facility_id = serializers.IntegerField(read_only=True)
    facility_code = serializers.CharField(source="facility.code", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True, default=None)
    certificate = serializers.SerializerMethodField()
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = CertificationRequest
        fields = [
            "id",
            "facility",
            "facility_id",
            "facility_code",
            "kind",
            "status",
            "reason",
            "movement_plan",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "version",
            "certificate",
            "lines",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_certificate(self, request) -> int | None:
        certificate = getattr(request, "certificate", None) if request.status == request.Status.APPROVED else None
        return certificate.number if certificate is not None else None


class PlanRoomSerializer(serializers.Serializer):
    """One room giving persons in a request's movement plan: the cell (id, number, block), its persons now
    (the count stored today), the persons leaving on approval and after, and the cells they move into."""

    cell = serializers.IntegerField()
    number = serializers.CharField()
    block = serializers.CharField()
    persons_now = serializers.IntegerField()
    leaving = serializers.IntegerField()
    after = serializers.IntegerField()
    to_cells = serializers.ListField(child=serializers.CharField())


class RequestDetailSerializer(RequestSerializer):
    """A request with each line's compliance on the proposed measurements and ``plan``: its movement plan
    per room giving persons (cells.movements.summarise_plan)."""

    lines = LineWithResultsSerializer(many=True, read_only=True)
    plan = serializers.SerializerMethodField()

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, "plan"]
        read_only_fields = fields

    @extend_schema_field(PlanRoomSerializer(many=True))
    def get_plan(self, request) -> list:
        return PlanRoomSerializer(certification.plan_rows(request), many=True).data


class ResubmitSerializer(StrictInputMixin, serializers.Serializer):
    """Submitting a rejected or withdrawn request again: an optional ``reason`` (what changed) and an
    optional ``movement_plan`` (omitted: the earlier request's plan)."""

    reason = serializers.CharField(validators=FREE_TEXT.validators(), required=False, allow_blank=True, default="")
    movement_plan = MoveInputSerializer(many=True, required=False, max_length=2000)


class CertificateSerializer(serializers.ModelSerializer):
    """A version of a facility's cell certificate: its ``number``, when it was issued and by whom
    (``approved_by``: null for the baseline), the ``request`` whose approval issued it (null for the
    baseline), the totals (cells; design, certified and operational places in persons)."""

    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True, default=None)
    facility_code = serializers.CharField(source="facility.code", read_only=True)

    class Meta:
        model = CellCertificate
        fields = [
            "number",
            "facility",
            "facility_code",
            "issued_at",
            "approved_by",
            "request",
            "is_baseline",
            "cells",
            "places_design",
            "places_certified",
            "places_operational",
        ]
        read_only_fields = fields


class CertificateLineSerializer(serializers.ModelSerializer):
    """One certified cell as it stood at the version: block, number, type, living space (m²), annex, design
    and certified capacity (persons), whether in use (``operational``)."""

    class Meta:
        model = CertificateLine
        fields = [
            "cell",
            "block_name",
            "number",
            "accommodation_type",
            "living_space_m2",
            "has_sanitary_annex",
            "design_capacity",
            "certified_capacity",
            "operational",
        ]
        read_only_fields = fields


class CertificateDetailSerializer(CertificateSerializer):
    lines = CertificateLineSerializer(many=True, read_only=True)

    class Meta(CertificateSerializer.Meta):
        fields = [*CertificateSerializer.Meta.fields, "lines"]
        read_only_fields = fields


CONFLICT_409 = OpenApiResponse(
    description="A cell of the request is already on another pending request (decide or withdraw it first)"
)


# ---------------------------------------------------------------------------------------------------
# Views


def requests_visible_to(user):
    """The certification requests ``user`` reads (their regions), with what the serializers read."""
    lines = CertificationLine.objects.select_related("cell__block").order_by("id")
    return (
        CertificationRequest.objects.visible_to(user)
        .select_related("facility", "requested_by", "decided_by", "certificate")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


class CertificationRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Certification requests of your regions (issue 17, item 3). Ministry editors open them (POST);
    certification reviewers of the region, never the requester, approve or reject them; the requester
    withdraws. A cell on a pending request cannot be named by another (409)."""

    permission_classes = write_permissions(MayCertify)
    serializer_class = RequestSerializer
    filterset_class = CertificationRequestFilter
    parser_classes = [SafeJSONParser]
    ordering_fields = ["requested_at", "decided_at", "status"]
    ordering = ["-requested_at"]

    def get_queryset(self):
        return requests_visible_to(self.request.user)

    def _detail(self, request, pk, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=pk)
        results = certification.proposed_results(fresh)
        data = RequestDetailSerializer(fresh, context={"request": request, "results": results}).data
        return set_etag(Response(data, status=code), fresh.version)

    @extend_schema(responses={200: RequestDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        """A request with its lines (values before and proposed) and each line's cell's compliance under
        every active profile on the proposed measurements, with ``ETag: "<version>"``."""
        return self._detail(request, self.get_object().pk)

    @extend_schema(request=RequestCreateSerializer, responses={201: RequestDetailSerializer, 409: CONFLICT_409})
    def create(self, request, *args, **kwargs):
        """Open a pending request (a ministry editor of the facility's region). A cell already on a pending
        request answers 409 and nothing is written."""
        serializer = RequestCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lines = [{k: v for k, v in line.items() if v is not None} for line in data["lines"]]
        opened = certification.open_request(
            user=request.user,
            facility=data["facility"],
            reason=data["reason"],
            lines=lines,
            movement_plan=[dict(m) for m in data.get("movement_plan", [])],
        )
        return self._detail(request, opened.pk, status.HTTP_201_CREATED)

    def _decide(self, request, service, check):
        target = self.get_object()
        check(request.user, target)  # the role on this request, before the header and the body
        data = with_if_match_version(request, target)
        serializer = DecisionSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        service(
            user=request.user,
            request=target,
            note=serializer.validated_data["note"],
            expected_version=serializer.validated_data.get("version"),
        )
        return self._detail(request, target.pk)

    @staticmethod
    def _check_decide(user, target):
        decisions.check_may_decide_certification(user, target.facility.region_id, target.requested_by_id)

    @extend_schema(
        request=DecisionSerializer,
        responses={200: RequestDetailSerializer},
        parameters=[IF_MATCH],
        examples=[STALE_EXAMPLE],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def approve(self, request, pk=None):
        """Approve the request and apply it in one transaction: the facility's next cell certificate is
        issued (its number in ``certificate``). Your own request: 403. Already decided: 409."""
        return self._decide(request, certification.approve, self._check_decide)

    @extend_schema(
        request=DecisionSerializer,
        responses={200: RequestDetailSerializer},
        parameters=[IF_MATCH],
        examples=[STALE_EXAMPLE],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reject(self, request, pk=None):
        """Reject the request with a ``note`` (required): nothing on the record changes. Your own request:
        403. Already decided: 409."""
        return self._decide(request, certification.reject, self._check_decide)

    @extend_schema(
        request=DecisionSerializer,
        responses={200: RequestDetailSerializer},
        parameters=[IF_MATCH],
        examples=[STALE_EXAMPLE],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def withdraw(self, request, pk=None):
        """Withdraw the request (its requester or an administrator): nothing on the record changes.
        Already decided: 409."""
        return self._decide(request, certification.withdraw, certification.check_may_withdraw)

    @extend_schema(request=ResubmitSerializer, responses={201: RequestDetailSerializer, 409: CONFLICT_409})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def resubmit(self, request, pk=None):
        """Submit a rejected or withdrawn request again as a new pending request (201, the new request):
        the same cells and proposed values, the same conversion project, and the earlier movement plan
        unless ``movement_plan`` gives another. A plan that no longer fits the rooms' counts: 400 naming
        them. A cell on another pending request: 409."""
        target = self.get_object()
        serializer = ResubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = serializer.validated_data.get("movement_plan")
        new = certification.resubmit(
            user=request.user,
            request=target,
            reason=serializer.validated_data["reason"],
            movement_plan=[dict(m) for m in plan] if plan is not None else None,
        )
        return self._detail(request, new.pk, status.HTTP_201_CREATED)


def facility_for(request, pk):
    """The facility ``pk`` if the user reads its region, else 404."""
    return get_object_or_404(Facility.objects.visible_to(request.user), pk=pk)


class FacilityCertificateList(generics.ListAPIView):
    """The versions of a facility's cell certificate, newest first (version 1: the baseline)."""

    serializer_class = CertificateSerializer
    ordering_fields = ["number"]
    ordering = ["-number"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation: no facility
            return CellCertificate.objects.none()
        facility = facility_for(self.request, self.kwargs["pk"])
        return CellCertificate.objects.filter(facility=facility).select_related("facility", "approved_by")


def certificate_of(request, pk, number):
    """The version ``number`` of facility ``pk``'s cell certificate, with its lines (404 outside the user's
    regions or for a version that does not exist)."""
    facility = facility_for(request, pk)
    return get_object_or_404(
        CellCertificate.objects.filter(facility=facility)
        .select_related("facility", "approved_by")
        .prefetch_related(Prefetch("lines", queryset=CertificateLine.objects.order_by("block_name", "number", "id"))),
        number=number,
    )


class FacilityCertificateDetail(APIView):
    """One version of a facility's cell certificate with one line per certified cell."""

    @extend_schema(responses={200: CertificateDetailSerializer})
    def get(self, request, pk, number):
        certificate = certificate_of(request, pk, number)
        return Response(CertificateDetailSerializer(certificate).data)


class FacilityCertificateDownload(APIView):
    """One version of a facility's cell certificate as a CSV (UTF-8 with BOM) or XLSX file
    (``?export=csv|xlsx``), spreadsheet-safe (cells.certification_views.export_certificate)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("export", str, enum=["csv", "xlsx"], required=True),
            OpenApiParameter(
                "sep",
                str,
                enum=["comma", "semicolon"],
                description="CSV separator; by default ';' in Russian and Kazakh (Accept-Language), ',' otherwise.",
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The certificate as CSV"),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY, description="The certificate as XLSX"),
        },
    )
    def get(self, request, pk, number):
        from cells.certification_views import export_certificate

        fmt = request.query_params.get("export")
        unknown = sorted(set(request.query_params) - {"export", "sep"})
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown parameter. Allowed: export, sep.")] for name in unknown}
            )
        if fmt not in ("csv", "xlsx"):
            raise serializers.ValidationError({"export": [_("Use csv or xlsx.")]})
        try:
            sep = csv_separator(request.query_params)
        except ValueError as error:
            raise serializers.ValidationError({"sep": [str(error)]}) from None
        certificate = certificate_of(request, pk, number)
        return export_certificate(certificate, fmt, sep)
