"""Releases in the admin site: read-only (they are prepared, reviewed and published on /releases/, and a
published one never changes)."""

from django.contrib import admin

from .models import Release


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "as_of", "number", "published_at", "is_demo")
    list_filter = ("status", "is_demo")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
