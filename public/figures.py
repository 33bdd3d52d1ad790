"""The raw figures of a release, per facility, read from the database in a fixed number of queries
(unrounded, unsuppressed: public.content applies the disclosure rules before anything is stored).

Definitions (docs/public.md, §Definitions; the internal pages use the same ones):

- ``places_certified`` / ``places_operational``: cells.selectors.capacity_aggregates (persons).
- ``persons_held``: occupancy of the cells in use (persons), on the cells' latest counts.
- ``persons_in_single_cells``: persons held in single-occupancy cells in use.
- ``persons_compliant`` per *verified* active profile: persons held in cells in use whose recorded result
  under the profile is compliant (cells.compliance.outcomes.status_expression). Unverified profiles are
  never read.
- ``persons_counted`` / ``persons_near_home``: from each facility's latest count by place of residence
  (facilities.models.ResidencePopulation.objects.latest(on=as_of)): persons whose home region is known,
  and those of them held in their home region.
- projects by status (facilities.models.ConversionProject.Status) and the mean ``percent_complete`` of
  the active ones (neither completed nor cancelled), %.
- recommendations and findings of the registry (inspections.models.Finding, every mechanism) whose scope
  is the facility or below: ``open`` (open or in progress), ``overdue`` (of them, past a deadline or an
  action's due date), ``implemented`` (FindingQuerySet.implemented).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import Coalesce

from cells.compliance.outcomes import layouts, status_expression
from cells.models import Cell, ComplianceStatus, StandardProfile
from cells.selectors import capacity_aggregates
from facilities.models import AccommodationType, ConversionProject, Facility, ResidencePopulation
from inspections.models import Finding, FindingAttachment

ACTIVE_PROJECT_STATUSES = (
    ConversionProject.Status.PLANNED,
    ConversionProject.Status.DESIGN,
    ConversionProject.Status.PROCUREMENT,
    ConversionProject.Status.CONSTRUCTION,
    ConversionProject.Status.COMMISSIONING,
    ConversionProject.Status.SUSPENDED,
)


@dataclass
class FacilityFigures:
    """One facility's raw figures (module docstring): persons, places, counts; ``compliant`` maps a
    verified profile's code to persons compliant; ``projects`` a project status to a count."""

    facility: Facility
    places_certified: int = 0
    places_operational: int = 0
    persons_held: int = 0
    persons_in_single_cells: int = 0
    compliant: dict[str, int] = field(default_factory=dict)
    persons_counted: int = 0
    persons_near_home: int = 0
    projects: dict[str, int] = field(default_factory=dict)
    progress_sum: float = 0.0
    progress_count: int = 0
    findings_open: int = 0
    findings_overdue: int = 0
    findings_implemented: int = 0
    findings_total: int = 0


def verified_profiles() -> list[StandardProfile]:
    """The active profiles whose thresholds are verified against their sources: the only ones published."""
    return list(StandardProfile.objects.filter(is_active=True, verified=True).order_by("position", "code"))


def facility_figures(as_of: datetime.date) -> list[FacilityFigures]:
    """The raw figures of every institution in operation (status operating or under reconstruction), in
    the order of Facility.Meta (region code, code). Seven queries whatever the size of the estate."""
    facilities = list(Facility.objects.in_operation().select_related("region"))
    rows = {f.pk: FacilityFigures(f) for f in facilities}
    profiles = verified_profiles()
    known = layouts()
    cells = Cell.objects.filter(block__facility__in=rows.keys())
    annotations = {f"s_{p.pk}": status_expression(p, known=known) for p in profiles}
    aggregates = capacity_aggregates()
    in_use = Q(status=Cell.Status.IN_USE)
    sums: dict[str, Any] = {
        "places_certified": aggregates["places_certified"],
        "places_operational": aggregates["places_operational"],
        "persons_held": aggregates["persons_held"],
        "persons_in_single_cells": Coalesce(
            Sum("occupancy", filter=in_use & Q(accommodation_type=AccommodationType.SINGLE)), 0
        ),
        **{
            f"c_{p.pk}": Coalesce(Sum("occupancy", filter=in_use & Q(**{f"s_{p.pk}": ComplianceStatus.COMPLIANT})), 0)
            for p in profiles
        },
    }
    grouped: Any = cells.annotate(**annotations).values("block__facility").order_by().annotate(**sums)
    for values in grouped:
        row = rows[values["block__facility"]]
        for name in ("places_certified", "places_operational", "persons_held", "persons_in_single_cells"):
            setattr(row, name, values[name])
        row.compliant = {p.code: values[f"c_{p.pk}"] for p in profiles}
    for row in rows.values():
        row.compliant = {p.code: row.compliant.get(p.code, 0) for p in profiles}
    residence = (
        ResidencePopulation.objects.latest(on=as_of)
        .filter(facility__in=rows.keys())
        .values("facility")
        .order_by()
        .annotate(
            counted=Coalesce(Sum("persons"), 0),
            near=Coalesce(Sum("persons", filter=Q(home_region=F("facility__region"))), 0),
        )
    )
    for values in residence:
        rows[values["facility"]].persons_counted = values["counted"]
        rows[values["facility"]].persons_near_home = values["near"]
    projects = ConversionProject.objects.filter(block__facility__in=rows.keys())
    for values in projects.values("block__facility", "status").order_by().annotate(n=Count("id")):
        rows[values["block__facility"]].projects[values["status"]] = values["n"]
    active = projects.filter(status__in=ACTIVE_PROJECT_STATUSES)
    for values in active.values("block__facility").order_by().annotate(mean=Avg("percent_complete"), n=Count("id")):
        row = rows[values["block__facility"]]
        row.progress_count = values["n"]
        row.progress_sum = float(values["mean"] or 0) * values["n"]
    findings = Finding.objects.filter(facility__in=rows.keys())
    counts = {
        "total": findings.values("facility").order_by().annotate(n=Count("id")),
        "open": findings.open().values("facility").order_by().annotate(n=Count("id")),
        "overdue": findings.overdue(as_of).values("facility").order_by().annotate(n=Count("id")),
        "implemented": findings.implemented().values("facility").order_by().annotate(n=Count("id")),
    }
    for name, query in counts.items():
        for values in query:
            setattr(rows[values["facility"]], f"findings_{name}", values["n"])
    return list(rows.values())


def recommendation_rows(as_of: datetime.date) -> list[dict]:
    """Every recommendation of the registry as the public may see it: mechanism, region code (None for
    the nation), facility id (None above facility level), judgement ('' before any), open / overdue /
    implemented flags, the source document's reference and date and the paragraph, the rule's code, the
    follow-up date, and the ids of its public evidence. No free text. One query, plus one for evidence."""
    findings = Finding.objects.select_related("region", "facility", "source_document", "rule", "inspection")
    overdue = set(Finding.objects.overdue(as_of).values_list("pk", flat=True))
    implemented = set(Finding.objects.implemented().values_list("pk", flat=True))
    evidence: dict[int, list[dict]] = defaultdict(list)
    for attachment in FindingAttachment.objects.filter(public=True).order_by("uploaded_at", "id"):
        evidence[attachment.finding_id].append(
            {"id": attachment.pk, "content_type": attachment.content_type, "size": attachment.size}
        )
    rows = []
    for finding in findings.order_by("pk"):
        document = finding.source_document
        rows.append(
            {
                "id": finding.pk,
                "mechanism": finding.mechanism,
                "region": finding.region.code if finding.region is not None else None,
                "facility": finding.facility if finding.facility_id else None,
                "scope": finding.scope,
                "judgement": finding.judgement,
                "judged_on": finding.judged_on,
                "open": finding.status in Finding.OPEN_STATUSES,
                "overdue": finding.pk in overdue,
                "implemented": finding.pk in implemented,
                "document": document.reference if document else None,
                "document_date": document.date if document else getattr(finding.inspection, "date_start", None),
                "paragraph": finding.paragraph,
                "rule": finding.rule.code if finding.rule is not None else None,
                "evidence": evidence.get(finding.pk, []),
                "is_demo": finding.is_demo,
            }
        )
    return rows
