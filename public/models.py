"""Releases of the public site (docs/public.md): the figures as of a date, checked by the disclosure
rules, reviewed and published by an administrator; a published release never changes."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.bounds import FREE_TEXT


def canonical_json(value) -> bytes:
    """``value`` as canonical JSON (sorted keys, no spaces, UTF-8): what ``sha256`` is computed over."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class ReleaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Release.Status.PUBLISHED).order_by("-number")

    def current(self) -> "Release | None":
        """The latest published release (the public site's figures), or None."""
        return self.published().first()


class Release(models.Model):
    """A release of the public figures.

    ``status``: ``draft`` (prepared: content computed, suppressions listed) -> ``reviewed`` (an
    administrator checked it) -> ``published`` (numbered 1, 2, ... in order of publication, dated, and
    from then on immutable: Release.save and a database trigger refuse any change or deletion). A
    correction is a new release with ``corrects`` and a ``note``. ``content``: the published figures
    (public.content.build); ``suppressions``: what was suppressed and why (public); ``withheld``: the
    unrounded values of the suppressed cells, for the review only (never public); ``rules``: the
    disclosure rules applied; ``sha256``: of the canonical JSON of ``content`` (the ETag of its pages).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEWED = "reviewed", _("reviewed")
        PUBLISHED = "published", _("published")

    number = models.PositiveIntegerField(_("number"), null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    as_of = models.DateField(_("figures as of"))
    computed_at = models.DateTimeField(_("computed at"))
    note = models.TextField(_("note"), blank=True, validators=FREE_TEXT.validators())
    note_ru = models.TextField(_("note (Russian)"), blank=True, validators=FREE_TEXT.validators())
    note_kk = models.TextField(_("note (Kazakh)"), blank=True, validators=FREE_TEXT.validators())
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", verbose_name=_("corrects")
    )
    content = models.JSONField(encoder=DjangoJSONEncoder)
    suppressions = models.JSONField(default=list)
    withheld = models.JSONField(default=list)
    rules = models.JSONField(default=dict)
    licence = models.CharField(_("licence"), max_length=200)
    sha256 = models.CharField(max_length=64)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-prepared_at", "-id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="published", number__isnull=False, published_at__isnull=False)
                | (~Q(status="published") & Q(number__isnull=True)),
                name="release_number_when_published",
            ),
        ]

    def __str__(self):
        if self.number:
            return f"Release {self.number} ({self.as_of:%Y-%m-%d})"
        return f"{self.get_status_display().capitalize()} #{self.pk} of {self.as_of:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        """Refuses (ValidationError) to save a release that is published in the database: it never changes."""
        if self.pk and Release.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ValidationError(_("A published release never changes; publish a correction as a new release."))
        self.sha256 = hashlib.sha256(canonical_json(self.content)).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and Release.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ValidationError(_("A published release is never deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def etag(self) -> str:
        """The entity tag of the release's pages and files: its number (``d<id>`` for a draft) and its
        content's SHA-256, shortened. Two releases never share one, even with the same figures (a
        correction of the note only, say), so a cached page of an earlier release is never taken for
        the current one."""
        return f"{'r' + str(self.number) if self.number else 'd' + str(self.pk)}-{self.sha256[:24]}"
