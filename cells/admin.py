from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyInlineMixin, VersionedAdmin

from .compliance.run import record_stopped_runs
from .models import (
    BlockCompliance,
    BlockTotals,
    Cell,
    CellCertificate,
    CellDeactivation,
    CertificateLine,
    CertificationLine,
    CertificationRequest,
    ComplianceRun,
    ComplianceSnapshot,
    Movement,
    OutcomeLayout,
    StandardProfile,
    StandardRule,
)
from .tasks import send_recovery


@admin.register(Cell)
class CellAdmin(VersionedAdmin, SimpleHistoryAdmin):
    """Cells: the change form is version-checked and writes only the fields it changed (core.admin.VersionedAdmin).
    The count and its date (written by the headcount, cells.services.update_headcount), the status (the
    certification, the deactivation) and the certified facts (certified capacity, accommodation type, sanitary
    annex: cells.certification) are shown, never written here (docs/architecture.md, §How a write works,
    step 4)."""

    list_display = (
        "block",
        "number",
        "accommodation_type",
        "living_space_m2",
        "design_capacity",
        "certified_capacity",
        "occupancy",
        "status",
        "is_demo",
    )
    list_filter = ("accommodation_type", "status", "has_sanitary_annex")
    search_fields = ("block__facility__code", "block__name", "number")
    raw_id_fields = ("block",)
    readonly_fields = (
        "occupancy",
        "occupancy_date",
        "status",
        "certified_capacity",
        "accommodation_type",
        "has_sanitary_annex",
        "version",
    )


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


# ---------------------------------------------------------------------------------------------------
# The certified record (issue 17): read-only here. Requests are opened and decided, certificates issued,
# movements and deactivations recorded only by their services (cells.certification, cells.movements), so
# that the separation of duties and the immutability of certificates hold whoever writes.


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows the rows and never writes them (no add, change or delete)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CertificationLineInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CertificationLine
    extra = 0
    fields = readonly_fields = (
        "cell",
        "action",
        "certified_capacity",
        "accommodation_type",
        "has_sanitary_annex",
        "before_status",
        "before_certified_capacity",
        "before_accommodation_type",
        "before_has_sanitary_annex",
        "pending",
    )


@admin.register(CertificationRequest)
class CertificationRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "facility", "kind", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("facility__code", "reason")
    inlines = [CertificationLineInline]


class CertificateLineInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CertificateLine
    extra = 0
    fields = readonly_fields = (
        "block_name",
        "number",
        "accommodation_type",
        "living_space_m2",
        "has_sanitary_annex",
        "design_capacity",
        "certified_capacity",
        "operational",
    )


@admin.register(CellCertificate)
class CellCertificateAdmin(ReadOnlyAdmin):
    list_display = (
        "facility",
        "number",
        "issued_at",
        "approved_by",
        "is_baseline",
        "cells",
        "places_design",
        "places_certified",
        "places_operational",
    )
    search_fields = ("facility__code",)
    inlines = [CertificateLineInline]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ("date", "from_cell", "to_cell", "persons", "author", "request")
    search_fields = ("from_cell__block__facility__code",)


@admin.register(CellDeactivation)
class CellDeactivationAdmin(ReadOnlyAdmin):
    list_display = ("cell", "reason", "deactivated_on", "expected_reactivation", "reactivated_on")
    list_filter = ("reason",)
