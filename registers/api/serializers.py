"""Serializers of register imports: the record and the upload (multipart)."""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.tabular import MAX_BYTES

from ..models import ImportRecord


class ImportRecordSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    confirmed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ImportRecord
        fields = [
            "id",
            "kind",
            "file_name",
            "encoding",
            "sheet",
            "user",
            "confirmed_by",
            "created_at",
            "finished_at",
            "status",
            "rows",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "errors",
            "message",
            "allow_older_counts",
            "older",
            "changes",
        ]


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportRecord.Kind.choices)
    file = serializers.FileField(max_length=255)
    encoding = serializers.ChoiceField(choices=["", "utf-8", "cp1251", "utf-16"], required=False, default="")
    sheet = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    allow_older_counts = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Write counts older than the stored ones (else such rows are rejected); the dry run marks them.",
    )

    def validate_file(self, upload):
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than the limit of 20 MB."))
        return upload
