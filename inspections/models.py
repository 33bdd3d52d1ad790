"""Inspections (visits by prosecutors and monitors) and their findings (docs/data.md, §The domain model)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cells.models import Cell, StandardRule
from core.bounds import DATES, FREE_TEXT
from core.fields import NameField
from core.versioning import Versioned
from facilities.models import Facility, RegionScopedQuerySet, ResidentialBlock


class InspectionQuerySet(RegionScopedQuerySet):
    region_path = "facility__region"


class FindingQuerySet(RegionScopedQuerySet):
    region_path = "inspection__facility__region"

    def overdue(self, today: datetime.date | None = None):
        """Findings past their deadline that are still open or in progress (not resolved, verified, rejected)."""
        today = today or timezone.localdate()
        return self.filter(deadline__lt=today, status__in=Finding.OPEN_STATUSES)

    def open(self):
        return self.filter(status__in=Finding.OPEN_STATUSES)


class Inspection(Versioned):
    """A visit to a facility by an inspecting body, between ``date_start`` and ``date_end``."""

    class Body(models.TextChoices):
        PROSECUTOR = "prosecutor", _("prosecutor's office")
        NPM = "npm", _("national preventive mechanism")
        MINISTRY = "ministry", _("ministry")
        PUBLIC_MONITORING = "public_monitoring", _("public monitoring commission")

    class Type(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        UNANNOUNCED = "unannounced", _("unannounced")
        FOLLOW_UP = "follow_up", _("follow-up")

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("facility")
    )
    date_start = models.DateField(_("start date"), validators=DATES.validators())
    date_end = models.DateField(_("end date"), null=True, blank=True, validators=DATES.validators())
    body = models.CharField(_("inspecting body"), max_length=20, choices=Body.choices)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    lead_inspector = NameField(_("lead inspector"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True, validators=FREE_TEXT.validators())
    summary_ru = models.TextField(_("summary (Russian)"), blank=True, validators=FREE_TEXT.validators())
    summary_kk = models.TextField(_("summary (Kazakh)"), blank=True, validators=FREE_TEXT.validators())
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    objects = InspectionQuerySet.as_manager()

    @property
    def announced(self) -> bool:
        """Whether the facility was told of the visit beforehand: derived from ``type`` (an inspection of
        type unannounced was not announced; a scheduled or follow-up one was), so the two can never
        disagree. One stored field: ``type`` (migration 0007 folded the former ``announced`` column in)."""
        return self.type != self.Type.UNANNOUNCED

    class Meta:
        ordering = ["-date_start", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__gte=models.F("date_start")) | Q(date_end__isnull=True),
                name="inspection_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.facility.code} {self.date_start:%Y-%m-%d} ({self.get_body_display()})"


class Finding(Versioned):
    """A finding of an inspection, optionally tied to a block, a cell and a standard's rule.

    Status: ``open -> in_progress -> resolved -> verified``, or ``rejected``. A finding past its
    ``deadline`` and not resolved, verified or rejected is overdue.
    """

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    CLOSED_STATUSES = (Status.RESOLVED, Status.VERIFIED, Status.REJECTED)
    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    block = models.ForeignKey(
        ResidentialBlock, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("residential block")
    )
    cell = models.ForeignKey(Cell, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("cell"))
    rule = models.ForeignKey(
        StandardRule, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("standard rule")
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("description"), validators=FREE_TEXT.validators())
    description_ru = models.TextField(_("description (Russian)"), blank=True, validators=FREE_TEXT.validators())
    description_kk = models.TextField(_("description (Kazakh)"), blank=True, validators=FREE_TEXT.validators())
    recommendation = models.TextField(_("recommendation"), blank=True, validators=FREE_TEXT.validators())
    recommendation_ru = models.TextField(_("recommendation (Russian)"), blank=True, validators=FREE_TEXT.validators())
    recommendation_kk = models.TextField(_("recommendation (Kazakh)"), blank=True, validators=FREE_TEXT.validators())
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=DATES.validators())
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    overdue_since = models.DateField(
        _("overdue since"), null=True, blank=True, help_text=_("set by the daily overdue check")
    )
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.inspection}: {self.description[:60]}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """True when the deadline has passed and the finding is not resolved, verified or rejected."""
        today = today or timezone.localdate()
        return bool(self.deadline and self.deadline < today and self.status in self.OPEN_STATUSES)


class FindingUpdate(models.Model):
    """Append-only log of a finding's status changes and responses."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=Finding.Status.choices)
    response = models.TextField(_("response"), blank=True, validators=FREE_TEXT.validators())
    override_reason = models.TextField(
        _("override reason"),
        blank=True,
        validators=FREE_TEXT.validators(),
        help_text=_("why the finding was verified although its rule still failed for its cell or block"),
    )
    evidence = models.JSONField(
        _("evidence at the move"),
        null=True,
        blank=True,
        help_text="inspections.evidence.Evidence.as_dict() of a verification: the figures it was made against",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.finding} → {self.get_status_display()}"


class FindingAttachment(models.Model):
    """A photo or scanned document that came with a response to a finding (a FindingUpdate).

    ``content``: the file's bytes, kept in the database so that every backup holds them
    (docs/operations.md, §Backup and restore); a photo is stored re-encoded without its metadata (EXIF,
    GPS, comments: inspections.attachments.prepare). ``content_type``: ``image/jpeg``, ``image/png`` or
    ``application/pdf``, as sniffed from the bytes; ``size`` in bytes of what is stored. Served only to
    users who may see the finding (inspections.views.attachment_download, the API's attachment action).
    """

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="attachments")
    update = models.ForeignKey(
        FindingUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class OverdueCheck(models.Model):
    """One run of the daily overdue-findings check: how many findings were overdue, how many newly."""

    date = models.DateField(_("date"))
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    overdue = models.PositiveIntegerField(_("overdue findings"), default=0)
    newly_overdue = models.PositiveIntegerField(_("newly overdue"), default=0)

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self):
        return f"{self.date}: {self.overdue} overdue, {self.newly_overdue} newly"
