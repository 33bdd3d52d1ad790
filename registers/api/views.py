"""API of register imports: upload (dry run), the record, confirmation."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework import status as http_status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core import outbox
from core.filters import StableOrderingFilter
from facilities import decisions
from facilities.permissions import MayImport, write_permissions

from .. import services as import_services
from ..models import ImportRecord
from ..tasks import process_import
from .serializers import ImportRecordSerializer, ImportUploadSerializer


class ImportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Register imports. ``POST`` (multipart: kind, file, encoding, sheet, allow_older_counts) checks the file
    (dry run; ``changes`` say row by row what would be written, ``older`` how many rows carry a count older
    than the stored one, refused unless ``allow_older_counts``): at once
    for files up to registers.services.BACKGROUND_BYTES (201 with the counts and errors), by a worker for
    larger ones (202; poll ``GET /imports/<id>/``). A kind the caller may not import is refused (403) before
    anything is read or stored. ``POST /imports/<id>/confirm/`` writes a checked import, all rows or none
    (200, or 202 for a large file); 409 when it is already confirmed or being confirmed, saying when, by
    whom and how many rows were written."""

    permission_classes = write_permissions(MayImport)
    serializer_class = ImportRecordSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        user = getattr(getattr(self, "request", None), "user", None)
        records = ImportRecord.objects.select_related("user", "confirmed_by")
        if not getattr(user, "is_authenticated", False):
            return records.none()
        return records if decisions.may_see_all_imports(user) else records.filter(user=user)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportRecordSerializer, 202: ImportRecordSerializer},
    )
    def create(self, request, *args, **kwargs):
        kind = request.data.get("kind") if hasattr(request.data, "get") else None
        # The role and the kind first: a caller who may not import this kind learns nothing else (403).
        decisions.check_may_import(request.user, kind if isinstance(kind, str) and kind else None)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        record = import_services.upload(
            user=request.user,
            kind=data["kind"],
            file_name=data["file"].name,
            data=data["file"].read(),
            encoding=data["encoding"],
            sheet=data["sheet"],
            allow_older_counts=data["allow_older_counts"],
        )
        if import_services.in_background(record):
            outbox.send_on_commit(process_import, record_id=record.pk)
            record.refresh_from_db()
            return Response(ImportRecordSerializer(record).data, status=http_status.HTTP_202_ACCEPTED)
        record = import_services.check(record)
        return Response(ImportRecordSerializer(record).data, status=http_status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImportRecordSerializer, 202: ImportRecordSerializer, 409: None})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def confirm(self, request, pk=None):
        """Write a checked import (status ``checked``): every row in one transaction, or nothing. 409 with
        ``detail`` (what happened) and the record when it is already confirmed or being confirmed."""
        decisions.check_may_import(request.user)
        record = self.get_object()
        try:
            record = import_services.start_confirm(record, user=request.user)
        except import_services.ConfirmConflict as conflict:
            body = {"detail": conflict.message, **ImportRecordSerializer(conflict.record).data}
            return Response(body, status=http_status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise ValidationError({"status": error.messages}) from None
        if import_services.in_background(record):
            outbox.send_on_commit(process_import, record_id=record.pk, confirm=True)
            record.refresh_from_db()
            return Response(ImportRecordSerializer(record).data, status=http_status.HTTP_202_ACCEPTED)
        record = import_services.write_confirmed(record)
        if record.status == ImportRecord.Status.REJECTED:  # rows changed since the check: in ``errors``
            body = {"detail": record.message, **ImportRecordSerializer(record).data}
            return Response(body, status=http_status.HTTP_409_CONFLICT)
        if record.status != ImportRecord.Status.IMPORTED:
            raise ValidationError(
                {"status": [record.message or _("The import is %(status)s.") % {"status": record.status}]}
            )
        return Response(ImportRecordSerializer(record).data)
