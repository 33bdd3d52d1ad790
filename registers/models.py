"""Records of register imports (they touch facilities, blocks, cells, headcounts, residence counts and a
mechanism's recommendations)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """One import of a register file: who, when, file, kind, the dry-run and final counts, and the errors.

    ``errors`` is a list of ``{"row", "column", "reason"}`` (row numbers as in the file, header = 1).
    The uploaded file is kept so that confirming re-reads exactly what was checked: ``sha256`` is its
    digest at upload, ``checked_sha256`` the digest of what the dry run read (a confirm refuses a file
    that differs), ``checked_versions`` the versions of the records the dry run matched
    (registers.imports.Outcome.versions). ``step_started_at`` is when the record entered ``checking`` or
    ``confirming`` (or was uploaded): registers.services.fail_stuck finds records stuck in a step.
    ``changes`` are the dry run's, row by row (registers.imports.Outcome.changes); ``allow_older_counts``
    the user's confirmation that counts older than the stored ones are written, ``older`` how many rows
    carry one.
    """

    RUNNING = ("pending", "checking", "confirming")

    class Kind(models.TextChoices):
        FACILITIES = "facilities", _("facility register")
        BLOCKS = "blocks", _("residential blocks")
        CELLS = "cells", _("cell survey")
        HEADCOUNTS = "headcounts", _("headcounts")
        RESIDENCE = "residence", _("population by home region")
        RECOMMENDATIONS = "recommendations", _("recommendations of a mechanism")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be checked")
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked (dry run)")
        REJECTED = "rejected", _("has rejected rows")
        CONFIRMING = "confirming", _("being written")
        IMPORTED = "imported", _("imported")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("imported"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    step_started_at = models.DateTimeField(_("current step started"), null=True, blank=True)
    checked_sha256 = models.CharField(_("SHA-256 of the checked file"), max_length=64, blank=True)
    checked_versions = models.JSONField(default=dict, blank=True)
    allow_older_counts = models.BooleanField(_("write counts older than the stored ones"), default=False)
    changes = models.JSONField(default=list, blank=True)
    older = models.PositiveIntegerField(default=0)

    class Meta:
        # The model moved here from roadmap_portal (migrations.SeparateDatabaseAndState): its table kept its name.
        db_table = "roadmap_portal_importrecord"
        ordering = ["-created_at", "-id"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.file_name}"
