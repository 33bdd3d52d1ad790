"""Cells (rooms and cells alike), standards as data, and what compliance runs record (DESIGN.md sections 3-4)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from facilities.models import AccommodationType, Facility, RegionScopedQuerySet, ResidentialBlock


class CellQuerySet(RegionScopedQuerySet):
    region_path = "block__facility__region"
    _with_results = False

    def in_use(self):
        """Cells and rooms that accommodate people now (status ``in_use``)."""
        return self.filter(status=Cell.Status.IN_USE)

    def with_results(self):
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

    @staticmethod
    def _attached(cells):
        from .compliance.outcomes import attach_results

        attach_results(cells)
        return cells

    def _fetch_all(self):
        fetching = self._result_cache is None
        super()._fetch_all()
        if fetching and self._with_results and self._iterable_class is models.query.ModelIterable:
            from .compliance.outcomes import attach_results

            attach_results(self._result_cache)


class Cell(models.Model):
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

    block = models.ForeignKey(
        ResidentialBlock, on_delete=models.CASCADE, related_name="cells", verbose_name=_("residential block")
    )
    number = models.CharField(_("number"), max_length=20)
    accommodation_type = models.CharField(_("accommodation type"), max_length=24, choices=AccommodationType.choices)
    living_space_m2 = models.DecimalField(
        _("living space (m²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(10000)],
    )
    design_capacity = models.PositiveIntegerField(
        _("design capacity (persons)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    occupancy = models.PositiveIntegerField(
        _("occupancy (persons)"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    occupancy_date = models.DateField(_("date of the count"), null=True, blank=True)
    has_sanitary_annex = models.BooleanField(_("sanitary annex"), null=True, blank=True)
    sanitary_annex_partitioned = models.BooleanField(_("sanitary annex fully partitioned"), null=True, blank=True)
    min_wall_distance_m = models.DecimalField(
        _("distance between walls (m)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    ceiling_height_m = models.DecimalField(
        _("ceiling height (m)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    has_natural_light = models.BooleanField(_("natural light"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.IN_USE)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
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
        if self.occupancy_date and self.occupancy_date > timezone.localdate():
            errors["occupancy_date"] = _("The date of the count cannot be in the future.")
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


class DueCell(models.Model):
    """A cell due for compliance evaluation: its inputs changed since its last evaluation, or it was never
    evaluated. The work list of an incremental run, kept by database triggers whatever writes the cell
    (cells.compliance.triggers), emptied by the run of the cells it evaluated. No foreign key: a row may
    outlive its cell (deleted), and the next run drops it."""

    cell_id = models.BigIntegerField(primary_key=True)

    def __str__(self):
        return f"cell {self.cell_id}"


class StandardProfile(models.Model):
    """A set of accommodation rules from one source (CPT, ICRC, Mandela Rules, the roadmap, national code).

    ``verified`` is False where the figures were seen only in secondary sources; every result computed
    from such a profile is shown with that status. Only ``is_active`` profiles are evaluated.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference"), max_length=500)
    verified = models.BooleanField(_("verified against the official text"), default=False)
    verification_note = models.TextField(_("verification note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("standard profile")
        verbose_name_plural = _("standard profiles")

    def __str__(self):
        return self.code


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
    summary = models.TextField(_("summary"), blank=True)
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
        """Human form of the threshold, e.g. ``≥ 6.0 m²`` or ``= yes``."""
        value = self.value
        if isinstance(value, bool):
            value = gettext("yes") if value else gettext("no")
        elif value in AccommodationType.values:
            value = AccommodationType(value).label
        unit = self.unit.replace("m2", "m²")
        return f"{self.get_operator_display()} {value} {unit}".strip()

    def applies_to_labels(self) -> list[str]:
        """The accommodation types the rule applies to, as display labels."""
        labels = dict(AccommodationType.choices)
        return [str(labels.get(code, code)) for code in self.applies_to]


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", _("compliant")
    NON_COMPLIANT = "non_compliant", _("non-compliant")
    UNKNOWN = "unknown", _("unknown")


class OutcomeLayout(models.Model):
    """Where each rule's outcome sits in the outcome codes a run records on a cell
    (Cell.evaluated_outcomes, cells.compliance.engine.outcome_codes_expression) under one version of the
    rules: what makes a cell's codes readable as its results (cells.compliance.outcomes), under the rules
    it was evaluated against, even after they changed.

    ``version``: the start (12 hex digits) of engine.rules_version, which ends every cell's codes after
    "#". ``profiles``: ``[{"profile": id, "first": position of its first letter (from 1), "rules":
    [[rule code, metric, operator, value, applies_to], ...]}]`` in the order of the codes (each rule as
    it was then, engine.definition). Written by the first run under a version
    and never changed: a version names one set of rules.
    """

    version = models.CharField(max_length=12, unique=True)
    profiles = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outcome layout")
        verbose_name_plural = _("outcome layouts")

    def __str__(self):
        return self.version


class ComplianceCounts(models.Model):
    """The figures of one profile over a group of cells in use (persons = occupancy, places = design
    capacity, cells by status): what ComplianceSnapshot keeps per day (and BlockTotals with
    BlockCompliance per block)."""

    persons = models.PositiveIntegerField(_("persons"), default=0)
    places = models.PositiveIntegerField(_("places"), default=0)
    persons_compliant = models.PositiveIntegerField(_("persons in compliant accommodation"), default=0)
    persons_in_single_cells = models.PositiveIntegerField(_("persons in single-occupancy cells"), default=0)
    cells = models.PositiveIntegerField(_("cells"), default=0)
    cells_compliant = models.PositiveIntegerField(_("compliant cells"), default=0)
    cells_non_compliant = models.PositiveIntegerField(_("non-compliant cells"), default=0)
    cells_unknown = models.PositiveIntegerField(_("cells with unknown status"), default=0)

    class Meta:
        abstract = True


TOTAL_COUNTS = ["persons", "places", "persons_in_single_cells", "cells"]  # ComplianceCounts not by status
STATUS_COUNTS = ["persons_compliant", "cells_compliant", "cells_non_compliant", "cells_unknown"]  # by status


class BlockTotals(models.Model):
    """The current figures of one residential block that do not depend on a standard profile: sums over
    its cells in use as of their last evaluation (persons = occupancy, places = design capacity, persons
    in single-occupancy cells, cells). Kept current by every compliance run, as BlockCompliance. Only
    blocks with a cell in use have a row."""

    block = models.OneToOneField(
        "facilities.ResidentialBlock", on_delete=models.CASCADE, primary_key=True, related_name="totals"
    )
    persons = models.PositiveIntegerField(_("persons"), default=0)
    places = models.PositiveIntegerField(_("places"), default=0)
    persons_in_single_cells = models.PositiveIntegerField(_("persons in single-occupancy cells"), default=0)
    cells = models.PositiveIntegerField(_("cells"), default=0)

    class Meta:
        verbose_name = _("block totals")
        verbose_name_plural = _("block totals")

    def __str__(self):
        return f"{self.block_id}"


class BlockComplianceQuerySet(models.QuerySet):
    def with_totals(self):
        """The rows with their block's totals (BlockTotals: ``persons``, ``places``,
        ``persons_in_single_cells``, ``cells``) as attributes: every ComplianceCounts figure of a block
        under a profile (one query)."""
        return self.annotate(**{name: models.F(f"block__totals__{name}") for name in TOTAL_COUNTS})


class BlockCompliance(models.Model):
    """The current figures of one residential block under one standard profile that depend on it: sums
    over the block's cells in use as of their last evaluation (persons in compliant accommodation; cells
    by status); those that do not are the block's BlockTotals, once per block, so that a change of
    occupancy that moves no status writes one row per block, not one per profile. Kept current by every
    compliance run (the changed cells' contributions as deltas, or a recount in a full run); the
    facility, region and nation snapshots of a day are summed from both. Unique on (block, profile).
    Only blocks with a cell in use have rows.
    """

    block = models.ForeignKey(
        "facilities.ResidentialBlock", on_delete=models.CASCADE, related_name="compliance", db_index=False
    )
    profile = models.ForeignKey(StandardProfile, on_delete=models.CASCADE, related_name="block_figures", db_index=False)
    persons_compliant = models.PositiveIntegerField(_("persons in compliant accommodation"), default=0)
    cells_compliant = models.PositiveIntegerField(_("compliant cells"), default=0)
    cells_non_compliant = models.PositiveIntegerField(_("non-compliant cells"), default=0)
    cells_unknown = models.PositiveIntegerField(_("cells with unknown status"), default=0)

    objects = BlockComplianceQuerySet.as_manager()

    class Meta:
        verbose_name = _("block compliance figures")
        verbose_name_plural = _("block compliance figures")
        constraints = [models.UniqueConstraint(fields=["block", "profile"], name="block_compliance_unique")]

    def __str__(self):
        return f"{self.block_id} / {self.profile_id}"


class ComplianceSnapshot(ComplianceCounts):
    """Daily aggregate of one profile over one scope (facility, region or the nation), summed from the
    blocks' current figures (BlockCompliance) by the day's compliance run.

    Persons and places are sums over cells in use (persons = occupancy, places = design capacity).
    ``object_id`` is the facility or region id; 0 for the nation.
    Unique on (date, profile, scope, object_id): a rerun on the same day replaces, never duplicates.
    """

    class Scope(models.TextChoices):
        FACILITY = "facility", _("facility")
        REGION = "region", _("region")
        NATION = "nation", _("nation")

    date = models.DateField(_("date"))
    # No index of its own: snapshot_series starts with it, and each index less makes the runs' writes cheaper.
    profile = models.ForeignKey(StandardProfile, on_delete=models.CASCADE, related_name="snapshots", db_index=False)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    object_id = models.BigIntegerField(_("object id"))
    is_reconstructed = models.BooleanField(
        _("reconstructed (generated demo history)"),
        default=False,
        db_default=False,
        help_text=_(
            "Rows written by seed_demo for dates before the first run, reconstructed from the demo's "
            "completed conversions; never the output of a compliance run."
        ),
    )

    class Meta:
        ordering = ["-date", "profile", "scope", "object_id"]
        verbose_name = _("compliance snapshot")
        verbose_name_plural = _("compliance snapshots")
        constraints = [
            models.UniqueConstraint(fields=["date", "profile", "scope", "object_id"], name="snapshot_unique_scope_day"),
        ]
        # No (scope, date) index: with a new date's rows not yet in the statistics, PostgreSQL chose it for
        # a facility's lookup and filtered 8,000 rows per facility (docs/performance.md).
        indexes = [
            models.Index(fields=["profile", "scope", "object_id", "date"], name="snapshot_series"),
            models.Index(fields=["date"], condition=models.Q(scope="nation"), name="snapshot_nation_dates"),
        ]

    @property
    def compliant_share(self):
        """Persons in compliant accommodation / persons, in % (None when nobody is held)."""
        return round(100 * self.persons_compliant / self.persons, 1) if self.persons else None


class ComplianceRun(models.Model):
    """One execution of the compliance recalculation: when, scope, outcome and counts."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped: another run in progress")
        INTERRUPTED = "interrupted", _("interrupted")

    run_date = models.DateField(_("snapshot date"))
    facility = models.ForeignKey(Facility, on_delete=models.SET_NULL, null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=20, default="manual")
    full = models.BooleanField(_("every cell evaluated"), default=False)
    rules_version = models.CharField(
        max_length=32, blank=True, help_text="fingerprint of the active rules the run evaluated against"
    )
    blocks_version = models.CharField(
        max_length=32,
        blank=True,
        default="",
        help_text="fingerprint of the blocks and their facilities when the run "
        "wrote its snapshots (cells.compliance.engine.blocks_version)",
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    cells_evaluated = models.PositiveIntegerField(default=0)
    results_written = models.PositiveIntegerField(
        default=0, help_text="cells in use whose results changed: other outcome codes, or newly in use"
    )
    results_deleted = models.PositiveIntegerField(default=0, help_text="cells whose results went: they left use")
    snapshots_written = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("compliance run")
        verbose_name_plural = _("compliance runs")

    @property
    def duration_seconds(self):
        """Wall time of the run in seconds, or None while it runs."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
