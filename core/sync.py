"""Create-update-or-leave synchronisation of rows by natural key (idempotent loaders).

Models with django-simple-history get a history row for each creation and change."""

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history


@dataclass
class SyncCounts:
    """How many rows a sync created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    objects: dict[tuple[Any, ...], models.Model] = field(default_factory=dict, repr=False)

    def __add__(self, other: "SyncCounts") -> "SyncCounts":
        return SyncCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            {**self.objects, **other.objects},
        )


def sync_rows(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    rows: list[dict[str, Any]],
    queryset: models.QuerySet[Any] | None = None,
    reason: str = "",
) -> SyncCounts:
    """Make ``model`` hold ``rows``, matched on ``key_fields``; rows absent from ``rows`` are left alone.

    ``rows`` are dicts of field values (foreign keys as ``<name>_id``). Existing rows whose values already
    equal the dict are not written, so a second sync of the same data writes nothing and adds no history.
    ``reason`` is recorded as the history change reason (e.g. the command that loaded the rows).
    Returns SyncCounts with ``objects`` mapping each key tuple to its saved instance.
    Raises django.db.IntegrityError when a row breaks a database constraint.
    """
    qs = queryset if queryset is not None else model._default_manager.all()
    existing = {tuple(getattr(obj, k) for k in key_fields): obj for obj in qs}
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    counts = SyncCounts()
    for row in rows:
        key = tuple(row[k] for k in key_fields)
        obj = existing.get(key)
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
        else:
            diff = [name for name, value in row.items() if getattr(obj, name) != value]
            if diff:
                for name in diff:
                    setattr(obj, name, row[name])
                changed_fields.update(diff)
                to_update.append(obj)
            else:
                counts.unchanged += 1
        counts.objects[key] = obj
    historical = hasattr(model._meta, "simple_history_manager_attribute")
    if to_create:
        if historical:
            created = bulk_create_with_history(to_create, model, batch_size=1000, default_change_reason=reason or None)
        else:
            created = model._default_manager.bulk_create(to_create, batch_size=1000)
        # SQLite and PostgreSQL both return primary keys from bulk_create.
        for obj in created:
            counts.objects[tuple(getattr(obj, k) for k in key_fields)] = obj
    if to_update:
        if historical:
            bulk_update_with_history(
                to_update, model, sorted(changed_fields), batch_size=1000, default_change_reason=reason or None
            )
        else:
            model._default_manager.bulk_update(to_update, sorted(changed_fields), batch_size=1000)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts
