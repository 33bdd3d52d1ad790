"""Writes of the top floor: register imports (recorded in ImportRecord)."""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from core.tabular import TabularError

from . import imports
from .models import ImportRecord

logger = logging.getLogger(__name__)
MAX_STORED_ERRORS = 10_000


def _apply(record: ImportRecord, out: imports.Outcome) -> None:
    record.rows, record.created, record.updated = out.rows, out.created, out.updated
    record.unchanged, record.rejected = out.unchanged, out.rejected
    record.errors = out.errors[:MAX_STORED_ERRORS]


def upload(*, user, kind: str, file_name: str, data: bytes, encoding: str = "", sheet: str = "") -> ImportRecord:
    """Record an uploaded register file (not yet checked). Raises ValidationError for an unknown kind."""
    if kind not in imports.COLUMNS:
        raise ValidationError({"kind": [f"Unknown kind '{kind}'. Use one of: {', '.join(imports.COLUMNS)}."]})
    record = ImportRecord(kind=kind, file_name=file_name[:255], user=user, encoding=encoding or "",
                          sheet=sheet or "")
    record.file.save(file_name or "register", ContentFile(data), save=False)
    record.save()
    return record


def process(record: ImportRecord, *, confirm: bool = False) -> ImportRecord:
    """Check the record's file (the dry run) and, with ``confirm``, write it in one transaction when no row
    is rejected. The record gets the counts, the errors and its status. Returns it."""
    user = record.user
    with record.file.open("rb") as handle:
        data = handle.read()
    try:
        out = imports.check_file(record.kind, data, user=user, encoding=record.encoding or None,
                                 sheet=record.sheet or None)
    except (TabularError, PermissionDenied) as error:
        record.status, record.message = ImportRecord.Status.FAILED, str(error)
        record.save()
        return record
    _apply(record, out)
    record.message = ""
    if out.rejected:
        record.status = ImportRecord.Status.REJECTED
    elif confirm:
        imports.write(out, user=user, reason=f"import #{record.pk} ({record.file_name})")
        record.status, record.finished_at = ImportRecord.Status.IMPORTED, timezone.now()
    else:
        record.status = ImportRecord.Status.CHECKED
    record.save()
    logger.info("import %s %s: %s rows, %s created, %s updated, %s unchanged, %s rejected", record.pk,
                record.status, out.rows, out.created, out.updated, out.unchanged, out.rejected)
    return record
