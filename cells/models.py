"""Cells (rooms and cells alike), standards as data, and what compliance runs record (docs/data.md)."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.bounds import DATES, FREE_TEXT
from core.fields import NameField
from core.i18n import active_language
from core.numbers import quantity
from core.validators import future_message, is_in_future
from core.versioning import Versioned
from facilities.models import AccommodationType, ConversionProject, Facility, RegionScopedQuerySet, ResidentialBlock

# The engine's stored data has its own module; its models belong to this app and are named from here.
from . import bounds
from .compliance.models import (  # noqa: F401
    STATUS_COUNTS,
    TOTAL_COUNTS,
    BlockCompliance,
    BlockComplianceQuerySet,
    BlockTotals,
    ComplianceCounts,
    ComplianceRun,
    ComplianceSnapshot,
    DueCell,
    OutcomeLayout,
)
from .compliance.rules import metric_label


class CellQuerySet(RegionScopedQuerySet):
    region_path = "block__facility__region"
    _with_results = False
    # What reads the cells' results from their outcome codes: cells.compliance.outcomes.attach_results, set
    # by CellsConfig.ready, so that the models import no module of the engine (which imports them).
    attach_results: Callable[[list], None] | None = None

    def in_use(self):
        """Cells and rooms that accommodate people now (status ``in_use``): where persons held are counted
        and whose certified places are operational."""
        return self.filter(status=Cell.Status.IN_USE)

    def certified(self):
        """Cells and rooms on the cell certificate: in use, under reconstruction or temporarily out of use
        (Cell.CERTIFIED_STATUSES); not drafts, not decommissioned. Design and certified places sum over
        these; operational places over in_use()."""
        return self.filter(status__in=Cell.CERTIFIED_STATUSES)

    def with_results(self) -> "CellQuerySet":
        """The cells, each with ``active_results`` once fetched: its results under the active profiles, read
        from its recorded outcome codes, and ``rules_changed`` (cells.compliance.outcomes.attach_results:
        three queries per fetch, or per chunk of iterator(), whatever the number of cells)."""
        clone = self._chain()
        clone._with_results = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_results = self._with_results
        return clone

    def iterator(self, chunk_size=None):
        """As QuerySet.iterator; with_results: each chunk (default 2,000 cells) with its results."""
        if not self._with_results or self._iterable_class is not models.query.ModelIterable:
            yield from super().iterator(chunk_size)
            return
        chunk_size = chunk_size or 2000
        chunk = []
        for cell in super().iterator(chunk_size):
            chunk.append(cell)
            if len(chunk) == chunk_size:
                yield from self._attached(chunk)
                chunk = []
        yield from self._attached(chunk)

    @classmethod
    def _attached(cls, cells):
        cls.attach_results(cells)
        return cells

    def _fetch_all(self):
        fetching = self._result_cache is None
        super()._fetch_all()
        if fetching and self._with_results and self._iterable_class is models.query.ModelIterable:
            self._attached(self._result_cache)


class Cell(Versioned):
    """A room or cell of a residential block, with its measurements.

    Units: ``living_space_m2`` in m² excluding the sanitary annex; ``min_wall_distance_m`` and
    ``ceiling_height_m`` in m; ``design_capacity`` and ``occupancy`` in persons (occupancy counted on
    ``occupancy_date``). Unknown measurements are NULL, never 0. Occupancy above design capacity is
    recorded as a fact (overcrowding), not refused. A single-occupancy cell has a design capacity of 1.
    """

    class Status(models.TextChoices):
        IN_USE = "in_use", _("in use")
        UNDER_RECONSTRUCTION = "under_reconstruction", _("under reconstruction")
        DECOMMISSIONED = "decommissioned", _("decommissioned")
        # Registered but not yet brought into use by an approved certification request (counted nowhere).
        DRAFT = "draft", _("draft (awaiting certification)")
        # Temporarily out of use (cells.models.CellDeactivation): certified places, no operational ones.
        DEACTIVATED = "deactivated", _("temporarily out of use")

    # The statuses whose places are on the facility's cell certificate (certified places): in use, or out
    # of use for a while. Drafts are not yet certified; decommissioned rooms no longer are.
    CERTIFIED_STATUSES = (Status.IN_USE, Status.UNDER_RECONSTRUCTION, Status.DEACTIVATED)

    block = models.ForeignKey(
        ResidentialBlock, on_delete=models.CASCADE, related_name="cells", verbose_name=_("residential block")
    )
    number = NameField(_("number"), max_length=20)
    accommodation_type = models.CharField(_("accommodation type"), max_length=24, choices=AccommodationType.choices)
    living_space_m2 = models.DecimalField(
        _("living space (m²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=bounds.LIVING_SPACE_M2.validators(),
    )
    design_capacity = models.PositiveIntegerField(
        _("design capacity (persons)"),
        null=True,
        blank=True,
        validators=bounds.DESIGN_CAPACITY.validators(),
    )
    certified_capacity = models.PositiveIntegerField(
        _("certified capacity (persons)"),
        null=True,
        blank=True,
        validators=bounds.DESIGN_CAPACITY.validators(),
        help_text=_("places the last approved certification gave the cell; changed only by a certification request"),
    )
    occupancy = models.PositiveIntegerField(
        _("occupancy (persons)"), null=True, blank=True, validators=bounds.OCCUPANCY.validators()
    )
    occupancy_date = models.DateField(_("date of the count"), null=True, blank=True, validators=DATES.validators())
    has_sanitary_annex = models.BooleanField(_("sanitary annex"), null=True, blank=True)
    sanitary_annex_partitioned = models.BooleanField(_("sanitary annex fully partitioned"), null=True, blank=True)
    min_wall_distance_m = models.DecimalField(
        _("distance between walls (m)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=bounds.MIN_WALL_DISTANCE_M.validators(),
    )
    ceiling_height_m = models.DecimalField(
        _("ceiling height (m)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=bounds.CEILING_HEIGHT_M.validators(),
    )
    has_natural_light = models.BooleanField(_("natural light"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.IN_USE)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    # The help_texts below name the engine's functions of when the columns were added; they are kept (a
    # new text is a migration): the codes are RuleSet.codes_expression's, the trigger cells.compliance.triggers.
    evaluated_outcomes = models.CharField(
        max_length=400,
        null=True,
        blank=True,
        editable=False,
        help_text="outcome codes of every active rule at the last evaluation "
        "(cells.compliance.engine.outcome_codes_expression)",
    )
    input_revision = models.BigIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="raised by a database trigger whenever an input of the compliance evaluation changes, "
        "whatever writes it (cells.compliance.engine.install_revision_trigger)",
    )
    evaluated_revision = models.BigIntegerField(
        null=True, blank=True, editable=False, help_text="input_revision at the last compliance evaluation"
    )
    # The cell's contribution to its block's snapshot at the last evaluation (no block when it was not in
    # use), so that a run takes a changed cell's old contribution out of the block's figures and adds
    # the new one without reading the results.
    evaluated_block_id = models.BigIntegerField(null=True, blank=True, editable=False)
    evaluated_persons = models.PositiveIntegerField(null=True, blank=True, editable=False)
    evaluated_places = models.PositiveIntegerField(null=True, blank=True, editable=False)
    evaluated_single = models.BooleanField(null=True, blank=True, editable=False)
    outcomes_changed_at = models.DateTimeField(
        _("compliance outcomes last changed"),
        null=True,
        blank=True,
        editable=False,
        help_text="when a run last recorded other outcome codes for the cell",
    )
    history = HistoricalRecords(
        excluded_fields=[
            "evaluated_outcomes",
            "input_revision",
            "evaluated_revision",
            "evaluated_block_id",
            "evaluated_persons",
            "evaluated_places",
            "evaluated_single",
            "outcomes_changed_at",
        ]
    )

    objects = CellQuerySet.as_manager()

    class Meta:
        ordering = ["block_id", "number", "id"]
        verbose_name = _("cell")
        verbose_name_plural = _("cells")
        constraints = [
            models.UniqueConstraint(fields=["block", "number"], name="cell_unique_number_per_block"),
            models.CheckConstraint(
                condition=Q(living_space_m2__gt=0) | Q(living_space_m2__isnull=True),
                name="cell_living_space_positive",
                violation_error_message=_("Living space (m²) must be greater than 0; leave it empty when unknown."),
            ),
            models.CheckConstraint(
                condition=Q(design_capacity__gte=1) | Q(design_capacity__isnull=True),
                name="cell_design_capacity_positive",
                violation_error_message=_("Design capacity is at least 1 person; leave it empty when unknown."),
            ),
            models.CheckConstraint(
                condition=Q(certified_capacity__gte=1) | Q(certified_capacity__isnull=True),
                name="cell_certified_capacity_positive",
                violation_error_message=_(
                    "Certified capacity is at least 1 person; leave it empty when not certified."
                ),
            ),
            models.CheckConstraint(
                condition=Q(occupancy__gte=0) | Q(occupancy__isnull=True),
                name="cell_occupancy_not_negative",
                violation_error_message=_("Occupancy cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(min_wall_distance_m__gt=0) | Q(min_wall_distance_m__isnull=True),
                name="cell_wall_distance_positive",
                violation_error_message=_("The distance between walls (m) must be greater than 0."),
            ),
            models.CheckConstraint(
                condition=Q(ceiling_height_m__gt=0) | Q(ceiling_height_m__isnull=True),
                name="cell_ceiling_height_positive",
                violation_error_message=_("The ceiling height (m) must be greater than 0."),
            ),
            models.CheckConstraint(
                condition=~Q(accommodation_type=AccommodationType.SINGLE)
                | Q(design_capacity__isnull=False, design_capacity=1),
                name="cell_single_occupancy_capacity_1",
                violation_error_message=_("A single-occupancy cell has a design capacity of exactly 1."),
            ),
        ]
        indexes = [models.Index(fields=["status", "accommodation_type"])]

    def __str__(self):
        return f"{self.block} / {self.number}"

    # The fields a user writes (the page's form, the API, the import; cells.services.prepare_cell).
    WRITABLE_FIELDS = (
        "number",
        "accommodation_type",
        "living_space_m2",
        "design_capacity",
        "occupancy",
        "occupancy_date",
        "has_sanitary_annex",
        "sanitary_annex_partitioned",
        "min_wall_distance_m",
        "ceiling_height_m",
        "has_natural_light",
        "status",
    )
    ENGINE_FIELDS = (
        "evaluated_outcomes",
        "input_revision",
        "evaluated_revision",
        "evaluated_block_id",
        "evaluated_persons",
        "evaluated_places",
        "evaluated_single",
        "outcomes_changed_at",
    )

    def save(self, *args, **kwargs):
        """A new row (a copy made with ``pk = None`` too) has never been evaluated. Saving an existing
        row never writes the columns the compliance engine and its trigger own (ENGINE_FIELDS): a copy
        loaded before a run must not write back what the run replaced."""
        if self._state.adding and self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            self._state.adding = False  # a new instance given the key of a stored cell updates that cell
        if self.pk is None or self._state.adding:
            for name in self.ENGINE_FIELDS:
                setattr(self, name, 1 if name == "input_revision" else None)
        elif kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.ENGINE_FIELDS
            ]
        super().save(*args, **kwargs)

    def clean(self):
        """Rules across fields: a count is not dated in the future; a partitioned annex needs an annex;
        a decommissioned room holds nobody; a single-occupancy cell has capacity 1 (also a database
        constraint). Together with the field validators this checks every constraint in Python, so that
        imports validate rows without a query each. Raises ValidationError naming the field."""
        errors = {}
        if is_in_future(self.occupancy_date):
            errors["occupancy_date"] = future_message()
        if self.sanitary_annex_partitioned and self.has_sanitary_annex is False:
            errors["sanitary_annex_partitioned"] = _("A partitioned sanitary annex needs a sanitary annex.")
        if self.status == self.Status.DECOMMISSIONED and self.occupancy:
            errors["occupancy"] = _("A decommissioned room or cell holds nobody (occupancy 0).")
        if self.accommodation_type == AccommodationType.SINGLE and self.design_capacity != 1:
            errors["design_capacity"] = _("A single-occupancy cell has a design capacity of exactly 1.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_overcrowded(self) -> bool:
        """True when occupancy (persons) exceeds design capacity (persons)."""
        return None not in (self.occupancy, self.design_capacity) and self.occupancy > self.design_capacity

    @property
    def inputs_changed(self) -> bool:
        """True when an input of the compliance evaluation changed since the cell's last evaluation (or it
        was never evaluated): its recorded results are those of its earlier measurements until the next
        run (the same condition as cells.compliance.triggers.due)."""
        return self.evaluated_revision is None or self.evaluated_revision != self.input_revision

    @property
    def awaiting_evaluation(self) -> bool:
        """True when the cell's recorded results may no longer be what the next run gives: an input
        changed (inputs_changed), or, for a cell read with its results (CellQuerySet.with_results), a rule
        of the active profiles changed (added, removed, another threshold, operator, metric or
        accommodation types) since its evaluation."""
        return self.inputs_changed or getattr(self, "rules_changed", False)


class StandardProfile(models.Model):
    """A set of accommodation rules from one source (CPT, ICRC, Mandela Rules, the roadmap, national code).

    ``verified`` is False where the figures were seen only in secondary sources; every result computed
    from such a profile is shown with that status. Only ``is_active`` profiles are evaluated.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=500)
    reference_ru = models.CharField(_("reference (Russian)"), max_length=500, blank=True)
    reference_kk = models.CharField(_("reference (Kazakh)"), max_length=500, blank=True)
    verified = models.BooleanField(_("verified against the official text"), default=False)
    verification_note = models.TextField(_("verification note"), blank=True)
    verification_note_ru = models.TextField(_("verification note (Russian)"), blank=True)
    verification_note_kk = models.TextField(_("verification note (Kazakh)"), blank=True)
    language_sources = models.JSONField(
        _("sources of the texts by language"),
        default=dict,
        blank=True,
        help_text=_('{"ru": {"official": true, "source": "..."}, "kk": {"official": false, "source": "..."}}'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("standard profile")
        verbose_name_plural = _("standard profiles")

    def __str__(self):
        return self.code

    def language_source(self, language: str | None = None) -> dict | None:
        """Where the profile's texts in ``language`` (default: the active one) come from:
        ``{"official": bool, "source": str}`` from ``language_sources`` for Russian or Kazakh, None for
        English (the texts as written) or when nothing is recorded."""
        entry = (self.language_sources or {}).get(active_language(language))
        if active_language(language) == "en" or not isinstance(entry, dict):
            return None
        return {"official": bool(entry.get("official")), "source": str(entry.get("source") or "")}


class StandardRule(models.Model):
    """One rule of a profile: ``metric operator value`` for the listed accommodation types.

    ``metric`` is one of cells.compliance.rules.METRICS; ``operator`` one of ``>=``, ``<=``, ``==``;
    ``value`` a number, boolean or text (JSON); ``unit`` e.g. ``m2``, ``m``, ``persons``;
    ``source`` cites the paragraph (e.g. "CPT/Inf (2015) 44, paras 9-10").
    """

    class Operator(models.TextChoices):
        GTE = ">=", "≥"
        LTE = "<=", "≤"
        EQ = "==", "="

    profile = models.ForeignKey(StandardProfile, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("code"), max_length=20, unique=True)
    metric = models.CharField(_("metric"), max_length=40)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    value = models.JSONField(_("threshold"))
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    applies_to = models.JSONField(_("applies to accommodation types"), default=list)
    source = models.CharField(_("source"), max_length=300)
    source_ru = models.CharField(_("source (Russian)"), max_length=300, blank=True)
    source_kk = models.CharField(_("source (Kazakh)"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_kk = models.TextField(_("summary (Kazakh)"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["profile__position", "position", "code"]
        verbose_name = _("standard rule")
        verbose_name_plural = _("standard rules")

    def __str__(self):
        return f"{self.code}: {self.metric} {self.operator} {self.value}"

    @property
    def verified(self) -> bool:
        """A rule is as verified as its profile."""
        return self.profile.verified

    def requirement_text(self) -> str:
        """The rule as a sentence in the active language: the metric's label, the operator, the threshold with
        its unit (core.numbers.quantity), e.g. ``living space ≥ 6.0 m²`` (``жилая площадь ≥ 6,0 м²`` in ru),
        ``sanitary annex = yes``, ``persons accommodated ≤ 1 person``. Never shows a metric code
        (cells.compliance.rules.METRIC_LABELS); "persons" agrees with the value (ngettext)."""
        value = self.value
        if isinstance(value, bool):
            value = gettext("yes") if value else gettext("no")
        elif isinstance(value, str) and value in AccommodationType.values:
            value = AccommodationType(value).label
        else:
            value = quantity(value, self.unit)
        return f"{metric_label(self.metric)} {self.get_operator_display()} {value}"

    def applies_to_labels(self) -> list[str]:
        """The accommodation types the rule applies to, as display labels."""
        labels = dict(AccommodationType.choices)
        return [str(labels.get(code, code)) for code in self.applies_to]


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", _("compliant")
    NON_COMPLIANT = "non_compliant", _("non-compliant")
    UNKNOWN = "unknown", _("unknown")


# ---------------------------------------------------------------------------------------------------
# The certified record: certification requests, cell certificates, movements of persons, deactivations
# (docs/data.md, §Capacity and certification). Modelled on the UK Ministry of Justice's "Locations Inside
# Prison" service: three capacity figures per cell, every change of certified capacity through an approval,
# a versioned cell certificate per prison, temporary deactivation with a reason and an expected return date.


class CertificationRequestQuerySet(RegionScopedQuerySet):
    region_path = "facility__region"


class CertificationRequest(Versioned):
    """A request to change a facility's certified record, decided by a certification reviewer who is not
    the requester (separation of duties).

    Lines (CertificationLine) name the cells: a new or draft cell brought into use, a change of certified
    capacity (persons), accommodation type or sanitary annex, a permanent decommissioning. ``movement_plan``
    lists the movements of persons applied on approval (a conversion: from the block's rooms and the
    facility's other dormitories into the new cells), each ``{"from_cell": id, "to_cell": id, "persons": n}``.
    Status ``pending -> approved | rejected | withdrawn``; approval applies everything in one transaction
    and issues the facility's next CellCertificate (cells.certification.approve).
    """

    class Kind(models.TextChoices):
        CAPACITY = "capacity_change", _("change of certified capacity")
        NEW_CELLS = "new_cells", _("new cells")
        DECOMMISSIONING = "decommissioning", _("decommissioning")
        ACCOMMODATION_TYPE = "accommodation_type", _("change of accommodation type")
        SANITARY_ANNEX = "sanitary_annex", _("change of sanitary annex")
        CONVERSION = "conversion", _("completion of a block's conversion")
        MIXED = "mixed", _("several changes")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="certification_requests", verbose_name=_("institution")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), validators=FREE_TEXT.validators())
    project = models.ForeignKey(
        ConversionProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certification_requests",
        verbose_name=_("conversion project"),
    )
    movement_plan = models.JSONField(_("movements of persons on approval"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certification_requests",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certification_decisions",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, validators=FREE_TEXT.validators())
    # What the reviewer saw when deciding: each line's results and the plan with the counts of that moment
    # (cells.certification.decision_record), so that a decided request shows what it was decided on.
    decision_record = models.JSONField(_("figures at the decision"), default=dict, blank=True, editable=False)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords(excluded_fields=["decision_record"])

    objects = CertificationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("certification request")
        verbose_name_plural = _("certification requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="certification_request_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "rejected"]) | ~Q(decided_by=models.F("requested_by")),
                name="certification_request_not_self_decided",
                violation_error_message=_("A certification request is never decided by its requester."),
            ),
        ]

    def __str__(self):
        return f"{self.facility.code} #{self.pk} ({self.get_kind_display()})"


class CertificationLine(models.Model):
    """One cell of a CertificationRequest and what the request does to it (``action``), with the values
    before (as the cell stood when the request was made) and the values proposed (None / "" = unchanged).
    ``pending`` is True while the request is pending: a database constraint keeps a cell on one pending
    request at a time."""

    class Action(models.TextChoices):
        BRING_INTO_USE = "bring_into_use", _("bring into use (new cell)")
        CHANGE = "change", _("change")
        DECOMMISSION = "decommission", _("decommission permanently")

    request = models.ForeignKey(CertificationRequest, on_delete=models.CASCADE, related_name="lines")
    cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="certification_lines", verbose_name=_("cell"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    certified_capacity = models.PositiveIntegerField(
        _("certified capacity (persons)"), null=True, blank=True, validators=bounds.DESIGN_CAPACITY.validators()
    )
    accommodation_type = models.CharField(
        _("accommodation type"), max_length=24, choices=AccommodationType.choices, blank=True
    )
    has_sanitary_annex = models.BooleanField(_("sanitary annex"), null=True, blank=True)
    before_status = models.CharField(_("status before"), max_length=24, choices=Cell.Status.choices)
    before_certified_capacity = models.PositiveIntegerField(_("certified capacity before"), null=True, blank=True)
    before_accommodation_type = models.CharField(
        _("accommodation type before"), max_length=24, choices=AccommodationType.choices, blank=True
    )
    before_has_sanitary_annex = models.BooleanField(_("sanitary annex before"), null=True, blank=True)
    pending = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("certification request line")
        verbose_name_plural = _("certification request lines")
        constraints = [
            models.UniqueConstraint(
                fields=["cell"], condition=Q(pending=True), name="certification_line_one_pending_request_per_cell"
            ),
            models.UniqueConstraint(fields=["request", "cell"], name="certification_line_cell_once_per_request"),
        ]

    def __str__(self):
        return f"{self.request_id}: {self.cell_id} {self.action}"


class CellCertificateQuerySet(RegionScopedQuerySet):
    region_path = "facility__region"


class CellCertificate(models.Model):
    """An immutable, numbered version of a facility's cell certificate: who approved it and when, the
    totals of the three capacity figures (persons) and one CertificateLine per certified cell. Version 1
    is the baseline (the record as it stood before the first certification request was decided); each
    approved request issues the next version. Never updated or deleted once issued."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="cell_certificates", verbose_name=_("institution")
    )
    number = models.PositiveIntegerField(_("version"))
    issued_at = models.DateTimeField(_("issued at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("approved by")
    )
    request = models.OneToOneField(
        CertificationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("certification request"),
    )
    is_baseline = models.BooleanField(_("baseline"), default=False)
    cells = models.PositiveIntegerField(_("cells"))
    places_design = models.PositiveIntegerField(_("design capacity (persons)"))
    places_certified = models.PositiveIntegerField(_("certified capacity (persons)"))
    places_operational = models.PositiveIntegerField(_("operational capacity (persons)"))
    is_demo = models.BooleanField(_("generated demo data"), default=False)

    objects = CellCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["facility", "-number"]
        verbose_name = _("cell certificate")
        verbose_name_plural = _("cell certificates")
        constraints = [
            models.UniqueConstraint(fields=["facility", "number"], name="cell_certificate_unique_version"),
            models.CheckConstraint(condition=Q(number__gte=1), name="cell_certificate_version_positive"),
        ]

    def __str__(self):
        return f"{self.facility.code} v{self.number}"

    def save(self, *args, **kwargs):
        """Issue only: a stored certificate is never changed (raises ValueError)."""
        if not self._state.adding:
            raise ValueError("A cell certificate is immutable once issued.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A cell certificate is immutable once issued.")


class CertificateLine(models.Model):
    """One certified cell on a CellCertificate, as it stood when the version was issued: block, number,
    accommodation type, living space (m²), sanitary annex, design and certified capacity (persons), and
    whether it was in use (operational) or temporarily out of use."""

    certificate = models.ForeignKey(CellCertificate, on_delete=models.CASCADE, related_name="lines")
    cell = models.ForeignKey(Cell, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    block_name = models.CharField(_("residential block"), max_length=200)
    number = models.CharField(_("number"), max_length=20)
    accommodation_type = models.CharField(_("accommodation type"), max_length=24, choices=AccommodationType.choices)
    living_space_m2 = models.DecimalField(_("living space (m²)"), max_digits=8, decimal_places=2, null=True)
    has_sanitary_annex = models.BooleanField(_("sanitary annex"), null=True)
    design_capacity = models.PositiveIntegerField(_("design capacity (persons)"), null=True)
    certified_capacity = models.PositiveIntegerField(_("certified capacity (persons)"), null=True)
    operational = models.BooleanField(_("in use"))

    class Meta:
        ordering = ["certificate", "block_name", "number", "id"]
        verbose_name = _("certificate line")
        verbose_name_plural = _("certificate lines")

    def __str__(self):
        return f"{self.certificate}: {self.block_name} / {self.number}"


class MovementQuerySet(RegionScopedQuerySet):
    region_path = "from_cell__block__facility__region"


class Movement(models.Model):
    """A movement of ``persons`` from one cell to another of the same facility on ``date``, with its
    reason and author: the occupancy of ``from_cell`` goes down and that of ``to_cell`` up by the same
    number (persons are conserved; cells.movements.move_persons). ``request`` names the certification
    request whose approval applied it (a conversion), if any."""

    date = models.DateField(_("date"), validators=DATES.validators())
    from_cell = models.ForeignKey(
        Cell, on_delete=models.PROTECT, related_name="movements_out", verbose_name=_("from cell")
    )
    to_cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="movements_in", verbose_name=_("to cell"))
    persons = models.PositiveIntegerField(_("persons"))
    reason = models.TextField(_("reason"), validators=FREE_TEXT.validators())
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("author")
    )
    request = models.ForeignKey(
        CertificationRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_demo = models.BooleanField(_("generated demo data"), default=False)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("movement of persons")
        verbose_name_plural = _("movements of persons")
        constraints = [
            models.CheckConstraint(condition=Q(persons__gte=1), name="movement_persons_positive"),
            models.CheckConstraint(condition=~Q(from_cell=models.F("to_cell")), name="movement_between_two_cells"),
        ]

    def __str__(self):
        return f"{self.date}: {self.persons} {self.from_cell_id} -> {self.to_cell_id}"


class CellDeactivationQuerySet(RegionScopedQuerySet):
    region_path = "cell__block__facility__region"


class CellDeactivation(models.Model):
    """A cell temporarily out of use (status ``deactivated``): why (``reason``, ``reason_text`` for
    ``other``), since when, when it is expected back, and the work order; closed by its reactivation. A
    deactivated cell keeps its certified places and has no operational ones (cells.deactivation)."""

    class Reason(models.TextChoices):
        REFURBISHMENT = "refurbishment", _("refurbishment")
        CONVERSION = "conversion", _("conversion")
        DAMAGE = "damage", _("damage")
        DAMP = "damp", _("damp")
        PESTS = "pests", _("pests")
        MAINTENANCE = "maintenance", _("maintenance")
        SECURITY = "security", _("security")
        STAFF_SHORTAGE = "staff_shortage", _("staff shortage")
        OTHER = "other", _("other")

    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="deactivations", verbose_name=_("cell"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    reason_text = models.TextField(_("reason (other)"), blank=True, validators=FREE_TEXT.validators())
    deactivated_on = models.DateField(_("out of use since"), validators=DATES.validators())
    expected_reactivation = models.DateField(_("expected back in use"), validators=DATES.validators())
    work_order = models.CharField(_("work order"), max_length=100, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("deactivated by"),
    )
    reactivated_on = models.DateField(_("back in use on"), null=True, blank=True, validators=DATES.validators())
    reactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reactivated by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    objects = CellDeactivationQuerySet.as_manager()

    class Meta:
        ordering = ["-deactivated_on", "-id"]
        verbose_name = _("deactivation of a cell")
        verbose_name_plural = _("deactivations of cells")
        constraints = [
            models.UniqueConstraint(
                fields=["cell"], condition=Q(reactivated_on__isnull=True), name="cell_deactivation_one_open"
            ),
            models.CheckConstraint(
                condition=Q(expected_reactivation__gte=models.F("deactivated_on")),
                name="cell_deactivation_expected_after_start",
                violation_error_message=_("The expected reactivation date cannot be before the deactivation."),
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(reason_text=""),
                name="cell_deactivation_other_needs_text",
                violation_error_message=_('Describe the reason when it is "other".'),
            ),
        ]

    def __str__(self):
        return f"{self.cell} ({self.get_reason_display()} {self.deactivated_on})"
