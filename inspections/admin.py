"""Admin of inspections and findings: version-checked change forms (core.admin.VersionedAdmin); a finding's
status and overdue mark are written only by the finding state machine and the overdue check
(inspections.services), so every admin form shows them read only, and the findings inline of an inspection
is read only (each finding is changed on its own, version-checked, page)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyInlineMixin, VersionedAdmin

from .models import Finding, FindingUpdate, Inspection

FINDING_READ_ONLY = ("status", "overdue_since", "version")


class FindingInline(ReadOnlyInlineMixin, admin.StackedInline):
    """The findings of an inspection, read only: an inline form would save the whole finding with the values
    the page was opened with (a status moved meanwhile would go back); each has a link to its own page."""

    model = Finding
    extra = 0
    raw_id_fields = ("block", "cell")
    show_change_link = True
    readonly_fields = FINDING_READ_ONLY


@admin.register(Inspection)
class InspectionAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = ("facility", "date_start", "body", "type", "lead_inspector")
    list_filter = ("body", "type", "facility__region")
    search_fields = ("facility__code", "lead_inspector", "summary")
    raw_id_fields = ("facility",)
    readonly_fields = ("version",)
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = ("inspection", "severity", "status", "deadline", "rule")
    list_filter = ("severity", "status")
    raw_id_fields = ("inspection", "block", "cell")
    readonly_fields = FINDING_READ_ONLY


admin.site.register(FindingUpdate)
