from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .compliance.run import record_stopped_runs
from .models import (
    BlockCompliance,
    BlockTotals,
    Cell,
    ComplianceRun,
    ComplianceSnapshot,
    OutcomeLayout,
    StandardProfile,
    StandardRule,
)
from .tasks import send_recovery


@admin.register(Cell)
class CellAdmin(SimpleHistoryAdmin):
    list_display = (
        "block",
        "number",
        "accommodation_type",
        "living_space_m2",
        "design_capacity",
        "occupancy",
        "status",
        "is_demo",
    )
    list_filter = ("accommodation_type", "status", "has_sanitary_annex")
    search_fields = ("block__facility__code", "block__name", "number")
    raw_id_fields = ("block",)


class StandardRuleInline(admin.TabularInline):
    model = StandardRule
    extra = 0


@admin.register(StandardProfile)
class StandardProfileAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "verified", "is_active")
    list_editable = ("is_active",)
    inlines = [StandardRuleInline]


@admin.register(ComplianceRun)
class ComplianceRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "run_date",
        "facility",
        "trigger",
        "outcome",
        "started_at",
        "finished_at",
        "cells_evaluated",
        "results_written",
        "snapshots_written",
    )
    list_filter = ("outcome", "trigger")
    actions = ["recompute_now"]

    @admin.action(description=_("Recompute now (recovers a run that stopped without finishing)"))
    def recompute_now(self, request, queryset):
        """Record the selected runs that stopped without finishing (their lock is free) as interrupted, and
        send a fresh run (same date, facility and scope) for each selected run that is not going."""
        record_stopped_runs()
        going = queryset.filter(outcome=ComplianceRun.Outcome.RUNNING)
        if going.exists():
            self.message_user(
                request,
                _("A selected run is still going (it holds the run lock): it was left alone."),
                messages.WARNING,
            )
        sent = send_recovery(queryset.exclude(outcome=ComplianceRun.Outcome.RUNNING), trigger="admin")
        self.message_user(
            request,
            _("Fresh runs sent: %(count)d.") % {"count": len(sent)},
        )


admin.site.register(ComplianceSnapshot)
admin.site.register(BlockCompliance)
admin.site.register(BlockTotals)


@admin.register(OutcomeLayout)
class OutcomeLayoutAdmin(admin.ModelAdmin):
    """Read only: a layout is written by the first run under its version of the rules, and the cells'
    recorded outcome codes are read through it."""

    list_display = ("version", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
