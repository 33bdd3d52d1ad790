"""Files that come with a response to a finding: what is accepted and how a photo loses its metadata.

Accepted: JPEG and PNG photos and PDF documents, recognised by their first bytes (never by the name or
the type the client states), each at most ``settings.FINDING_ATTACHMENT_MAX_BYTES`` (default 10 MB), at
most MAX_FILES per response. A photo is decoded and re-encoded by Pillow with no metadata: EXIF (with its
GPS position), XMP, ICC profile, comments and text chunks are dropped; its EXIF orientation is applied to
the pixels first, so it still shows upright. A PDF is stored as sent.
"""

import io
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
MAGIC = {JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n", PDF: b"%PDF-"}
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}
MAX_FILES = 5
MAX_PIXELS = 60_000_000  # a 60-megapixel photo; more is refused before it is decoded


@dataclass(frozen=True)
class Prepared:
    """An accepted upload, ready to store: ``name`` (without folders, at most 200 characters, with the
    extension of its type), ``content_type`` (JPEG, PNG, PDF) and ``content`` (bytes, metadata-free)."""

    name: str
    content_type: str
    content: bytes


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes: JPEG, PNG, PDF, or None."""
    for content_type, magic in MAGIC.items():
        if head.startswith(magic):
            return content_type
    return None


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """``data`` (a JPEG or PNG) decoded and encoded again without metadata (module docstring). Raises
    ValueError (or Pillow's errors) for a file that is not a readable image or is too large."""
    with Image.open(io.BytesIO(data)) as probe:
        if probe.width * probe.height > MAX_PIXELS:
            raise ValueError("too many pixels")
        probe.verify()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image) or image
        upright.info = {}  # comments, ICC, XMP, text chunks: Pillow writes what info holds
        out = io.BytesIO()
        if content_type == JPEG:
            upright.save(out, "JPEG", quality=92)
        else:
            upright.save(out, "PNG", optimize=False)
        return out.getvalue()


def _name(raw: str, content_type: str) -> str:
    base = os.path.basename((raw or "").replace("\\", "/")).strip() or "attachment"
    stem, extension = os.path.splitext(base)
    wanted = EXTENSIONS[content_type]
    if extension.lower() not in ({".jpg", ".jpeg"} if content_type == JPEG else {wanted}):
        extension = wanted
    return stem[: 200 - len(extension)] + extension


def prepare(uploads) -> list[Prepared]:
    """The accepted form of each of ``uploads`` (Django UploadedFiles), in order. Raises ValidationError
    ``{"attachments": [reason per refused file]}`` when any is refused (then none is kept): more than
    MAX_FILES, empty, larger than the limit, of another type, or an image that does not decode."""
    uploads = list(uploads or [])
    limit = settings.FINDING_ATTACHMENT_MAX_BYTES
    if len(uploads) > MAX_FILES:
        raise ValidationError({"attachments": [_("At most %(count)s files per response.") % {"count": MAX_FILES}]})
    prepared, errors = [], []
    for upload in uploads:
        name = os.path.basename(getattr(upload, "name", "") or "")[:100]
        if not upload.size:
            errors.append(_("%(name)s is empty.") % {"name": name})
            continue
        if upload.size > limit:
            errors.append(
                _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": f"{limit / 1024 / 1024:g}"}
            )
            continue
        upload.seek(0)
        data = upload.read()
        content_type = sniff(data[:8])
        if content_type is None:
            errors.append(_("%(name)s is not a JPEG, PNG or PDF file.") % {"name": name})
            continue
        if content_type in (JPEG, PNG):
            try:
                data = strip_metadata(data, content_type)
            except Exception:
                errors.append(_("%(name)s is not a readable image.") % {"name": name})
                continue
        prepared.append(Prepared(_name(name, content_type), content_type, data))
    if errors:
        raise ValidationError({"attachments": errors})
    return prepared
