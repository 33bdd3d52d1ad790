"""Admin of facilities: regions, facilities, blocks, projects, targets, residence, users and their regions.

Every admin of the portal is unscoped (its lists and choices read whole tables); the site admits only staff
users who read every region (facilities.admin_site.may_use_admin), so a region-scoped user given
``is_staff`` never sees another region's records here (docs/architecture.md, "Who enters the admin").
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyInlineMixin, VersionedAdmin
from core.tokens import REVOKED_ON_SAVE

from .models import (
    ConversionProject,
    Facility,
    ProgressUpdate,
    Region,
    ResidencePopulation,
    ResidentialBlock,
    RoadmapTarget,
    StaffProfile,
)


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_en", "name_ru", "name_kk", "kind", "centre")
    search_fields = ("code", "name_en", "name_ru", "name_kk")


@admin.register(Facility)
class FacilityAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = (
        "code",
        "name_en",
        "region",
        "kind",
        "security_level",
        "status",
        "design_capacity",
        "population",
        "publish_detail",
        "is_demo",
    )
    list_filter = ("region", "kind", "security_level", "status", "publish_detail", "is_demo")
    search_fields = ("code", "name_en", "name_ru", "name_kk", "locality")
    # The population count and its date are written by the headcount import (registers), never here.
    readonly_fields = ("population", "population_date", "version")


@admin.register(ResidentialBlock)
class ResidentialBlockAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = ("facility", "name", "accommodation_type", "year_built", "floors", "is_demo")
    list_filter = ("accommodation_type", "facility__region")
    search_fields = ("facility__code", "name")
    raw_id_fields = ("facility",)


class ProgressUpdateInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The project's progress updates, read only: an update is recorded with the project's figures by
    facilities.services.record_progress (one added here would not move the project)."""

    model = ProgressUpdate
    extra = 0
    readonly_fields = ("created_at",)


@admin.register(ConversionProject)
class ConversionProjectAdmin(VersionedAdmin, SimpleHistoryAdmin):
    list_display = ("block", "status", "percent_complete", "budget_planned_kzt", "budget_spent_kzt", "roadmap_phase")
    list_filter = ("status", "roadmap_phase", "block__facility__region")
    raw_id_fields = ("block",)
    # Written only by progress updates and the completion (facilities.services.record_progress,
    # cells.services.complete_conversion), which check their rules; never by this form.
    readonly_fields = (
        "status",
        "status_before_suspension",
        "percent_complete",
        "budget_spent_kzt",
        "actual_start",
        "actual_end",
        "version",
    )
    inlines = [ProgressUpdateInline]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "mechanism")
    list_filter = ("mechanism",)
    fields = ("user", "regions", "headcount_regions", "mechanism")
    filter_horizontal = ("regions", "headcount_regions")


class StaffProfileInline(admin.StackedInline):
    """Regions of responsibility on the user's own admin page."""

    model = StaffProfile
    can_delete = False
    fields = ("regions", "headcount_regions", "mechanism")
    filter_horizontal = ("regions", "headcount_regions")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Users with their roles (groups) and regions of responsibility."""

    inlines = [StaffProfileInline]
    list_display = ("username", "email", "is_active", "is_staff", "roles")

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(user.groups.values_list("name", flat=True))

    def log_change(self, request, obj, message):
        """After a save of ``obj`` (the password form included): say how many of its API tokens a password
        change revoked (core.tokens revokes them on every path that changes the password)."""
        revoked = getattr(obj, REVOKED_ON_SAVE, 0)
        if revoked:
            messages.info(
                request,
                ngettext(
                    "%(count)d API token of %(user)s was revoked with the password change.",
                    "%(count)d API tokens of %(user)s were revoked with the password change.",
                    revoked,
                )
                % {"count": revoked, "user": obj.get_username()},
            )
        return super().log_change(request, obj, message)


@admin.register(RoadmapTarget)
class RoadmapTargetAdmin(SimpleHistoryAdmin):
    """Roadmap targets: administrators set the official figures (and clear the demo assumptions)."""

    list_display = ("phase", "metric", "region", "target_date", "value", "verified", "is_demo", "source")
    list_filter = ("metric", "phase", "verified", "is_demo")


@admin.register(ResidencePopulation)
class ResidencePopulationAdmin(SimpleHistoryAdmin):
    list_display = ("facility", "home_region", "date", "persons", "is_demo")
    list_filter = ("date", "home_region", "facility__region", "is_demo")
    raw_id_fields = ("facility",)
