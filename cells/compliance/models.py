"""What the compliance engine stores: the due list, the layouts of the outcome codes, the blocks' current
figures, the daily snapshots and the record of each run (docs/compliance-engine.md, §Stored data).

Models of the ``cells`` app (re-exported by cells.models, so ``from cells.models import ComplianceRun``
works and migrations name them ``cells.ComplianceRun``); they name the standards by string, so that this
module imports no other module of ``cells``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility


class DueCell(models.Model):
    """A cell due for compliance evaluation: its inputs changed since its last evaluation, or it was never
    evaluated. The work list of an incremental run, kept by database triggers whatever writes the cell
    (cells.compliance.triggers), emptied by the run of the cells it evaluated. No foreign key: a row may
    outlive its cell (deleted), and the next run drops it."""

    cell_id = models.BigIntegerField(primary_key=True)

    def __str__(self):
        return f"cell {self.cell_id}"


class OutcomeLayout(models.Model):
    """Where each rule's outcome sits in the outcome codes a run records on a cell
    (Cell.evaluated_outcomes, cells.compliance.ruleset.RuleSet.codes_expression) under one version of the
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
    def with_totals(self) -> "BlockComplianceQuerySet":
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
    profile = models.ForeignKey(
        "cells.StandardProfile", on_delete=models.CASCADE, related_name="block_figures", db_index=False
    )
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


class ComplianceSnapshot(ComplianceCounts):  # noqa: DJ008 (no __str__, as before the move)
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
    profile = models.ForeignKey(
        "cells.StandardProfile", on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
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
    def compliant_share(self) -> float | None:
        """Persons in compliant accommodation / persons, in % (None when nobody is held)."""
        return round(100 * self.persons_compliant / self.persons, 1) if self.persons else None


class ComplianceRun(models.Model):  # noqa: DJ008 (no __str__, as before the move)
    """One execution of the compliance recalculation: when, scope, outcome and counts.

    The counts keep the column names of an older design (docs/compliance-engine.md, §Stored data): by the
    engine's names (cells.compliance.evaluate.EvaluationCounts), ``cells_evaluated`` is the cells in use
    evaluated, ``results_written`` the cells in use whose outcome letters changed or that came into use
    (``outcomes_changed``), ``results_deleted`` the cells that left use (``left_use``); the summary API
    shows them under the column names.

    A run recorded ``running`` whose lock nobody holds stopped without finishing (its worker was killed):
    cells.compliance.run.record_stopped_runs records it ``interrupted``, with the time it was noticed as
    ``finished_at``; ``recovery_sent_at`` is when a fresh run was sent for it (cells.tasks.recover_stopped_runs).
    """

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
    # help_text as when added (a new text is a migration): the function is cells.compliance.policy.blocks_version.
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
    recovery_sent_at = models.DateTimeField(
        _("recovery sent"),
        null=True,
        blank=True,
        help_text=_("when a fresh run was sent for this run, which stopped without finishing"),
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("compliance run")
        verbose_name_plural = _("compliance runs")

    @property
    def duration_seconds(self) -> float | None:
        """Wall time of the run in seconds, or None while it runs."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
