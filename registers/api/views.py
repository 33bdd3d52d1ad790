"""API of register imports: upload (dry run), the record, confirmation."""

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
    """Register imports. ``POST`` (multipart: kind, file, encoding, sheet) checks the file (dry run): at once
    for files up to 1 MB (201 with the counts and errors), in a Celery task for larger ones (202; poll
    ``GET /imports/<id>/``). ``POST /imports/<id>/confirm/`` writes a checked import, all rows or none."""

    permission_classes = write_permissions(MayImport)
    serializer_class = ImportRecordSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    SYNC_LIMIT = 1024 * 1024

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
        decisions.check_may_import(request.user)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        decisions.check_may_import(request.user, data["kind"])
        record = import_services.upload(
            user=request.user,
            kind=data["kind"],
            file_name=data["file"].name,
            data=data["file"].read(),
            encoding=data["encoding"],
            sheet=data["sheet"],
        )
        if data["file"].size > self.SYNC_LIMIT:
            outbox.send_on_commit(process_import, record_id=record.pk)
            record.refresh_from_db()
            return Response(ImportRecordSerializer(record).data, status=http_status.HTTP_202_ACCEPTED)
        record = import_services.process(record)
        return Response(ImportRecordSerializer(record).data, status=http_status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImportRecordSerializer, 202: ImportRecordSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def confirm(self, request, pk=None):
        """Write a checked import (status ``checked``): every row in one transaction, or nothing."""
        decisions.check_may_import(request.user)
        record = self.get_object()
        decisions.check_may_import(request.user, record.kind)
        if record.status != ImportRecord.Status.CHECKED:
            raise ValidationError(
                {
                    "status": [
                        _("This import was already written.")
                        if record.status == "imported"
                        else _("Only a checked import without rejected rows can be confirmed; this one is %(status)s.")
                        % {"status": record.status}
                    ]
                }
            )
        if record.rows > 20000:
            outbox.send_on_commit(process_import, record_id=record.pk, confirm=True, user_id=request.user.pk)
            record.refresh_from_db()
            return Response(ImportRecordSerializer(record).data, status=http_status.HTTP_202_ACCEPTED)
        record = import_services.process(record, confirm=True, user=request.user)
        if record.status != ImportRecord.Status.IMPORTED:
            raise ValidationError(
                {"status": [record.message or _("The import is %(status)s.") % {"status": record.status}]}
            )
        return Response(ImportRecordSerializer(record).data)
