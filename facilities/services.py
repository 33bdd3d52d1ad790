"""Writes of the facilities app."""

import csv
import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.i18n import translations
from core.sync import SyncCounts, sync_rows
from core.validators import future_errors
from core.versioning import assign, check_version, lock, save_changes

from . import decisions, flow
from .models import ConversionProject, ProgressUpdate, Region, RoadmapTarget

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

REGIONS_PATH = Path(settings.BASE_DIR) / "data" / "regions.csv"


@transaction.atomic
def load_regions(path: Path = REGIONS_PATH) -> SyncCounts:
    """Create or update the 20 regions from ``data/regions.csv`` (ISO 3166-2:KZ codes, names in en/ru/kk).

    Columns: iso_code, kind, name_en, name_ru, name_kk, centre_en, created, centre_latitude,
    centre_longitude (degrees, WGS 84), centre_source, centre_verified (yes/no). Idempotent.
    Raises KeyError for a missing column, decimal.InvalidOperation for a malformed coordinate.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [
            {
                "code": row["iso_code"].strip(),
                "kind": row["kind"].strip(),
                "name_en": row["name_en"].strip(),
                "name_ru": row["name_ru"].strip(),
                "name_kk": row["name_kk"].strip(),
                "centre": row["centre_en"].strip(),
                "created_year": int(row["created"]) if row["created"].strip() else None,
                "centre_latitude": Decimal(row["centre_latitude"]) if row["centre_latitude"].strip() else None,
                "centre_longitude": Decimal(row["centre_longitude"]) if row["centre_longitude"].strip() else None,
                "centre_source": row["centre_source"].strip(),
                "centre_verified": row["centre_verified"].strip().lower() == "yes",
            }
            for row in csv.DictReader(handle)
        ]
    return sync_rows(Region, ("code",), rows)


TARGETS_PATH = Path(settings.BASE_DIR) / "data" / "roadmap_targets.json"


TARGET_TEXTS = ("source", "note")  # the translatable texts of a target (F, F_ru, F_kk)


def load_targets(path: Path = TARGETS_PATH) -> SyncCounts:
    """Create the roadmap targets of ``data/roadmap_targets.json`` that do not exist yet (national ones;
    matched on metric and target date). Targets already present are left as administrators set them,
    except that an empty Russian or Kazakh version of their source or note (``F_ru``, ``F_kk``) is filled
    from the file when the text it translates (``F``) is still the file's: a translation an administrator
    wrote is never overwritten, and none is added beside a text an administrator rewrote.

    Raises KeyError for a missing key, ValueError for a malformed date.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    national = RoadmapTarget.objects.filter(region__isnull=True)
    existing = {(t.metric, t.target_date): t for t in national}
    rows, fills, skipped = [], [], 0
    for item in data["targets"]:
        target_date = datetime.date.fromisoformat(item["target_date"])
        found = existing.get((item["metric"], target_date))
        if found is not None:
            fill = _empty_translations(found, item)
            if fill:
                fills.append({"metric": found.metric, "region_id": None, "target_date": target_date, **fill})
            else:
                skipped += 1
            continue
        rows.append(
            {
                "phase": item["phase"],
                "metric": item["metric"],
                "region_id": None,
                "target_date": target_date,
                "value": Decimal(str(item["value"])),
                "source": item["source"],
                "verified": bool(item.get("verified", False)),
                "note": item.get("note", ""),
                **translations(item, TARGET_TEXTS),
                "is_demo": bool(item.get("is_demo", False)),
            }
        )
    counts = sync_rows(
        RoadmapTarget,
        ("metric", "region_id", "target_date"),
        rows,
        queryset=RoadmapTarget.objects.none(),
        reason="seed_demo (roadmap targets)",
    )
    if fills:
        counts = counts + sync_rows(
            RoadmapTarget,
            ("metric", "region_id", "target_date"),
            fills,
            queryset=national,
            reason="seed_demo (roadmap targets: translations)",
        )
    counts.unchanged += skipped
    return counts


def _empty_translations(target: RoadmapTarget, item: dict) -> dict[str, str]:
    """The translations of ``item`` (a row of the file) that ``target`` lacks: ``{"source_ru": ...}`` for
    each empty ``F_ru``/``F_kk`` whose ``F`` equals the file's ``F`` and whose file text is not empty."""
    fill = {}
    for field in TARGET_TEXTS:
        if (getattr(target, field) or "") != (item.get(field) or ""):
            continue
        for name, text in translations(item, (field,)).items():
            if text and not getattr(target, name):
                fill[name] = text
    return fill


# ---------------------------------------------------------------------------------------------------
# Conversion projects: the state machine and progress updates (docs/data.md, §The domain model).

Status = ConversionProject.Status


def allowed_transitions(project: ConversionProject) -> list[str]:
    """Statuses ``project`` may move to next (besides staying where it is): facilities.flow."""
    return flow.allowed_transitions(project.status, project.status_before_suspension)


def check_can_edit_project(user: "User | AnonymousUser | None", project: ConversionProject) -> None:
    """Raise PermissionDenied unless ``user`` may edit conversion projects in the project's region
    (facilities.decisions.check_may_edit_project)."""
    decisions.check_may_edit_project(user, project)


def _label(status: str) -> str:
    return str(Status(status).label)


def _progress_reason(note: str, status: str) -> str:
    """The history's change reason of a progress update (at most 100 characters, the column's size)."""
    reason = _("progress update: %(status)s") % {"status": _label(status)}
    if note.strip():
        reason = f"{reason}: {note.strip()}"
    return reason if len(reason) <= 100 else reason[:99] + "…"


@transaction.atomic
def record_progress(
    *,
    project: ConversionProject,
    version: int,
    date: datetime.date,
    status: str,
    percent_complete: Decimal,
    budget_spent_kzt: Decimal,
    note: str = "",
    is_correction: bool = False,
    correction_reason: str = "",
    actual_start: datetime.date | None = None,
    actual_end: datetime.date | None = None,
    user: "User | None" = None,
    _completing: bool = False,
) -> ProgressUpdate:
    """Append a progress update to ``project`` and apply it, in one transaction.

    ``version`` is the project version the user saw; ``percent_complete`` in % (0-100);
    ``budget_spent_kzt`` is the spend to date in KZT. Rules: the status follows allowed_transitions();
    dates are not in the future (Asia/Almaty) nor before the previous update; percent and spend never go
    down unless ``is_correction`` with a ``correction_reason``; actual end not before actual start;
    completing needs 100 % and an actual end date and goes through cells.services.complete_conversion,
    which registers the new cells. Entering construction sets the actual start (the update's date) when
    none is given.

    Locks the project (core.versioning.lock) and writes only the fields the update changes (status,
    percent, spend, actual dates) with the version; the planned figures are update_project's.

    Raises PermissionDenied (not an editor of the region), core.versioning.StaleVersion (a ConflictError:
    ``version`` is stale) and ValidationError ``{field: [reason]}``. Returns the ProgressUpdate.
    """
    check_can_edit_project(user, project)
    current = lock(ConversionProject.objects.select_related("block__facility"), project.pk)
    check_version(current, version)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    allowed = allowed_transitions(current)
    if status != current.status and status not in allowed:
        names = ", ".join(_label(s) for s in allowed) or _("none: the project is closed")
        errors["status"] = [
            _("Cannot move from %(current)s to %(new)s. Allowed: %(allowed)s.")
            % {"current": _label(current.status), "new": _label(status), "allowed": names}
        ]
    elif current.status in flow.FINAL:
        errors["status"] = [
            _("The project is %(status)s; it takes no more updates.") % {"status": _label(current.status)}
        ]
    if status == Status.COMPLETED and not _completing:
        errors["status"] = [
            _("Completing converts the block: use the completion form, which registers the new single cells.")
        ]
    errors.update(future_errors(today, date=date))
    last = current.updates.order_by("-date", "-id").first()
    if last and date < last.date and not is_correction:
        errors["date"] = [
            _("The previous update is dated %(date)s; an earlier date needs a correction.")
            % {"date": f"{last.date:%Y-%m-%d}"}
        ]
    if not Decimal(0) <= percent_complete <= Decimal(100):
        errors["percent_complete"] = [_("Percent complete is between 0 and 100.")]
    if budget_spent_kzt < 0:
        errors["budget_spent_kzt"] = [_("Spend cannot be negative.")]
    lowered = [
        name
        for name, new, old in (
            ("percent_complete", percent_complete, current.percent_complete),
            ("budget_spent_kzt", budget_spent_kzt, current.budget_spent_kzt),
        )
        if new < old
    ]
    if lowered and not is_correction:
        for name in lowered:
            errors.setdefault(name, []).append(
                _("Lower than the last recorded value: mark the update as a correction and give the reason.")
            )
    if is_correction and not correction_reason.strip():
        errors["correction_reason"] = [_("Give the reason for the correction.")]
    actual_start = actual_start or current.actual_start
    if actual_start is None and status == Status.CONSTRUCTION:
        actual_start = date
    actual_end = actual_end or current.actual_end
    for name, messages in future_errors(today, actual_start=actual_start, actual_end=actual_end).items():
        errors.setdefault(name, []).extend(messages)
    if actual_start and actual_end and actual_end < actual_start:
        errors.setdefault("actual_end", []).append(_("The actual end cannot be before the actual start."))
    if actual_end and status != Status.COMPLETED:
        errors.setdefault("actual_end", []).append(_("The actual end is recorded when the project is completed."))
    if actual_end and actual_end > date:
        errors.setdefault("actual_end", []).append(_("The actual end cannot be after the date of the update."))
    if status == Status.COMPLETED:
        if percent_complete != 100:
            errors.setdefault("percent_complete", []).append(_("Completing requires 100 percent."))
        if not actual_end:
            errors.setdefault("actual_end", []).append(_("Completing requires the actual end date."))
    if errors:
        raise ValidationError(errors)
    changed = assign(
        current,
        {
            "status_before_suspension": flow.before_suspension_after(
                current.status, status, current.status_before_suspension
            ),
            "status": status,
            "percent_complete": percent_complete,
            "budget_spent_kzt": budget_spent_kzt,
            "actual_start": actual_start,
            "actual_end": actual_end,
        },
    )
    # The project's own fields that change, and its version in any case: an update is a write of the
    # project (its log), so a second client that read the same version is told (409/412).
    save_changes(current, changed or ["version"], user=user, reason=_progress_reason(note, status))
    update = ProgressUpdate.objects.create(
        project=current,
        date=date,
        status=status,
        percent_complete=percent_complete,
        budget_spent_kzt=budget_spent_kzt,
        note=note,
        is_correction=is_correction,
        correction_reason=correction_reason.strip(),
        author=user if getattr(user, "pk", None) else None,
    )
    project.refresh_from_db()
    return update


# The fields of a project that an editor plans (update_project); status, percent and spend are written
# only by record_progress (and the completion), the baseline by the import of the block.
PROJECT_FIELDS = [
    "planned_start",
    "planned_end",
    "budget_planned_kzt",
    "contractor",
    "roadmap_phase",
    "target_cells",
    "target_places",
]


@transaction.atomic
def update_project(
    *,
    user: "User | AnonymousUser | None",
    project: ConversionProject,
    data: dict[str, Any],
    version: int | None = None,
) -> tuple[ConversionProject, list[str]]:
    """Change the planned figures of ``project`` that ``data`` names (PROJECT_FIELDS: planned start and
    end, planned budget in KZT, contractor, roadmap phase, target cells and places in persons); a field not
    in ``data`` is left as stored, and never the status, percent or spend (record_progress's). The plan of
    a closed project (completed or cancelled: facilities.flow.FINAL) is refused whole, even unchanged.

    Ministry editors of the project's region and administrators (check_can_edit_project). Locks the row,
    checks ``version`` (the version the caller read; None: not stated), validates the model (the planned
    end not before the start, the budget not negative) and writes only the fields that change. Raises
    PermissionDenied, core.versioning.StaleVersion, ValidationError ``{field: [reason]}`` (``{"status":
    [...]}`` for a closed project), KeyError for a field outside PROJECT_FIELDS. Returns ``(the project as
    stored, the names of the fields written)``.
    """
    unknown = sorted(set(data) - set(PROJECT_FIELDS))
    if unknown:
        raise KeyError(", ".join(unknown))
    check_can_edit_project(user, project)
    current = lock(ConversionProject.objects.select_related("block__facility"), project.pk)
    check_version(current, version)
    if current.status in flow.FINAL:  # on the locked row: a completion meanwhile closes the plan too
        raise ValidationError(
            {
                "status": [
                    _("The project is %(status)s; its plan is closed and can no longer be changed.")
                    % {"status": _label(current.status)}
                ]
            }
        )
    changed = assign(current, data)
    if changed:
        try:
            current.full_clean()
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
    save_changes(current, changed, user=user)
    return current, changed
