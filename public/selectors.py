"""Reading published releases for the public site and the public API (docs/public-site.md).

A page or an API answer reads the release it shows with **one query** of its metadata (no content);
the content (public.content.build's JSON, ~200 kB for the demo) is parsed once per process and kept in
memory, keyed by the release's id and SHA-256 (a published release never changes, so the key never
goes stale). Only published releases are ever read here: drafts and their ``withheld`` values never.
"""

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from .models import Release

#: The columns of a release read for a page (everything but content, suppressions and withheld).
META_FIELDS = (
    "id",
    "number",
    "as_of",
    "sha256",
    "note",
    "note_ru",
    "note_kk",
    "is_demo",
    "licence",
    "published_at",
    "corrects__number",
)
#: How many releases' parsed contents a process keeps (the current one and a few past ones).
CONTENT_CACHE_SIZE = 8

_contents: "OrderedDict[tuple[int, str], Content]" = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Content:
    """A release's content (public.content.build) with look-ups: ``regions`` and ``facilities`` by code,
    ``facilities_by_region`` (region code -> facility rows in the release's order), ``profiles`` by
    code, ``evidence_ids`` (the public attachments the release lists, by id), ``items_by_region``
    (region code or None for the nation -> recommendation items)."""

    data: dict[str, Any]
    regions: dict[str, dict] = field(default_factory=dict)
    facilities: dict[str, dict] = field(default_factory=dict)
    facilities_by_region: dict[str, list[dict]] = field(default_factory=dict)
    profiles: dict[str, dict] = field(default_factory=dict)
    evidence_ids: frozenset[int] = frozenset()
    items_by_region: dict[str | None, list[dict]] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: dict[str, Any]) -> "Content":
        by_region: dict[str, list[dict]] = {}
        for row in data.get("facilities", []):
            by_region.setdefault(row["region"], []).append(row)
        items = data.get("recommendations", {}).get("items", [])
        items_by_region: dict[str | None, list[dict]] = {}
        for item in items:
            items_by_region.setdefault(item.get("region"), []).append(item)
        return cls(
            data=data,
            regions={row["code"]: row for row in data.get("regions", [])},
            facilities={row["code"]: row for row in data.get("facilities", [])},
            facilities_by_region=by_region,
            profiles={p["code"]: p for p in data.get("profiles", []) if p.get("verified")},
            evidence_ids=frozenset(e["id"] for item in items for e in item.get("evidence", [])),
            items_by_region=items_by_region,
        )


@dataclass(frozen=True)
class PublishedRelease:
    """A published release as the public site shows it. ``note``: {"en", "ru", "kk"} (empty strings
    where none was written); ``corrects``: the number of the release it corrects, or None."""

    id: int
    number: int
    as_of: datetime.date
    sha256: str
    note: dict[str, str]
    is_demo: bool
    licence: str
    published_at: datetime.datetime
    corrects: int | None
    content: Content | None = None

    @property
    def etag(self) -> str:
        """The release's entity tag (Release.etag: its number and its content's SHA-256, shortened): two
        releases never share one, even with the same figures."""
        return f"r{self.number}-{self.sha256[:24]}"

    def note_in(self, language: str) -> str:
        """The note in ``language``; else, for Kazakh, in Russian; else in English; else in any language."""
        fallbacks = {"kk": ("kk", "ru", "en"), "ru": ("ru", "en", "kk")}.get(language, ("en", "ru", "kk"))
        return next((self.note[code] for code in fallbacks if self.note.get(code)), "")

    @property
    def data(self) -> dict[str, Any]:
        assert self.content is not None, "the release was read without its content"
        return self.content.data


def _meta(row: dict[str, Any]) -> PublishedRelease:
    return PublishedRelease(
        id=row["id"],
        number=row["number"],
        as_of=row["as_of"],
        sha256=row["sha256"],
        note={"en": row["note"], "ru": row["note_ru"], "kk": row["note_kk"]},
        is_demo=row["is_demo"],
        licence=row["licence"],
        published_at=row["published_at"],
        corrects=row["corrects__number"],
    )


def _content(release_id: int, sha256: str) -> Content:
    """The parsed content of a published release, from this process's memory (a second query only the
    first time a process shows the release)."""
    key = (release_id, sha256)
    with _lock:
        found = _contents.get(key)
        if found is not None:
            _contents.move_to_end(key)
            return found
    data = (
        Release.objects.filter(pk=release_id, status=Release.Status.PUBLISHED).values_list("content", flat=True).get()
    )
    parsed = Content.parse(data)
    with _lock:
        _contents[key] = parsed
        while len(_contents) > CONTENT_CACHE_SIZE:
            _contents.popitem(last=False)
    return parsed


def _with_content(meta: PublishedRelease) -> PublishedRelease:
    return replace(meta, content=_content(meta.id, meta.sha256))


def current() -> PublishedRelease | None:
    """The latest published release with its content (one query when this process has read it
    before), or None before any release is published."""
    row = Release.objects.published().values(*META_FIELDS).first()
    return _with_content(_meta(row)) if row else None


def published(number: int) -> PublishedRelease | None:
    """The published release numbered ``number`` with its content, or None."""
    row = Release.objects.published().filter(number=number).values(*META_FIELDS).first()
    return _with_content(_meta(row)) if row else None


def all_published() -> list[PublishedRelease]:
    """Every published release, newest first, without content (one query)."""
    return [_meta(row) for row in Release.objects.published().values(*META_FIELDS)]


def clear_cache() -> None:
    """Forget every parsed content (tests; never needed in production: releases never change)."""
    with _lock:
        _contents.clear()
