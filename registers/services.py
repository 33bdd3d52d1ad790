"""Writes of register imports (recorded in ImportRecord): upload, the dry run (check), the confirm, and the
sweep of imports whose worker died.

The steps of a record: ``pending`` (uploaded) -> ``checking`` -> ``checked`` / ``rejected`` / ``failed``;
``checked`` -> ``confirming`` -> ``imported`` / ``rejected`` (rows changed since the check) / ``failed``.
Only a ``checked`` record is confirmed, once (start_confirm); a file larger than BACKGROUND_BYTES is checked
and written by a worker (registers.tasks.process_import), for the pages and the API alike (in_background).
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import tabular
from core.tabular import ENCODING_NAMES, TabularError
from facilities import decisions

from . import imports
from .models import ImportRecord

logger = logging.getLogger(__name__)
MAX_STORED_ERRORS = 10_000
# The one threshold of the background path: a file above it is checked and confirmed by a worker (the page
# shows its progress, the API answers 202); at most 1 MB is some 10,000 rows, checked within a second.
BACKGROUND_BYTES = 1024 * 1024
# The time limits of the import task (registers.tasks.process_import) and the age past which the sweep
# (fail_stuck) takes a record still pending, checking or confirming for one whose worker died.
TIME_LIMIT = datetime.timedelta(seconds=getattr(settings, "IMPORT_TASK_SOFT_TIME_LIMIT", 15 * 60))
STUCK_AFTER = TIME_LIMIT + datetime.timedelta(minutes=15)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ConfirmConflict(Exception):
    """A confirm of an import that is already confirmed, or being confirmed (HTTP 409): ``message`` says
    what happened (when, by whom, how many rows written); ``record`` is the import."""

    def __init__(self, message: str, record: ImportRecord):
        super().__init__(message)
        self.message, self.record = message, record


def _digest(record: ImportRecord) -> str:
    with record.file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _apply(record: ImportRecord, out: imports.Outcome) -> None:
    record.rows, record.created, record.updated = out.rows, out.created, out.updated
    record.unchanged, record.rejected = out.unchanged, out.rejected
    record.errors = out.errors[:MAX_STORED_ERRORS]


def progress_key(record_id: int) -> str:
    """The cache key of a running step's progress (rows read so far)."""
    return f"registers:import-progress:{record_id}"


def progress(record: ImportRecord) -> int | None:
    """Rows read so far by the running check or confirm of ``record`` (None: not known)."""
    return cache.get(progress_key(record.pk))


def in_background(record: ImportRecord) -> bool:
    """Whether ``record`` is checked and confirmed by a worker: its content is over BACKGROUND_BYTES once
    unpacked (core.tabular.unpacked_size: an XLSX of 0.9 MB can hold 80 MB of sheet and 400,000 rows)."""
    if record.file.size > BACKGROUND_BYTES:
        return True
    with record.file.open("rb") as handle:
        return tabular.unpacked_size(handle) > BACKGROUND_BYTES


def upload(
    *,
    user: "User",
    kind: str,
    file_name: str,
    data: bytes,
    encoding: str = "",
    sheet: str = "",
    allow_older_counts: bool = False,
) -> ImportRecord:
    """Record an uploaded register file (``pending``, not yet checked); ``allow_older_counts``: the user
    confirms that counts older than the stored ones are written (else such rows are rejected). Raises ValidationError for an
    unknown kind or encoding, PermissionDenied when ``user`` may not import ``kind``
    (facilities.decisions.check_may_import): a refused file is never stored."""
    if kind not in imports.COLUMNS:
        raise ValidationError(
            {
                "kind": [
                    _("Unknown kind '%(kind)s'. Use one of: %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(imports.COLUMNS)}
                ]
            }
        )
    decisions.check_may_import(user, kind)
    if encoding and encoding.strip().lower().replace("_", "-") not in ENCODING_NAMES:
        raise ValidationError(
            {"encoding": [_("Unknown encoding '%(encoding)s'. Use utf-8 or cp1251.") % {"encoding": encoding[:30]}]}
        )
    record = ImportRecord(
        kind=kind,
        file_name=file_name[:255],
        user=user,
        encoding=encoding or "",
        sheet=sheet or "",
        allow_older_counts=bool(allow_older_counts),
        sha256=hashlib.sha256(data).hexdigest(),
        step_started_at=timezone.now(),
    )
    record.file.save(file_name or "register", ContentFile(data), save=False)
    record.save()
    return record


def _enter(record_id: int, allowed: tuple[str, ...], step: str, **values: object) -> ImportRecord | None:
    """Move the record to ``step`` if its status is one of ``allowed`` (locked); None when it is not."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record_id)
        if record.status not in allowed:
            return None
        record.status, record.step_started_at, record.message = step, timezone.now(), ""
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
    return record


def _finish(
    record_id: int, step: str, status: str, message: str = "", out: imports.Outcome | None = None
) -> ImportRecord:
    """End ``step`` with ``status`` and ``message`` unless the record left it meanwhile (the sweep)."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record_id)
        if record.status == step:
            if out is not None:
                _apply(record, out)
            record.status, record.message = status, message
            record.save()
    cache.delete(progress_key(record_id))
    return record


def _failure_message(error: Exception, record: ImportRecord) -> str:
    if isinstance(error, (TabularError, PermissionDenied)):
        return str(error)
    if isinstance(error, ValidationError):
        return str(error.messages[0])
    if isinstance(error, SoftTimeLimitExceeded):
        return _("The file took longer than %(minutes)s minutes to process and was stopped; nothing was written.") % {
            "minutes": int(TIME_LIMIT.total_seconds() // 60)
        }
    logger.exception("import %s failed", record.pk)
    return _("The file could not be processed (%(error)s); nothing was written.") % {"error": error.__class__.__name__}


def _reporter(record_id: int) -> Callable[[int], None]:
    return lambda rows: cache.set(progress_key(record_id), rows, int(STUCK_AFTER.total_seconds()))


def check(record: ImportRecord, *, user: "User | None" = None) -> ImportRecord:
    """The dry run of a ``pending`` record (or one whose check was interrupted): read and check every row,
    write nothing; the record gets the counts, the errors, the digest of what was read and the versions of
    the records the rows match, and ends ``checked``, ``rejected`` or ``failed`` (with a reason the user
    can read, whatever went wrong). ``user`` is who checks (default: who uploaded). Returns the record."""
    entered = _enter(
        record.pk, (ImportRecord.Status.PENDING, ImportRecord.Status.CHECKING), ImportRecord.Status.CHECKING
    )
    if entered is None:
        return ImportRecord.objects.get(pk=record.pk)
    record = entered
    try:
        with record.file.open("rb") as handle:
            data = handle.read()
        out = imports.check_file(
            record.kind,
            data,
            user=user or record.user,
            encoding=record.encoding or None,
            sheet=record.sheet or None,
            progress=_reporter(record.pk),
            allow_older=record.allow_older_counts,
        )
    except Exception as error:  # whatever happened, the record says so and is never left checking
        return _finish(
            record.pk, ImportRecord.Status.CHECKING, ImportRecord.Status.FAILED, _failure_message(error, record)
        )
    with transaction.atomic():
        locked = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if locked.status == ImportRecord.Status.CHECKING:
            _apply(locked, out)
            locked.status = ImportRecord.Status.REJECTED if out.rejected else ImportRecord.Status.CHECKED
            locked.checked_sha256 = hashlib.sha256(data).hexdigest()
            locked.checked_versions = out.versions
            locked.changes, locked.older = out.changes, out.older
            locked.save()
    cache.delete(progress_key(record.pk))
    _log(locked)
    return locked


def start_confirm(record: ImportRecord, *, user: "User") -> ImportRecord:
    """Take a ``checked`` import for writing by ``user`` (it becomes ``confirming``; the record is locked
    meanwhile, so of two confirms exactly one goes on).

    Raises ConfirmConflict when it is already confirmed (when, by whom, rows written) or being confirmed;
    ValidationError when it is not checked (never checked, rejected, failed) or its stored file is not the
    one that was checked; PermissionDenied when ``user`` may not import its kind."""
    decisions.check_may_import(user, record.kind)
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update(of=("self",)).select_related("confirmed_by").get(pk=record.pk)
        who = record.confirmed_by.username if record.confirmed_by else "—"
        if record.status == ImportRecord.Status.IMPORTED:
            raise ConfirmConflict(
                _(
                    "This import was already confirmed on %(time)s by %(user)s: %(rows)s rows written "
                    "(%(created)s created, %(updated)s updated); nothing more was written."
                )
                % {
                    "time": date_format(timezone.localtime(record.finished_at), "SHORT_DATETIME_FORMAT"),
                    "user": who,
                    "rows": record.created + record.updated,
                    "created": record.created,
                    "updated": record.updated,
                },
                record,
            )
        if record.status == ImportRecord.Status.CONFIRMING:
            raise ConfirmConflict(
                _("This import is being written since %(time)s, confirmed by %(user)s; nothing more was written.")
                % {
                    "time": date_format(timezone.localtime(record.step_started_at), "SHORT_DATETIME_FORMAT"),
                    "user": who,
                },
                record,
            )
        if record.status != ImportRecord.Status.CHECKED:
            raise ValidationError(
                _("Only a checked import without rejected rows can be confirmed; this one is %(status)s.")
                % {"status": record.get_status_display()}
            )
        if not record.checked_sha256 or _digest(record) != record.checked_sha256:
            raise ValidationError(_("The stored file is not the one that was checked; upload it again."))
        record.status, record.step_started_at, record.message = ImportRecord.Status.CONFIRMING, timezone.now(), ""
        record.confirmed_by = user
        record.save()
    return record


def write_confirmed(record: ImportRecord) -> ImportRecord:
    """Write a ``confirming`` import (start_confirm took it) as its ``confirmed_by``: imports.write_file,
    all rows or none, in one transaction that also marks the record ``imported``. A row whose record
    changed since the check leaves it ``rejected`` with those rows in its errors ("changed since the
    check"); any other failure ``failed`` with the reason. A record no longer ``confirming`` (the sweep
    took it) is left as it is. Returns the record."""
    step = ImportRecord.Status.CONFIRMING
    try:
        with transaction.atomic():
            locked = ImportRecord.objects.select_related("confirmed_by").get(pk=record.pk)
            if locked.status != step:
                return locked
            with locked.file.open("rb") as handle:
                data = handle.read()
            if hashlib.sha256(data).hexdigest() != locked.checked_sha256:
                raise ValidationError(_("The stored file is not the one that was checked; upload it again."))
            out = imports.write_file(
                locked.kind,
                data,
                user=locked.confirmed_by or locked.user,
                reason=f"import #{locked.pk} ({locked.file_name})",
                versions=locked.checked_versions,
                encoding=locked.encoding or None,
                sheet=locked.sheet or None,
                progress=_reporter(locked.pk),
                allow_older=locked.allow_older_counts,
            )
            locked = ImportRecord.objects.select_for_update().get(pk=record.pk)
            if locked.status != step:  # swept while writing: its writes are rolled back
                transaction.set_rollback(True)
                return locked
            _apply(locked, out)
            locked.status, locked.finished_at = ImportRecord.Status.IMPORTED, timezone.now()
            locked.save()
    except imports.RejectedImport as rejected:
        out = rejected.outcome
        message = (
            _("%(count)s row(s) changed since the check; nothing was written. Check the file again.")
            % {"count": out.changed}
            if out.changed
            else _("The file has rejected rows; nothing was written.")
        )
        return _finish(record.pk, step, ImportRecord.Status.REJECTED, message, out)
    except Exception as error:  # whatever happened, the record says so and is never left confirming
        return _finish(record.pk, step, ImportRecord.Status.FAILED, _failure_message(error, record))
    cache.delete(progress_key(record.pk))
    _log(locked)
    return locked


def process(record: ImportRecord, *, confirm: bool = False, user: "User | None" = None) -> ImportRecord:
    """Check the record (pending) and, with ``confirm``, write it when the check passed, as ``user``
    (default: who uploaded): what the command and the tests do in one step. The pages and the API check
    (check) and confirm (start_confirm, write_confirmed) in separate requests. A conflicting confirm leaves the
    record as it is with the conflict in ``message``. Returns the record."""
    if record.status in (ImportRecord.Status.PENDING, ImportRecord.Status.CHECKING):
        record = check(record, user=user)
    if not confirm or record.status != ImportRecord.Status.CHECKED:
        if confirm and record.status == ImportRecord.Status.IMPORTED:
            record.message = _("This import was already written.")
        return record
    try:
        record = start_confirm(record, user=user or record.user)  # type: ignore[arg-type]  # the uploader
    except ConfirmConflict as conflict:
        conflict.record.message = conflict.message
        return conflict.record
    except (ValidationError, PermissionDenied) as error:
        record.message = str(error.messages[0] if isinstance(error, ValidationError) else error)
        return record
    return write_confirmed(record)


def fail_stuck(now: datetime.datetime | None = None) -> int:
    """Mark ``failed`` every import still pending, checking or confirming STUCK_AFTER after its step
    started (its worker was killed, or its request timed out): the reason says so and that nothing was
    written. Returns how many. Run by the beat (registers.tasks.fail_stuck_imports)."""
    cutoff = (now or timezone.now()) - STUCK_AFTER
    stuck = 0
    with transaction.atomic():
        for record in ImportRecord.objects.select_for_update(skip_locked=True).filter(
            Q(step_started_at__lt=cutoff) | Q(step_started_at__isnull=True, created_at__lt=cutoff),
            status__in=ImportRecord.RUNNING,
        ):
            was = record.get_status_display()
            record.status = ImportRecord.Status.FAILED
            record.message = _(
                "The import stopped without finishing (it was %(step)s for more than %(minutes)s minutes: the "
                "worker was stopped or the queue lost it); nothing was written. Upload the file again."
            ) % {"step": was, "minutes": int(STUCK_AFTER.total_seconds() // 60)}
            record.save(update_fields=["status", "message"])
            stuck += 1
    if stuck:
        logger.warning("%s stuck import(s) marked failed", stuck)
    return stuck


def _log(record: ImportRecord) -> None:
    logger.info(
        "import %s %s: %s rows, %s created, %s updated, %s unchanged, %s rejected",
        record.pk,
        record.status,
        record.rows,
        record.created,
        record.updated,
        record.unchanged,
        record.rejected,
    )
