"""How a write works, for every record people edit (docs/architecture.md, §How a write works).

1. **Lock**: the service reads the row with ``select_for_update`` inside ``transaction.atomic`` (:func:`lock`),
   so two writes of one record serialise instead of overwriting each other.
2. **Version**: every editable model inherits :class:`Versioned`; each save of a stored row raises
   ``version`` by 1. A writer that says which version it read (``If-Match`` in the API, the hidden
   ``version`` of a form, the version an import's dry run saw) is refused with :class:`StaleVersion` when
   the row is at another version (:func:`check_version`), and nothing is written.
3. **Changed fields only**: :func:`assign` sets only the values that differ from the locked row and returns
   their names; :func:`save_changes` saves those (``update_fields``) with the version, so a write never
   writes back a value it did not mean to change (a count, a status).
4. **History**: django-simple-history records each save with its user and reason; :func:`changes_since`
   compares the history row of the version a writer read with the row now stored, field by field.

Counts, statuses and capacities are written only by the services that own them (the headcount, the finding
state machine, the completion), never as a side effect of saving a whole object.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .exceptions import ConflictError

M = TypeVar("M", bound=models.Model)


class Versioned(models.Model):
    """Abstract base of every record people edit: ``version`` (1 when created) is raised by 1 on each
    save of a stored row, with ``update_fields`` or without. Bulk writes (``bulk_update``) must raise it
    themselves (:func:`bump`); writes of derived columns that no person edits (the compliance evaluation,
    the overdue mark) leave it alone on purpose, so they never make an editor's form stale."""

    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text="raised by 1 on every save (core.versioning)"
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if not self._state.adding and self.pk is not None and (fields is None or fields):
            self.version = (self.version or 0) + 1
            if fields is not None:
                kwargs["update_fields"] = list(dict.fromkeys([*fields, "version"]))
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between the version a writer read (``then``) and the stored row (``now``):
    values as display text (choices by their label), None for empty. ``then_value`` and ``now_value`` are
    the raw values (as the model holds them, a foreign key by its key), for a form to put the stored value
    back in a field the user did not touch (core.forms.show_stale); they are not in :meth:`as_dict`."""

    field: str
    label: str
    then: str | None
    now: str | None
    then_value: Any = None
    now_value: Any = None

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "label": self.label, "then": self.then, "now": self.now}


class StaleVersion(ConflictError):
    """A write named version ``expected`` of ``instance``, which is now at ``current``: nothing was written.
    ``expected`` None: the writer named no version this record ever had (a malformed If-Match).

    ``changes`` are the fields changed since (:func:`changes_since`; empty when the history of that
    version is unknown); ``changed_by`` (username, None = the system) and ``changed_at`` name the last
    write. The API answers 412 (If-Match) or 409 (a version in the body) with :meth:`as_dict`; a form shows
    the message and the changes beside the user's values.
    """

    def __init__(self, instance: models.Model, expected: int | None):
        self.instance = instance
        self.expected = expected
        self.changes = changes_since(instance, expected) if expected is not None else []
        self.changed_by, self.changed_at = last_change(instance)
        current = getattr(instance, "version", None)
        who = self.changed_by or gettext("the system")
        when = f"{timezone.localtime(self.changed_at):%Y-%m-%d %H:%M}" if self.changed_at else "?"
        self._params = {
            "record": instance._meta.verbose_name,
            "user": who,
            "date": when,
            "current": current,
            "expected": expected if expected is not None else "?",
        }
        message = (
            gettext(
                "This %(record)s was changed by %(user)s at %(date)s (now version %(current)s; you read version "
                "%(expected)s). Nothing was saved: check the changes and submit again."
            )
            % self._params
        )
        super().__init__(message, current)

    def as_dict(self) -> dict[str, Any]:
        """``{"detail", "version", "your_version", "changed_by", "changed_at", "changes": [{field, label,
        then, now}]}`` for the API's 409/412 body; ``detail`` tells a client to read the record again and
        send its change with the new ETag (a page's message says to submit the form again)."""
        detail = (
            gettext(
                "This %(record)s was changed by %(user)s at %(date)s (now version %(current)s; you sent version "
                '%(expected)s). Nothing was saved: read it again, check the changes and send yours with If-Match: "%(current)s".'
            )
            % self._params
        )
        return {
            "detail": detail,
            "version": self.current_version,
            "your_version": self.expected,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "changes": [change.as_dict() for change in self.changes],
        }


def lock_table_for_writes(model: type[models.Model]) -> None:
    """On PostgreSQL, take the table lock that any write of ``model`` takes anyway (ROW EXCLUSIVE, which
    writers share) before locking rows. Without it a writer holds a row (``FOR UPDATE``) and then waits for
    the table, while a statement that locks the whole table in SHARE mode (the compliance engine's full run,
    cells.compliance.evaluate) holds the table and waits for that row: a deadlock. With it the writer waits
    for the run before it holds anything. Inside ``transaction.atomic``; nothing elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN ROW EXCLUSIVE MODE")


def lock(queryset: "models.QuerySet[M] | type[M]", pk: Any) -> M:
    """The row ``pk`` read with ``SELECT ... FOR UPDATE`` (held until the transaction ends), after the
    table's write lock (:func:`lock_table_for_writes`). Must be called inside ``transaction.atomic``.
    Raises the model's DoesNotExist."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    lock_table_for_writes(qs.model)
    return qs.select_for_update(of=("self",)).get(pk=pk)


def check_version(instance: models.Model, expected: int | None) -> None:
    """Raise :class:`StaleVersion` when ``expected`` (the version the writer read; None = not stated) is not
    the ``version`` of ``instance`` (read under :func:`lock`)."""
    if expected is not None and expected != getattr(instance, "version", None):
        raise StaleVersion(instance, expected)


def assign(instance: models.Model, values: Mapping[str, Any]) -> list[str]:
    """Set on ``instance`` the ``values`` ({field name: value}) that differ from what it holds; return the
    names of the fields set, in the order given. A foreign key is compared by its key."""
    changed = []
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            current = getattr(instance, field.attname)
            new = value.pk if isinstance(value, models.Model) else value
        else:
            current, new = getattr(instance, name), value
        if current != new:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def save_changes(instance: models.Model, fields: Iterable[str], *, user: Any = None, reason: str = "") -> list[str]:
    """Save ``fields`` of ``instance`` (with its version, by :class:`Versioned`) and record the history with
    ``user`` and ``reason``; do nothing when ``fields`` is empty. Returns the fields saved."""
    names = list(dict.fromkeys(fields))
    if not names:
        return []
    instance._history_user = user if getattr(user, "pk", None) else None  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save(update_fields=names)
    return names


def bump(instances: Iterable[models.Model]) -> str:
    """Raise the version of each of ``instances`` by 1 in memory for a ``bulk_update``; returns
    ``"version"``, the field to add to the bulk update's fields."""
    for instance in instances:
        instance.version = (instance.version or 0) + 1  # type: ignore[attr-defined]
    return "version"


@transaction.atomic
def write(
    queryset: "models.QuerySet[M] | type[M]",
    pk: Any,
    values: Mapping[str, Any],
    *,
    user: Any = None,
    expected_version: int | None = None,
    reason: str = "",
) -> tuple[M, list[str]]:
    """The whole write of plain fields (no rule beyond the model's own): lock the row, check the version,
    assign the changed ``values``, validate the model (``full_clean``), save the changed fields. Returns
    ``(instance, changed field names)``. Raises StaleVersion, django ValidationError ``{field: [reason]}``,
    DoesNotExist."""
    instance = lock(queryset, pk)
    check_version(instance, expected_version)
    changed = assign(instance, values)
    if changed:
        instance.full_clean()
    save_changes(instance, changed, user=user, reason=reason)
    return instance, changed


# ---------------------------------------------------------------------------------------------------
# What changed since a version, from the history.


def _tracked_fields(instance: models.Model) -> list[models.Field]:
    history_model = instance.history.model  # type: ignore[attr-defined]
    tracked = {f.name for f in history_model._meta.fields}
    return [
        f
        for f in instance._meta.concrete_fields
        if f.name in tracked and f.name not in ("id", "version") and not f.primary_key
    ]


def _display(field: models.Field, value: Any) -> str | None:
    if value is None:
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def changes_since(instance: models.Model, version: int) -> list[FieldChange]:
    """The fields of ``instance`` (as stored now) whose value differs from the history row of ``version``
    (the newest such row); empty when no history row has that version. Foreign keys compare by key."""
    history = getattr(instance, "history", None)
    if history is None:
        return []
    then = history.filter(version=version).order_by("-history_id").first()
    if then is None:
        return []
    changes = []
    for field in _tracked_fields(instance):
        old, new = getattr(then, field.attname), getattr(instance, field.attname)
        if old != new:
            changes.append(
                FieldChange(field.name, str(field.verbose_name), _display(field, old), _display(field, new), old, new)
            )
    return changes


def last_change(instance: models.Model) -> tuple[str | None, datetime.datetime | None]:
    """``(username or None for the system, date)`` of the newest history row of ``instance``;
    ``(None, None)`` without history."""
    history = getattr(instance, "history", None)
    record = history.select_related("history_user").order_by("-history_id").first() if history is not None else None
    if record is None:
        return None, None
    user = record.history_user.get_username() if record.history_user else None
    return user, record.history_date
