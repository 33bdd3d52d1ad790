"""Writes of register imports (recorded in ImportRecord)."""

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tabular import ENCODING_NAMES, TabularError

from . import imports
from .models import ImportRecord

logger = logging.getLogger(__name__)
MAX_STORED_ERRORS = 10_000

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _apply(record: ImportRecord, out: imports.Outcome) -> None:
    record.rows, record.created, record.updated = out.rows, out.created, out.updated
    record.unchanged, record.rejected = out.unchanged, out.rejected
    record.errors = out.errors[:MAX_STORED_ERRORS]


def upload(
    *, user: "User", kind: str, file_name: str, data: bytes, encoding: str = "", sheet: str = ""
) -> ImportRecord:
    """Record an uploaded register file (not yet checked). Raises ValidationError for an unknown kind."""
    if kind not in imports.COLUMNS:
        raise ValidationError(
            {
                "kind": [
                    _("Unknown kind '%(kind)s'. Use one of: %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(imports.COLUMNS)}
                ]
            }
        )
    if encoding and encoding.strip().lower().replace("_", "-") not in ENCODING_NAMES:
        raise ValidationError(
            {"encoding": [_("Unknown encoding '%(encoding)s'. Use utf-8 or cp1251.") % {"encoding": encoding[:30]}]}
        )
    record = ImportRecord(kind=kind, file_name=file_name[:255], user=user, encoding=encoding or "", sheet=sheet or "")
    record.file.save(file_name or "register", ContentFile(data), save=False)
    record.save()
    return record


def process(record: ImportRecord, *, confirm: bool = False, user: "User | None" = None) -> ImportRecord:
    """Check the record's file (the dry run) and, with ``confirm``, write it in one transaction when no row
    is rejected; ``user`` is who confirms (default: who uploaded), named in the rows' history. The record
    gets the counts, the errors and its status; an import is written once only (the record is locked), and
    only from ``pending`` (check and write in one step, as the command does) or ``checked``.
    Any failure leaves the record ``failed`` with the reason, never half-written. Returns the record."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if confirm and record.status not in (ImportRecord.Status.PENDING, ImportRecord.Status.CHECKED):
            record.message = (
                _("This import was already written.")
                if record.status == ImportRecord.Status.IMPORTED
                else _("Only a checked import without rejected rows can be confirmed.")
            )
            return record
        actor = user or record.user
        try:
            with record.file.open("rb") as handle:
                data = handle.read()
            out = imports.check_file(
                record.kind, data, user=actor, encoding=record.encoding or None, sheet=record.sheet or None
            )
            _apply(record, out)
            record.message = ""
            if out.rejected:
                record.status = ImportRecord.Status.REJECTED
            elif confirm:
                with transaction.atomic():
                    imports.write(out, user=actor, reason=f"import #{record.pk} ({record.file_name})")
                record.status, record.finished_at = ImportRecord.Status.IMPORTED, timezone.now()
                record.confirmed_by = actor
            else:
                record.status = ImportRecord.Status.CHECKED
        except (TabularError, PermissionDenied, ValidationError) as error:
            record.status = ImportRecord.Status.FAILED
            record.message = str(error.messages[0] if isinstance(error, ValidationError) else error)
        except Exception as error:  # a file no rule foresaw: say so, never leave the record pending
            logger.exception("import %s failed", record.pk)
            record.status = ImportRecord.Status.FAILED
            record.message = _("The file could not be processed (%(error)s); nothing was written.") % {
                "error": error.__class__.__name__
            }
        record.save()
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
    return record
