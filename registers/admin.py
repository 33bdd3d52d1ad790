"""Admin of register imports (read-only)."""

from django.contrib import admin

from .models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """Every register import: who, when, file, kind, counts and errors (read-only; import from /imports/)."""

    list_display = (
        "id",
        "created_at",
        "user",
        "kind",
        "file_name",
        "status",
        "rows",
        "created",
        "updated",
        "unchanged",
        "rejected",
    )
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in ImportRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
