"""What a second ``seed_demo`` keeps, and what ``seed_demo --reset`` removes (issue 17, item 8).

**The rule (one, for every row of the demo estate).** A row counts as *written by users* when

1. it is not marked ``is_demo`` (seed_demo marks every row it writes; a row a person or an import created
   in a demo facility is not marked), or
2. it is a versioned record (core.versioning.Versioned) whose ``version`` is above 1: every save or bulk
   write of a service raises it (a headcount, an edit, a completion, a certification); seed_demo never
   does (core.sync.sync_rows writes only the generated fields), nor do the writes of derived columns
   (the compliance evaluation, the overdue mark), or
3. its history (django-simple-history) holds a row with a user (``history_user``): a write by a person,
   whichever path, also on the records that have no version (progress updates, residence counts).

Certification requests, movements of persons, deactivations of cells and finding updates are never
generated, so each of them is written by users (finding updates: those with an author; the overdue
check's have none); of the cell certificates only the demo baseline (version
1, ``is_demo``, issued by nobody for no request: cells.certification.ensure_baseline) is seed_demo's.

**What is kept.** Persons are conserved within a facility (movements never cross facilities) and its
figures depend on all its rows (a completion decommissions a block's rooms, registers new cells and
moves persons from the other blocks), so the unit kept is the **facility**: a facility with any row
written by users is left wholly alone (its own row, blocks, cells, projects with their updates,
inspections with their findings, residence counts), so its figures, and its region's and the nation's
sums over it, stay as the users left them. Every other demo facility is synchronised with the generator.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet

from cells.models import (
    Cell,
    CellCertificate,
    CellDeactivation,
    CertificationRequest,
    ComplianceSnapshot,
    Movement,
)
from facilities.models import ConversionProject, Facility, ProgressUpdate, ResidencePopulation, ResidentialBlock
from inspections.models import Finding, FindingUpdate, Inspection, SourceDocument


@dataclass
class Touched:
    """The rows of one facility written by users: ``created`` and ``changed`` counts per kind (plural
    noun: "cells", "projects", ...), the names of the blocks concerned (of the blocks, cells, projects,
    movements and deactivations counted) and the projects concerned, as ``"<block> (<status>)"``."""

    facility_id: int
    code: str
    name: str
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    changed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    blocks: set[str] = field(default_factory=set)
    projects: set[str] = field(default_factory=set)

    def describe(self) -> str:
        """One line, e.g. ``"ДЕМО-35/04 Demo correctional colony No. 04 - created: cells 110, progress
        updates 1; changed: blocks 1, cells 14, projects 1; projects: Block 2 (completed); blocks: Block 1,
        Block 2"``."""
        parts = []
        for label, counts in (("created", self.created), ("changed", self.changed)):
            if counts:
                parts.append(f"{label}: " + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())))
        if self.projects:
            parts.append("projects: " + ", ".join(sorted(self.projects)))
        if self.blocks:
            parts.append("blocks: " + ", ".join(sorted(self.blocks)))
        return f"{self.code} {self.name} - {'; '.join(parts)}"


# (kind, model, path from the row to its facility's id, path to its block's name or None)
VERSIONED = [
    ("facility rows", Facility, "id", None),
    ("blocks", ResidentialBlock, "facility_id", "name"),
    ("cells", Cell, "block__facility_id", "block__name"),
    ("projects", ConversionProject, "block__facility_id", "block__name"),
    ("inspections", Inspection, "facility_id", None),
    ("findings", Finding, "facility_id", "block__name"),
]
UNVERSIONED = [  # with is_demo and a history (or, for progress updates, an author)
    ("progress updates", ProgressUpdate, "project__block__facility_id", "project__block__name"),
    ("residence counts", ResidencePopulation, "facility_id", None),
]
NEVER_GENERATED = [  # every row is written by users
    ("certification requests", CertificationRequest, "facility_id", None),
    ("movements", Movement, "from_cell__block__facility_id", "from_cell__block__name"),
    ("deactivations", CellDeactivation, "cell__block__facility_id", "cell__block__name"),
]


def _with_user(model) -> Q:
    """Rows of ``model`` with a history row written by a user (rule 3); nothing when it has no history."""
    history = getattr(model, "history", None)
    if history is None:
        return Q(pk__in=[])
    return Q(pk__in=history.filter(history_user__isnull=False).values("id"))


def touched_facilities(facilities: QuerySet[Facility]) -> dict[int, Touched]:
    """The facilities of ``facilities`` holding rows written by users (the module's rule), by facility id,
    each with what was written. A few grouped queries per kind of row; no locks."""
    found: dict[int, Touched] = {}
    names = {pk: (code, name) for pk, code, name in facilities.values_list("pk", "code", "name_en")}

    def add(kind: str, rows, facility_path: str, block_path: str | None, created: bool) -> None:
        columns = [facility_path] + ([block_path] if block_path else [])
        if rows.model is ConversionProject:
            columns.append("status")
        for row in rows.filter(**{f"{facility_path}__in": list(names)}).values_list(*columns):
            facility_id = row[0]
            entry = found.get(facility_id)
            if entry is None:
                entry = found[facility_id] = Touched(facility_id, *names[facility_id])
            (entry.created if created else entry.changed)[kind] += 1
            if block_path and row[1]:
                entry.blocks.add(row[1])
            if rows.model is ConversionProject:
                entry.projects.add(f"{row[1]} ({row[2]})")

    for kind, model, facility_path, block_path in VERSIONED + UNVERSIONED:
        rows = model._default_manager.all()
        add(kind, rows.filter(is_demo=False), facility_path, block_path, created=True)
        changed = _with_user(model)
        if model in {m for _, m, _, _ in VERSIONED}:
            changed |= Q(version__gt=1)
        if model is ProgressUpdate:
            changed |= Q(author__isnull=False)
        add(kind, rows.filter(changed, is_demo=True), facility_path, block_path, created=False)
    for kind, model, facility_path, block_path in NEVER_GENERATED:
        add(kind, model._default_manager.all(), facility_path, block_path, created=True)
    # A finding update by a person (the overdue check's marks have no author and are not counted).
    updates = FindingUpdate.objects.filter(author__isnull=False)
    add("finding updates", updates, "finding__facility_id", None, created=True)
    certificates = CellCertificate.objects.exclude(
        number=1, is_demo=True, approved_by__isnull=True, request__isnull=True
    )
    add("cell certificates", certificates, "facility_id", None, created=True)
    return dict(sorted(found.items(), key=lambda item: item[1].code))


@transaction.atomic
def remove_demo_estate() -> dict[str, int]:
    """Delete the whole demo estate: every facility marked ``is_demo`` with everything in it, including the
    rows users created there (certification requests and their lines, cell certificates and their lines,
    movements, deactivations, inspections, findings and their updates, projects and their updates, blocks,
    cells, residence counts), the facilities' compliance snapshots, and the demo's source documents with
    every recommendation of theirs (the other mechanisms': demo.recommendations) and its actions,
    judgements, reports and evidence. Deletes in an order that the
    PROTECT foreign keys allow (movements and certificates before the requests and cells they name,
    inspections before their facility). History rows stay (a deletion is recorded as one).

    Returns the rows removed per model, as ``{"cells.Cell": 4120, ...}`` (only models with rows removed)."""
    facilities = Facility.objects.filter(is_demo=True)
    ids = list(facilities.values_list("pk", flat=True))
    removed: dict[str, int] = defaultdict(int)

    def delete(queryset: QuerySet) -> None:
        for label, count in queryset.delete()[1].items():
            removed[label] += count

    delete(Movement.objects.filter(Q(from_cell__block__facility_id__in=ids) | Q(to_cell__block__facility_id__in=ids)))
    # A certificate is immutable (CellCertificate.delete refuses one by one); the estate's go with it.
    delete(CellCertificate.objects.filter(facility_id__in=ids))
    delete(CertificationRequest.objects.filter(facility_id__in=ids))
    # The recommendations of the demo's documents (the other mechanisms', demo.recommendations) wherever their
    # scope lies, and every recommendation in a demo facility (it protects the facility), then the documents.
    delete(Finding.objects.filter(Q(source_document__is_demo=True) | Q(facility_id__in=ids)))
    delete(SourceDocument.objects.filter(is_demo=True).exclude(recommendations__isnull=False))
    delete(Inspection.objects.filter(facility_id__in=ids))
    delete(facilities)
    delete(ComplianceSnapshot.objects.filter(scope=ComplianceSnapshot.Scope.FACILITY, object_id__in=ids))
    return {label: count for label, count in sorted(removed.items()) if count}
