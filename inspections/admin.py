from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Finding, FindingUpdate, Inspection


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    raw_id_fields = ("block", "cell")


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ("facility", "date_start", "body", "type", "announced", "lead_inspector")
    list_filter = ("body", "type", "announced", "facility__region")
    search_fields = ("facility__code", "lead_inspector", "summary")
    raw_id_fields = ("facility",)
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ("inspection", "severity", "status", "deadline", "rule")
    list_filter = ("severity", "status")
    raw_id_fields = ("inspection", "block", "cell")


admin.site.register(FindingUpdate)
