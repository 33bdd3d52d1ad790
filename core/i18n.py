"""Texts kept as data in the reader's language (issue 18, item 1): one approach for every model.

A translatable text ``F`` of a model is stored as written (or in English, for reference data) in ``F``
itself, and its Russian and Kazakh versions in the columns ``F_ru`` and ``F_kk``. Names of regions and
facilities, which have no column "as written", keep ``name_en``, ``name_ru`` and ``name_kk``. The
reader sees ``localised(obj, "F")``: the text in the active language where it exists, else the text as
written, else the first of English, Russian and Kazakh that exists. Nothing is machine-translated.

The template filter ``{{ obj|tr:"F" }}`` (roadmap_portal/templatetags/portal.py) and the serializers call
this one function.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

LANGUAGES = ("kk", "ru", "en")
TRANSLATED_LANGUAGES = ("ru", "kk")  # the columns F_ru and F_kk beside a text F


def active_language(language: str | None = None) -> str:
    """The two-letter code of ``language`` or of the active language: ``kk``, ``ru`` or ``en``."""
    code = (language or get_language() or "en")[:2].lower()
    return code if code in LANGUAGES else "en"


def translation_fields(field: str) -> list[str]:
    """The columns that hold the translations of ``field``: ``["F_ru", "F_kk"]``."""
    return [f"{field}_{language}" for language in TRANSLATED_LANGUAGES]


def _stored(obj: Any, field: str) -> str:
    """The stored text of a concrete field of ``obj`` ("" when absent); properties are never called."""
    meta = getattr(obj, "_meta", None)
    if meta is not None and field not in {f.attname for f in meta.concrete_fields}:
        return ""
    value = getattr(obj, field, "")
    return value if isinstance(value, str) else ("" if value is None else str(value))


def localised(obj: Any, field: str, language: str | None = None) -> str:
    """The text ``field`` of ``obj`` in ``language`` (default: the active one), as described above.

    ``obj`` is a model instance or any object with the attributes; returns "" when no version exists.
    """
    language = active_language(language)
    for candidate in (f"{field}_{language}", field, f"{field}_en", f"{field}_ru", f"{field}_kk"):
        value = _stored(obj, candidate)
        if value:
            return value
    return ""


def localised_dict(row: dict[str, Any], field: str, language: str | None = None) -> str:
    """``localised`` for a row read as a dict (``values()``, JSON data): the same order of fallbacks."""
    language = active_language(language)
    for candidate in (f"{field}_{language}", field, f"{field}_en", f"{field}_ru", f"{field}_kk"):
        value = row.get(candidate)
        if value:
            return str(value)
    return ""


def translations(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    """The Russian and Kazakh versions of ``fields`` in a data row: ``{"F_ru": ..., "F_kk": ...}`` ("" when absent)."""
    return {name: str(row.get(name) or "") for field in fields for name in translation_fields(field)}
