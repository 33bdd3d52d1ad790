"""A published release as a Frictionless Data Package (docs/public.md, §The data package).

Files (``FILES``): ``facilities.csv``, ``regions.csv``, ``nation.csv`` (the figures as published: rounded
or an empty cell with ``<name>_suppressed`` giving the reason), ``recommendations.csv`` (one row per
recommendation, no free text), ``recommendations_by_mechanism.csv``, ``suppressions.csv`` (what was
suppressed and why, never the value), ``dictionary.csv`` (every column of every file, three languages),
``release.json`` (the release's content and metadata), and ``datapackage.json`` describing them all.

Every CSV file is UTF-8 **with a byte-order mark**, comma-separated, a header row, ``\\r\\n`` line ends
(RFC 4180): like every export of the portal (core/export.py), so that Excel, where most readers open
them, reads the Kazakh and Russian names as UTF-8 instead of the ANSI code page; Frictionless, pandas
(``utf-8-sig``), R and LibreOffice skip the mark. Text cells are neutralised against formula injection
(core.export.neutralise); numbers are written plainly with a decimal point; booleans ``true``/``false``;
an empty cell is a missing value (``missingValues: [""]``). Every file carries the demo flag (a ``demo``
column; release.json and datapackage.json a ``demo`` property, and the title says so).

Every byte is a function of the stored release (its content, rules, licence, notes, number, dates) and
of DICTIONARY_VERSION: the files of a published release are the same whenever they are served, so that
its ETag (Release.etag) names them all.
"""

import csv
import functools
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from core.export import neutralise

from . import dictionary
from .dictionary import Field
from .models import Release

CSV_FILES = (
    "facilities.csv",
    "regions.csv",
    "nation.csv",
    "recommendations.csv",
    "recommendations_by_mechanism.csv",
    "suppressions.csv",
    "dictionary.csv",
)
FILES = (*CSV_FILES, "release.json")
PACKAGE = "datapackage.json"
TITLES = {
    "facilities.csv": dictionary.text("Facilities", "Учреждения", "Мекемелер"),
    "regions.csv": dictionary.text("Regions", "Регионы", "Өңірлер"),
    "nation.csv": dictionary.text("The nation", "Страна", "Ел"),
    "recommendations.csv": dictionary.text("Recommendations", "Рекомендации", "Ұсынымдар"),
    "recommendations_by_mechanism.csv": dictionary.text(
        "Recommendations by mechanism and region",
        "Рекомендации по механизмам и регионам",
        "Тетіктер мен өңірлер бойынша ұсынымдар",
    ),
    "suppressions.csv": dictionary.text("Suppressed values", "Скрытые значения", "Жасырылған мәндер"),
    "dictionary.csv": dictionary.text("Data dictionary", "Словарь данных", "Деректер сөздігі"),
    "release.json": dictionary.text("The release (JSON)", "Выпуск (JSON)", "Шығарылым (JSON)"),
}
DEMO_TITLE = dictionary.text("generated demo data", "сгенерированные демонстрационные данные", "жасалған демо деректер")


def cell(value: Any) -> str:
    """One CSV cell: None empty, booleans true/false, numbers as Python writes them, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return neutralise(str(value))


def csv_bytes(fields: Sequence[Field], rows: Iterable[dict]) -> bytes:
    """``rows`` (dicts keyed by field name) as UTF-8 CSV with a BOM and a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f.name for f in fields])
    for row in rows:
        writer.writerow([cell(row.get(f.name)) for f in fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def flat_area(area: dict) -> dict:
    """An area of the content (facility, region, nation) as a flat CSV row (keys: the CSV columns)."""
    row = {key: value for key, value in area.items() if not isinstance(value, (dict, list))}
    for language, name in (area.get("name") or {}).items():
        row[f"name_{language}"] = name
    for status, n in area.get("projects", {}).items():
        row[f"projects_{status}"] = n
    for entry in area.get("compliance", []):
        slug = dictionary.profile_slug(entry["profile"])
        row[f"persons_compliant_{slug}"] = entry["persons_compliant"]
        row[f"persons_compliant_{slug}_suppressed"] = entry["persons_compliant_suppressed"]
        row[f"share_compliant_{slug}_percent"] = entry["share_percent"]
        row[f"share_compliant_{slug}_percent_suppressed"] = entry["share_percent_suppressed"]
    return row


def tables(release: Release) -> dict[str, tuple[list[Field], list[dict]]]:
    """Each CSV file of ``release``: (its fields, its rows)."""
    content = release.content
    demo = bool(content.get("demo", release.is_demo))
    profiles = content.get("profiles", [])

    def flagged(rows: Iterable[dict]) -> list[dict]:
        return [{**row, "demo": demo} for row in rows]

    out: dict[str, tuple[list[Field], list[dict]]] = {
        "facilities.csv": (
            dictionary.area_fields("facility", profiles),
            flagged(flat_area(f) for f in content["facilities"]),
        ),
        "regions.csv": (
            dictionary.area_fields("region", profiles),
            flagged(flat_area(r) for r in content["regions"]),
        ),
        "nation.csv": (dictionary.area_fields("nation", profiles), flagged([flat_area(content["nation"])])),
    }
    recommendations = content.get("recommendations", {})
    out["recommendations.csv"] = (
        dictionary.recommendation_fields(),
        flagged(
            {**item, "public_evidence": len(item.get("evidence") or [])} for item in recommendations.get("items", [])
        ),
    )
    grouped = [{**row, "scope": "all", "region": None} for row in recommendations.get("by_mechanism", [])] + [
        {**row, "scope": "region" if row.get("region") else "nation"}
        for row in recommendations.get("by_mechanism_and_region", [])
    ]
    out["recommendations_by_mechanism.csv"] = (
        dictionary.recommendation_table_fields(),
        flagged(
            {**row, **{f"judgement_{name}": n for name, n in row.get("judgements", {}).items()}} for row in grouped
        ),
    )
    out["suppressions.csv"] = (
        dictionary.suppression_fields(),
        flagged({**s, "column": dictionary.csv_column(s["column"])} for s in release.suppressions),
    )
    dictionary_rows = []
    for name, (fields, _rows) in out.items():
        for f in fields:
            schema = f.schema()
            dictionary_rows.append(
                {
                    "file": name,
                    "field": f.name,
                    "type": f.type,
                    **{f"title_{lang}": f.title[lang] for lang in dictionary.LANGUAGES},
                    **{
                        f"description_{lang}": schema["description" + ("" if lang == "en" else f"_{lang}")]
                        for lang in dictionary.LANGUAGES
                    },
                    "unit": f.unit["en"] if f.unit else None,
                }
            )
    out["dictionary.csv"] = (dictionary.dictionary_fields(), flagged(dictionary_rows))
    return out


def release_metadata(release: Release) -> dict:
    """What release.json says of the release besides its content."""
    return {
        "number": release.number,
        "as_of": release.as_of.isoformat(),
        "published_at": release.published_at.isoformat() if release.published_at else None,
        "note": {"en": release.note, "ru": release.note_ru, "kk": release.note_kk},
        "corrects": release.corrects.number if release.corrects_id and release.corrects else None,
        "licence": release.licence,
        "disclosure": release.rules,
        "demo": release.is_demo,
        "sha256": release.sha256,
    }


def release_json(release: Release) -> bytes:
    document = {
        "release": release_metadata(release),
        "content": release.content,
        "suppressions": [{**s, "column_csv": dictionary.csv_column(s["column"])} for s in release.suppressions],
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, indent=1).encode() + b"\n"


def licence_of(release: Release) -> dict:
    """The licence of ``release`` (Frictionless ``licenses`` entry): settings.PUBLIC_LICENCE when its
    name is the release's, else the name alone (a release keeps the licence it was published under)."""
    licence = dict(settings.PUBLIC_LICENCE)
    if licence.get("name") != release.licence:
        return {"name": release.licence, "title": release.licence}
    return licence


def _title(release: Release, language: str) -> str:
    base = {
        "en": f"Roadmap Portal: the penitentiary estate of Kazakhstan, release {release.number} of {release.as_of}",
        "ru": f"Roadmap Portal: пенитенциарные учреждения Казахстана, выпуск {release.number} от {release.as_of}",
        "kk": f"Roadmap Portal: Қазақстанның пенитенциарлық мекемелері, {release.as_of} №{release.number} шығарылым",
    }[language]
    return f"{base} ({DEMO_TITLE[language]})" if release.is_demo else base


def descriptor(release: Release, files: dict[str, bytes]) -> dict:
    """datapackage.json of ``release`` (``files``: the bytes of each file, for ``bytes`` and ``hash``)."""
    licence = licence_of(release)
    schemas = tables(release)
    resources = []
    for name in FILES:
        data = files[name]
        resource: dict[str, Any] = {
            "name": name.rsplit(".", 1)[0],
            "path": name,
            "format": name.rsplit(".", 1)[1],
            "mediatype": "text/csv" if name.endswith(".csv") else "application/json",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "title": TITLES[name]["en"],
            "title_ru": TITLES[name]["ru"],
            "title_kk": TITLES[name]["kk"],
        }
        if name in schemas:
            fields, _rows = schemas[name]
            resource["profile"] = "tabular-data-resource"
            resource["dialect"] = {"delimiter": ",", "header": True}
            resource["schema"] = {"fields": [f.schema() for f in fields], "missingValues": [""]}
        resources.append(resource)
    rules = release.rules
    return {
        "profile": "data-package",
        "name": f"roadmap-portal-release-{release.number}",
        "id": f"roadmap-portal-release-{release.number}-{release.sha256[:16]}",
        "title": _title(release, "en"),
        "title_ru": _title(release, "ru"),
        "title_kk": _title(release, "kk"),
        "description": dictionary.rules_text(rules, licence, "en"),
        "description_ru": dictionary.rules_text(rules, licence, "ru"),
        "description_kk": dictionary.rules_text(rules, licence, "kk"),
        "version": str(release.number),
        "created": release.published_at.isoformat() if release.published_at else None,
        "as_of": release.as_of.isoformat(),
        "demo": release.is_demo,
        "corrects": release.corrects.number if release.corrects_id and release.corrects else None,
        "licenses": [licence],
        "sources": [
            {
                "title": "Roadmap Portal: the registers of facilities, blocks and cells, the counts by place of "
                "residence, the conversion projects and the registry of recommendations"
                + (" (generated demo data)" if release.is_demo else "")
            }
        ],
        "disclosure": {
            **rules,
            "reasons": dict(dictionary.REASONS),
        },
        "dictionary_version": dictionary.DICTIONARY_VERSION,
        "resources": resources,
    }


@functools.lru_cache(maxsize=8)
def _files(pk: int, sha256: str) -> dict[str, bytes]:
    """The files of the published release ``pk`` (``sha256``: its content's, part of the cache key)."""
    release = Release.objects.select_related("corrects").get(pk=pk)
    files = {name: csv_bytes(*table) for name, table in tables(release).items()}
    files["release.json"] = release_json(release)
    files[PACKAGE] = (
        json.dumps(descriptor(release, files), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode() + b"\n"
    )
    files[zip_name(release)] = _zip(release, files)
    return files


def zip_name(release: Release) -> str:
    return f"release-{release.number}.zip"


def _zip(release: Release, files: dict[str, bytes]) -> bytes:
    """Every file in one ZIP (fixed timestamps: the release's publication time, so that the bytes are the
    same every time)."""
    when = release.published_at or release.prepared_at
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in (PACKAGE, *FILES):
            info = zipfile.ZipInfo(f"release-{release.number}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def files(release: Release) -> dict[str, bytes]:
    """Every file of the published ``release`` (FILES, datapackage.json and the ZIP) by name. Raises
    ValueError for a release that is not published (a draft has no files)."""
    if not release.is_published:
        raise ValueError("only a published release has files")
    return _files(release.pk, release.sha256)


def media_type(name: str) -> str:
    if name.endswith(".csv"):
        return "text/csv; charset=utf-8"
    if name.endswith(".zip"):
        return "application/zip"
    return "application/json"
