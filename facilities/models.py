"""Regions, facilities (institutions), residential blocks and conversion projects (docs/data.md, §The domain model)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.bounds import DATES, FREE_TEXT
from core.fields import NameField
from core.i18n import localised
from core.validators import future_errors
from core.versioning import Versioned

from .bounds import FACILITY_PERSONS
from .choices import AccommodationType as AccommodationType  # re-exported: facilities.models.AccommodationType
from .mechanisms import MONITOR_MECHANISMS
from .querysets import BlockQuerySet, FacilityQuerySet, ProjectQuerySet, ResidenceQuerySet
from .querysets import RegionScopedQuerySet as RegionScopedQuerySet  # re-exported: cells, inspections


class LocalisedNameMixin:
    """``name`` in the active language (kk, ru, en), falling back to English, Russian, then the code."""

    def localised_name(self, language: str | None = None) -> str:
        return localised(self, "name", language) or self.code

    @property
    def name(self) -> str:
        return self.localised_name()


class Region(LocalisedNameMixin, models.Model):
    """A first-level division of Kazakhstan (17 oblasts and 3 cities of republican significance).

    ``code`` is the ISO 3166-2:KZ code (e.g. ``KZ-35``, Karaganda Region). Loaded from data/regions.csv.
    ``centre_latitude`` / ``centre_longitude`` (degrees, WGS 84) locate the administrative centre, from
    which distances from home are measured (reporting.distance); ``centre_source`` and ``centre_verified``
    say where they come from.
    """

    class Kind(models.TextChoices):
        OBLAST = "oblast", _("region (oblast)")
        CITY = "city", _("city of republican significance")

    code = models.CharField(_("ISO 3166-2 code"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    centre = models.CharField(_("administrative centre"), max_length=100, blank=True)
    created_year = models.PositiveSmallIntegerField(_("year created"), null=True, blank=True)
    centre_latitude = models.DecimalField(
        _("latitude of the administrative centre"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    centre_longitude = models.DecimalField(
        _("longitude of the administrative centre"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    centre_source = models.CharField(_("source of the centre's coordinates"), max_length=300, blank=True)
    centre_verified = models.BooleanField(_("centre's coordinates verified"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.code} {self.name}"


class Facility(LocalisedNameMixin, Versioned):
    """A penitentiary institution: colony, prison, pre-trial centre and so on.

    ``design_capacity`` and ``population`` are persons; ``population`` is the count on ``population_date``.
    ``is_demo`` marks rows whose figures were generated for the demo (never official data).
    """

    class Kind(models.TextChoices):
        COLONY = "colony", _("correctional colony")
        PRISON = "prison", _("prison")
        PRE_TRIAL = "pre_trial_centre", _("pre-trial detention centre")
        SETTLEMENT = "colony_settlement", _("colony-settlement")
        JUVENILE = "juvenile", _("juvenile colony")
        MEDICAL = "medical", _("medical institution")

    class SecurityLevel(models.TextChoices):
        MINIMUM = "minimum", _("minimum security")
        MEDIUM = "medium", _("medium security")
        MAXIMUM = "maximum", _("maximum security")
        EXTREME = "extreme", _("extreme security (life sentences)")
        FULL = "full", _("full security (prison)")
        MIXED = "mixed", _("mixed security")
        MEDIUM_JUVENILE = "medium_juvenile", _("medium security for minors")

    class Status(models.TextChoices):
        OPERATING = "operating", _("operating")
        UNDER_RECONSTRUCTION = "under_reconstruction", _("under reconstruction")
        CLOSING = "closing", _("closing")
        CLOSED = "closed", _("closed")
        PLANNED = "planned", _("planned")

    class Category(models.TextChoices):
        MEN = "men", _("adult men")
        WOMEN = "women", _("adult women")
        JUVENILES = "juveniles", _("juveniles")
        MIXED = "mixed", _("mixed")

    IN_OPERATION = (Status.OPERATING, Status.UNDER_RECONSTRUCTION)

    code = NameField(_("code"), max_length=40, unique=True)
    name_en = NameField(_("name (English)"), max_length=200, blank=True)
    name_ru = NameField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = NameField(_("name (Kazakh)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    security_level = models.CharField(_("security level"), max_length=20, choices=SecurityLevel.choices, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("region"))
    locality = NameField(_("locality"), max_length=100, blank=True)
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.OPERATING)
    category = models.CharField(_("sex/age category"), max_length=12, choices=Category.choices, default=Category.MEN)
    design_capacity = models.PositiveIntegerField(
        _("design capacity (persons)"), null=True, blank=True, validators=FACILITY_PERSONS.validators()
    )
    population = models.PositiveIntegerField(
        _("population (persons)"), null=True, blank=True, validators=FACILITY_PERSONS.validators()
    )
    population_date = models.DateField(
        _("date of the population count"), null=True, blank=True, validators=DATES.validators()
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    source = models.CharField(
        _("source of the identity"),
        max_length=300,
        blank=True,
        help_text=_("Published source of the code and status, for known institutions."),
    )
    publish_detail = models.BooleanField(
        _("published with its own figures"),
        default=True,
        help_text=_(
            "Off: the public site never shows this facility on its own (for example for security reasons); "
            "only its region's and the nation's figures include it."
        ),
    )
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90) | Q(latitude__isnull=True),
                name="facility_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180) | Q(longitude__isnull=True),
                name="facility_longitude_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class ResidentialBlock(Versioned):
    """A residential building (block) of a facility. ``accommodation_type``: dormitory, cell or mixed."""

    class Accommodation(models.TextChoices):
        DORMITORY = "dormitory", _("dormitory")
        CELL = "cell", _("cell")
        MIXED = "mixed", _("mixed")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("facility"))
    name = NameField(_("name"), max_length=100)
    name_ru = NameField(_("name (Russian)"), max_length=100, blank=True)
    name_kk = NameField(_("name (Kazakh)"), max_length=100, blank=True)
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    accommodation_type = models.CharField(_("accommodation type"), max_length=12, choices=Accommodation.choices)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["facility__code", "name"]
        verbose_name = _("residential block")
        verbose_name_plural = _("residential blocks")
        constraints = [models.UniqueConstraint(fields=["facility", "name"], name="block_unique_name_per_facility")]

    def __str__(self):
        return f"{self.facility.code} / {localised(self, 'name')}"  # in the reader's language (core.i18n)


class ConversionProject(Versioned):
    """The conversion of one residential block from dormitory rooms to single cells.

    Baseline: ``baseline_rooms`` dormitory rooms with ``baseline_beds`` beds; target: ``target_cells``
    single cells with ``target_places`` places. Budgets in KZT; ``percent_complete`` 0-100 (%).
    Status moves ``planned -> design -> procurement -> construction -> commissioning -> completed``;
    ``suspended`` returns to the state it left (``status_before_suspension``); ``cancelled`` ends it.
    ``version`` is raised on every change (core.versioning.Versioned).
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DESIGN = "design", _("design")
        PROCUREMENT = "procurement", _("procurement")
        CONSTRUCTION = "construction", _("construction")
        COMMISSIONING = "commissioning", _("commissioning")
        COMPLETED = "completed", _("completed")
        SUSPENDED = "suspended", _("suspended")
        CANCELLED = "cancelled", _("cancelled")

    block = models.OneToOneField(
        ResidentialBlock, on_delete=models.CASCADE, related_name="conversion", verbose_name=_("residential block")
    )
    roadmap_phase = models.CharField(_("roadmap phase"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    status_before_suspension = models.CharField(max_length=16, choices=Status.choices, blank=True)
    baseline_rooms = models.PositiveIntegerField(_("dormitory rooms before"), null=True, blank=True)
    baseline_beds = models.PositiveIntegerField(_("beds before (persons)"), null=True, blank=True)
    target_cells = models.PositiveIntegerField(_("single cells after"), null=True, blank=True)
    target_places = models.PositiveIntegerField(_("places after (persons)"), null=True, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True, validators=DATES.validators())
    planned_end = models.DateField(_("planned end"), null=True, blank=True, validators=DATES.validators())
    actual_start = models.DateField(_("actual start"), null=True, blank=True, validators=DATES.validators())
    actual_end = models.DateField(_("actual end"), null=True, blank=True, validators=DATES.validators())
    percent_complete = models.DecimalField(
        _("percent complete (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    budget_planned_kzt = models.DecimalField(
        _("planned budget (KZT)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    budget_spent_kzt = models.DecimalField(
        _("spent to date (KZT)"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    contractor = NameField(_("contractor"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["block__facility__code", "block__name"]
        verbose_name = _("conversion project")
        verbose_name_plural = _("conversion projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="conversion_percent_0_100",
                violation_error_message=_("Percent complete is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(budget_spent_kzt__gte=0),
                name="conversion_spent_not_negative",
                violation_error_message=_("Spend cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(budget_planned_kzt__gte=0) | Q(budget_planned_kzt__isnull=True),
                name="conversion_budget_not_negative",
                violation_error_message=_("The planned budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start"))
                | Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True),
                name="conversion_planned_end_after_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__gte=models.F("actual_start"))
                | Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True),
                name="conversion_actual_end_after_start",
                violation_error_message=_("The actual end cannot be before the actual start."),
            ),
        ]

    def __str__(self):
        return f"{self.block} ({self.get_status_display()})"


class ProgressUpdate(models.Model):
    """Append-only log entry of a change to a conversion project (date, status, %, spend in KZT, note)."""

    project = models.ForeignKey(ConversionProject, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"), validators=DATES.validators())
    status = models.CharField(_("status"), max_length=16, choices=ConversionProject.Status.choices)
    percent_complete = models.DecimalField(_("percent complete (%)"), max_digits=5, decimal_places=2)
    budget_spent_kzt = models.DecimalField(_("spent to date (KZT)"), max_digits=16, decimal_places=2)
    note = models.TextField(_("note"), blank=True, validators=FREE_TEXT.validators())
    note_ru = models.TextField(_("note (Russian)"), blank=True, validators=FREE_TEXT.validators())
    note_kk = models.TextField(_("note (Kazakh)"), blank=True, validators=FREE_TEXT.validators())
    is_correction = models.BooleanField(
        _("correction"), default=False, help_text=_("lowers percent complete or spend; needs a reason")
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True, validators=FREE_TEXT.validators())
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["project", "date", "id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100), name="progress_percent_0_100"
            ),
            models.CheckConstraint(condition=Q(budget_spent_kzt__gte=0), name="progress_spent_not_negative"),
        ]

    def __str__(self):
        return f"{self.project}: {self.date} {self.get_status_display()} {self.percent_complete}%"


class StaffProfile(models.Model):
    """A user's regions of responsibility (ministry editors, regional prosecutors, API clients).

    For prosecutors and API clients an empty set of regions means the national scope; a ministry editor
    edits only the listed regions. ``headcount_regions`` grants an API client the headcount write scope.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    regions = models.ManyToManyField(Region, blank=True, related_name="staff", verbose_name=_("regions"))
    headcount_regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="headcount_writers",
        verbose_name=_("headcount write scope"),
        help_text=_("API clients only: regions whose occupancy counts this token may update."),
    )
    mechanism = models.CharField(
        _("mechanism"),
        max_length=20,
        choices=[(m.value, m.label) for m in MONITOR_MECHANISMS],
        blank=True,
        help_text=_("Monitors only: the mechanism whose recommendations and judgements this user records."),
    )

    def __str__(self):
        return f"{self.user} ({', '.join(r.code for r in self.regions.all()) or 'national'})"


class ResidencePopulation(models.Model):
    """Persons held in ``facility`` whose home (place of residence) is in ``home_region``, counted on ``date``.

    Convicts are to serve their sentences near home; the share held in their home region is computed
    from these counts.
    """

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="residence_counts")
    home_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="residents_held")
    date = models.DateField(_("date of the count"), validators=DATES.validators())
    persons = models.PositiveIntegerField(_("persons"), validators=FACILITY_PERSONS.validators())
    is_demo = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        ordering = ["facility", "-date", "home_region"]
        verbose_name = _("population by home region")
        verbose_name_plural = _("population by home region")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "home_region", "date"], name="residence_unique_facility_region_date"
            )
        ]

    def __str__(self):
        return f"{self.facility} ← {self.home_region}, {self.date}: {self.persons}"

    def clean(self):
        """A count is of a day that has happened (Asia/Almaty); a future date would hide the latest real one."""
        from django.core.exceptions import ValidationError

        if errors := future_errors(date=self.date):
            raise ValidationError(errors)


class RoadmapTarget(models.Model):
    """A target of the modernisation roadmap: ``value`` of ``metric`` to reach by ``target_date``, nationally
    (``region`` empty) or for one region. Edited by administrators; the portal measures progress against it.

    Metrics and units: ``blocks_converted`` (residential blocks whose conversion is completed, cumulative),
    ``places_converted`` (places in single cells created by completed conversions, persons),
    ``share_in_single_cells`` (persons in single-occupancy cells / persons held, %), ``new_institutions``
    (institutions in operation built in 2021 or later). ``source`` and ``verified`` say where the figure
    comes from; ``is_demo`` marks an assumption made for the demo, never an official figure.
    """

    class Metric(models.TextChoices):
        BLOCKS_CONVERTED = "blocks_converted", _("residential blocks converted to single cells")
        PLACES_CONVERTED = "places_converted", _("places in single cells created by conversion")
        SHARE_IN_SINGLE_CELLS = "share_in_single_cells", _("share of persons in single-occupancy cells (%)")
        NEW_INSTITUTIONS = "new_institutions", _("new institutions in operation")

    phase = models.CharField(_("roadmap phase"), max_length=40)
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("region"),
        help_text=_("Empty for a national target."),
    )
    target_date = models.DateField(_("target date"), validators=DATES.validators())
    value = models.DecimalField(
        _("target value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("source"), max_length=300)
    source_ru = models.CharField(_("source (Russian)"), max_length=300, blank=True)
    source_kk = models.CharField(_("source (Kazakh)"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified against the official text"), default=False)
    note = models.TextField(_("note"), blank=True)
    note_ru = models.TextField(_("note (Russian)"), blank=True)
    note_kk = models.TextField(_("note (Kazakh)"), blank=True)
    is_demo = models.BooleanField(_("demo assumption (not an official figure)"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "metric", "region__code"]
        verbose_name = _("roadmap target")
        verbose_name_plural = _("roadmap targets")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "region", "target_date"],
                name="target_unique_regional",
                condition=Q(region__isnull=False),
                violation_error_message=_("This region has a target of this metric and date."),
            ),
            models.UniqueConstraint(
                fields=["metric", "target_date"],
                name="target_unique_national",
                condition=Q(region__isnull=True),
                violation_error_message=_("A national target of this metric and date exists."),
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="target_value_positive",
                violation_error_message=_("A target is greater than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(metric="share_in_single_cells") | Q(value__lte=100),
                name="target_share_at_most_100",
                violation_error_message=_("A share cannot be above 100."),
            ),
        ]

    def __str__(self):
        where = self.region.code if self.region_id else _("national")
        return f"{self.phase}: {self.get_metric_display()} {self.value} by {self.target_date} ({where})"

    @property
    def is_share(self) -> bool:
        return self.metric == self.Metric.SHARE_IN_SINGLE_CELLS
