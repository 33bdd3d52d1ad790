from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
