"""Inspections (visits by prosecutors and monitors), their findings, and the one registry of every
mechanism's recommendations (docs/data.md, §The domain model; docs/recommendations.md).

A prosecutor's finding is a recommendation of the prosecutor's mechanism whose source is its inspection;
a recommendation of another mechanism (national preventive mechanism, UN Subcommittee, Committee against
Torture, Universal Periodic Review...) has a SourceDocument instead. Both are rows of ``Finding``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cells.models import Cell, StandardRule
from core.bounds import DATES, FREE_TEXT
from core.fields import NameField
from core.versioning import Versioned
from facilities import scoping
from facilities.mechanisms import Mechanism
from facilities.models import Facility, Region, RegionScopedQuerySet, ResidentialBlock


class InspectionQuerySet(RegionScopedQuerySet):
    region_path = "facility__region"


class FindingQuerySet(RegionScopedQuerySet):
    region_path = "region"

    def bulk_create(self, objs, *args, **kwargs):
        """bulk_create with each finding's scope placed first (Finding.place_scope), as save does."""
        objs = list(objs)
        for finding in objs:
            finding.place_scope()
        return super().bulk_create(objs, *args, **kwargs)

    def visible_to(self, user):
        """The recommendations ``user`` may read: those of their regions, and national ones (no region)
        for every portal user with any scope."""
        scope = scoping.region_scope(user)
        if scope is None:
            return self
        if not scope and not scoping.roles(user):
            return self.none()
        return self.filter(Q(region__in=scope) | Q(region__isnull=True))

    def overdue(self, today: datetime.date | None = None):
        """Findings and recommendations still open or in progress (not resolved, verified, rejected) whose
        deadline has passed or one of whose actions is overdue (Action.is_overdue: computed per action)."""
        today = today or timezone.localdate()
        late_action = Action.objects.filter(finding=models.OuterRef("pk")).overdue(today)
        return self.filter(Q(deadline__lt=today) | Q(models.Exists(late_action)), status__in=Finding.OPEN_STATUSES)

    def open(self):
        return self.filter(status__in=Finding.OPEN_STATUSES)

    def implemented(self):
        """Implemented: judged achieved by the mechanism that made it, or, before any judgement, verified
        (a prosecutor's finding checked on site)."""
        return self.filter(Q(judgement=Finding.Judgement.ACHIEVED) | Q(judgement="", status=Finding.Status.VERIFIED))


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


# A document's reference and a paragraph are identifiers (published on the public site), never prose:
# a symbol such as "CAT/OP/KAZ/ROSP/1", "A/HRC/28/10", "НПМ-35/2026-07" (at most four parts separated by
# spaces, no commas, semicolons or quotes), a paragraph such as "12", "140.12", "D4", "12 (b)".
REFERENCE_FORMAT = RegexValidator(
    r"^[^\s,;:\"'«»]+( [^\s,;:\"'«»]+){0,3}$",
    _("A reference is the document's symbol or number (e.g. CAT/C/KAZ/CO/4): at most four parts, no commas."),
)
PARAGRAPH_FORMAT = RegexValidator(
    r"^[^\W\d_]{0,3}\d+([.\-]\d+)*( ?\(\w{1,4}\))?$",
    _("A paragraph is its number as the document gives it (e.g. 12, 140.12, D4, 12 (b))."),
)


class SourceDocument(Versioned):
    """The document a mechanism's recommendations come from: a visit report of the national preventive
    mechanism, the UN Subcommittee's report (e.g. CAT/OP/KAZ/ROSP/1), the Committee against Torture's
    concluding observations (CAT/C/KAZ/CO/4), a Universal Periodic Review's report (A/HRC/...).
    ``reference`` is the body's own symbol or number; ``date`` its date of adoption or sending."""

    mechanism = models.CharField(_("mechanism"), max_length=20, choices=Mechanism.choices)
    reference = NameField(_("reference"), max_length=120, validators=[REFERENCE_FORMAT])
    date = models.DateField(_("date"), validators=DATES.validators())
    title = models.CharField(_("title"), max_length=300, blank=True, validators=FREE_TEXT.validators())
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True, validators=FREE_TEXT.validators())
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True, validators=FREE_TEXT.validators())
    url = models.URLField(_("address of the published document"), blank=True)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "reference"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "reference"], name="source_document_unique_reference"),
        ]

    def __str__(self):
        return f"{self.reference} ({self.date:%Y-%m-%d})"

    def clean(self):
        """A stored document's date cannot move after a deadline, an action's due date or a follow-up of
        its recommendations (each would then come before its source). Raises ValidationError {"date"}."""
        super().clean()
        if not self.pk or self.date is None:
            return
        dates = [
            *Finding.objects.filter(source_document=self, deadline__isnull=False).values_list("deadline", flat=True),
            *Action.objects.filter(finding__source_document=self).values_list("due_date", flat=True),
            *Judgement.objects.filter(finding__source_document=self).values_list("follow_up_date", flat=True),
        ]
        earliest = min(dates, default=None)
        if earliest is not None and earliest < self.date:
            raise ValidationError(
                {
                    "date": _(
                        "The document cannot be dated after a deadline, due date or follow-up of its "
                        "recommendations (the earliest: %(date)s)."
                    )
                    % {"date": f"{earliest:%Y-%m-%d}"}
                }
            )


class Finding(Versioned):
    """A recommendation of the registry: a finding of a prosecutor's inspection (``inspection``), or a
    recommendation of another mechanism from its ``source_document`` (with its ``paragraph``).

    Scope: the nation, a region, a facility, a block or a cell (``scope``; ``region`` and ``facility`` are
    set as far as the scope reaches). ``rule``: the standard's rule it concerns, if any;
    ``responsible_body``: who must act (e.g. "Committee of the Penal Correction System"). Actions
    (Action) carry owners and due dates; progress reports are FindingUpdate rows with attachments
    (public or private). Status: ``open -> in_progress -> resolved -> verified``, or ``rejected``;
    ``judgement``: the latest independent judgement of implementation by the mechanism that made it
    (Judgement rows; HM Inspectorate of Prisons' scale). Overdue: still open and past its ``deadline``
    or with an overdue action.
    """

    class Scope(models.TextChoices):
        NATION = "nation", _("nation")
        REGION = "region", _("region")
        FACILITY = "facility", _("facility")
        BLOCK = "block", _("residential block")
        CELL = "cell", _("cell")

    class Judgement(models.TextChoices):
        ACHIEVED = "achieved", _("achieved")
        PARTIALLY = "partially_achieved", _("partially achieved")
        NOT_ACHIEVED = "not_achieved", _("not achieved")
        NO_LONGER_APPLICABLE = "no_longer_applicable", _("no longer applicable")

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

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings", null=True, blank=True)
    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="recommendations",
        null=True,
        blank=True,
        verbose_name=_("source document"),
    )
    mechanism = models.CharField(_("mechanism"), max_length=20, choices=Mechanism.choices, default=Mechanism.PROSECUTOR)
    paragraph = models.CharField(_("paragraph"), max_length=40, blank=True, validators=[PARAGRAPH_FORMAT])
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.FACILITY)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("facility")
    )
    responsible_body = models.CharField(
        _("responsible body"), max_length=200, blank=True, validators=FREE_TEXT.validators()
    )
    judgement = models.CharField(_("judgement"), max_length=24, choices=Judgement.choices, blank=True)
    judged_on = models.DateField(_("date of the follow-up"), null=True, blank=True)
    block = models.ForeignKey(
        ResidentialBlock, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("residential block")
    )
    cell = models.ForeignKey(Cell, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("cell"))
    rule = models.ForeignKey(
        StandardRule, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("standard rule")
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
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
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False) | Q(source_document__isnull=False),
                name="finding_has_a_source",
            ),
            models.CheckConstraint(
                condition=Q(scope="nation", region__isnull=True, facility__isnull=True)
                | Q(scope="region", region__isnull=False, facility__isnull=True)
                | Q(scope__in=["facility", "block", "cell"], region__isnull=False, facility__isnull=False),
                name="finding_scope_matches_region_and_facility",
            ),
        ]

    def __str__(self):
        source = self.inspection if self.inspection_id else self.source_document
        return f"{source}: {self.description[:60]}"

    def clean(self):
        """The deadline cannot be before the source document (raises ValidationError {"deadline"})."""
        super().clean()
        document = self.source_document if self.source_document_id or self.source_document else None
        if document is not None and self.deadline and document.date and self.deadline < document.date:
            raise ValidationError(
                {
                    "deadline": _("The deadline cannot be before the source document (%(date)s).")
                    % {"date": f"{document.date:%Y-%m-%d}"}
                }
            )

    def source_date(self) -> datetime.date | None:
        """The date of the source: the document's, else the inspection's start."""
        if self.source_document is not None:
            return self.source_document.date
        return self.inspection.date_start if self.inspection is not None else None

    def save(self, *args, **kwargs):
        """Saves with ``region``, ``facility`` and ``scope`` placed (place_scope) from the inspection, block
        and cell, so that every way of writing a finding keeps them consistent."""
        self.place_scope()
        update_fields = kwargs.get("update_fields")
        if update_fields:
            kwargs["update_fields"] = list(dict.fromkeys([*update_fields, "region", "facility", "scope", "block"]))
        super().save(*args, **kwargs)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """True when the finding is still open or in progress and its deadline has passed or one of its
        actions is overdue (FindingQuerySet.overdue, the same rule on one row)."""
        today = today or timezone.localdate()
        if self.status not in self.OPEN_STATUSES:
            return False
        if self.deadline and self.deadline < today:
            return True
        if not self.pk:
            return False
        if "actions" in getattr(self, "_prefetched_objects_cache", {}):  # prefetched: no query per row
            return any(action.is_overdue(today) for action in self.actions.all())
        return self.actions.overdue(today).exists()

    def source_label(self) -> str:
        """The source in one line: "CAT/C/KAZ/CO/4, para. 12 (2024-11-29)" or the inspection."""
        document = self.source_document
        if document is not None:
            paragraph = f", {_('para.')} {self.paragraph}" if self.paragraph else ""
            return f"{document.reference}{paragraph} ({document.date:%Y-%m-%d})"
        return str(self.inspection)

    def place_scope(self) -> None:
        """Set ``region`` and ``facility`` from the inspection, cell or block where they follow from
        them (a prosecutor's finding concerns its inspection's facility), and ``scope`` from the most
        precise of them. Called by the services before ``full_clean``."""
        if self.inspection is not None and not self.facility_id:
            self.facility = self.inspection.facility
        if self.cell is not None and not self.block_id:
            self.block = self.cell.block
        if self.block is not None and not self.facility_id:
            self.facility = self.block.facility
        if self.facility is not None:
            self.region_id = self.facility.region_id
        if self.cell_id:
            self.scope = self.Scope.CELL
        elif self.block_id:
            self.scope = self.Scope.BLOCK
        elif self.facility_id:
            self.scope = self.Scope.FACILITY
        elif self.region_id:
            self.scope = self.Scope.REGION
        else:
            self.scope = self.Scope.NATION


class ActionQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None):
        """Actions past their due date that are neither done nor cancelled."""
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).exclude(status__in=Action.CLOSED_STATUSES)


class Action(Versioned):
    """An action the responsible body takes on a recommendation: what, who owns it (a unit or post, not a
    person's name), by when. Overdue: past ``due_date`` and not done or cancelled (per action). Versioned:
    an edit names the version it read (If-Match, the form's hidden version; inspections.registry)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

    finding = models.ForeignKey("Finding", on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"), validators=FREE_TEXT.validators())
    description_ru = models.TextField(_("action (Russian)"), blank=True, validators=FREE_TEXT.validators())
    description_kk = models.TextField(_("action (Kazakh)"), blank=True, validators=FREE_TEXT.validators())
    owner = models.CharField(_("owner"), max_length=200, validators=FREE_TEXT.validators())
    due_date = models.DateField(_("due date"), validators=DATES.validators())
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=DATES.validators())
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return f"{self.owner}: {self.description[:60]} ({self.due_date:%Y-%m-%d})"

    def clean(self):
        """The due date and the completion cannot be before the recommendation's source (its document or
        its inspection). Raises ValidationError {"due_date" | "completed_on"}."""
        super().clean()
        finding = getattr(self, "finding", None)  # unsaved in an import's dry run
        start = finding.source_date() if finding is not None else None
        if start is None:
            return
        message = _("This date cannot be before the recommendation's source (%(date)s).") % {
            "date": f"{start:%Y-%m-%d}"
        }
        errors = {}
        if self.due_date and self.due_date < start:
            errors["due_date"] = [message]
        if self.completed_on and self.completed_on < start:
            errors["completed_on"] = [message]
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """True when ``due_date`` has passed and the action is neither done nor cancelled."""
        today = today or timezone.localdate()
        return self.due_date < today and self.status not in self.CLOSED_STATUSES


class Judgement(models.Model):
    """An independent judgement of a recommendation's implementation by the mechanism that made it, at a
    follow-up (``follow_up_date``). Append-only; the latest sets Finding.judgement and judged_on."""

    finding = models.ForeignKey("Finding", on_delete=models.CASCADE, related_name="judgements")
    mechanism = models.CharField(_("mechanism"), max_length=20, choices=Mechanism.choices)
    judgement = models.CharField(_("judgement"), max_length=24, choices=Finding.Judgement.choices)
    follow_up_date = models.DateField(_("date of the follow-up"), validators=DATES.validators())
    note = models.TextField(_("note"), blank=True, validators=FREE_TEXT.validators())
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["follow_up_date", "created_at", "id"]
        verbose_name = _("judgement")
        verbose_name_plural = _("judgements")

    def __str__(self):
        return f"{self.get_judgement_display()} ({self.follow_up_date:%Y-%m-%d})"


class FindingUpdate(models.Model):
    """Append-only log of a finding's status changes and responses."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="updates")
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("action")
    )
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
    public = models.BooleanField(
        _("public evidence"),
        default=False,
        help_text=_("Shown on the public site beside the recommendation's judgement (never its file name)."),
    )
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
