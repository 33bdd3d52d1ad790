"""Preparing, reviewing and publishing releases (docs/public.md, §Releases). Thin callers: the release
pages, ``publish_release`` and the demo."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Cell
from core.validators import unencodable_reason
from facilities import decisions

from . import disclosure
from .content import build
from .models import Release


def prepare(user, note: str = "", note_ru: str = "", note_kk: str = "", corrects: Release | None = None) -> Release:
    """A new draft release of today's figures (Asia/Almaty) under the current disclosure rules
    (settings.PUBLIC_DISCLOSURE) and licence (settings.PUBLIC_LICENCE). ``corrects``: the published
    release it corrects (then a ``note`` in some language is required). Raises PermissionDenied for a
    user who is not an administrator (None: the system, for the demo and the command), ValidationError
    ``{field: [reason]}``."""
    if user is not None:
        decisions.check_may_publish_releases(user)
    errors = {
        name: [reason]
        for name, text in (("note", note), ("note_ru", note_ru), ("note_kk", note_kk))
        if (reason := unencodable_reason(text or ""))
    }
    if errors:
        raise ValidationError(errors)
    if corrects is not None:
        if not corrects.is_published:
            raise ValidationError({"corrects": [_("Only a published release can be corrected.")]})
        if not (note or note_ru or note_kk).strip():
            raise ValidationError({"note": [_("A correction says what it corrects: write a note.")]})
    rules = disclosure.current_rules()
    as_of = timezone.localdate()
    demo = Cell.objects.filter(is_demo=True).exists()
    content, suppressions, withheld = build(as_of, rules, demo=demo)
    release = Release(
        as_of=as_of,
        computed_at=timezone.now(),
        note=note.strip(),
        note_ru=note_ru.strip(),
        note_kk=note_kk.strip(),
        corrects=corrects,
        content=content,
        suppressions=suppressions,
        withheld=withheld,
        rules=rules.as_dict(),
        licence=settings.PUBLIC_LICENCE["name"],
        is_demo=demo,
        prepared_by=user,
    )
    release.full_clean(exclude=["sha256", "content"])
    release.save()
    return release


def review(user, release: Release) -> Release:
    """Mark a draft as reviewed by ``user``. Raises PermissionDenied, ValidationError when it is not a draft."""
    if user is not None:
        decisions.check_may_publish_releases(user)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.status != Release.Status.DRAFT:
            raise ValidationError({"status": [_("Only a draft can be reviewed.")]})
        release.status, release.reviewed_by, release.reviewed_at = Release.Status.REVIEWED, user, timezone.now()
        release.save(update_fields=["status", "reviewed_by", "reviewed_at", "sha256"])
    return release


def publish(user, release: Release) -> Release:
    """Publish a reviewed release: it takes the next number and the time, and never changes again. Two
    administrators publishing at once get two numbers in order (the releases are locked). Raises
    PermissionDenied, ValidationError when it is not reviewed."""
    if user is not None:
        decisions.check_may_publish_releases(user)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # one publication at a time: numbers in order, none twice
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE public_release IN SHARE ROW EXCLUSIVE MODE")
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.status != Release.Status.REVIEWED:
            raise ValidationError({"status": [_("Only a reviewed release can be published.")]})
        last = Release.objects.aggregate(n=Max("number"))["n"] or 0
        release.status, release.number = Release.Status.PUBLISHED, last + 1
        release.published_by, release.published_at = user, timezone.now()
        release.save(update_fields=["status", "number", "published_by", "published_at", "sha256"])
    return release


def discard(user, release: Release) -> None:
    """Delete a draft or reviewed release that was not published. Raises PermissionDenied, ValidationError."""
    if user is not None:
        decisions.check_may_publish_releases(user)
    if release.is_published:
        raise ValidationError({"status": [_("A published release is never deleted.")]})
    release.delete()


FIRST_NOTE = {
    "note": "First release of the demo estate: generated demo data, not official figures.",
    "note_ru": "Первый выпуск по демонстрационным учреждениям: сгенерированные демонстрационные данные, не официальные цифры.",
    "note_kk": "Демонстрациялық мекемелердің алғашқы шығарылымы: жасалған демо деректер, ресми сандар емес.",
}


def publish_first_release() -> Release | None:
    """Prepare, review and publish a release (as the system) when none is published yet: the demo's
    first release, so that /public/ shows the demo estate out of the box. Returns it, or None when a
    release was published already (a rerun of seed_demo publishes nothing)."""
    if Release.objects.filter(status=Release.Status.PUBLISHED).exists():
        return None
    release = prepare(None, FIRST_NOTE["note"], FIRST_NOTE["note_ru"], FIRST_NOTE["note_kk"])
    return publish(None, review(None, release))


__all__ = ["prepare", "review", "publish", "discard", "publish_first_release", "PermissionDenied"]
