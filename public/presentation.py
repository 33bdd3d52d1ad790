"""What a public page shows, built from a release's content in the active language: the figures of an
area (nation, region, facility) with their definitions, the compliance with each verified profile,
projects and recommendations, tables of regions and facilities, and the recommendations page.

Every function reads only the release (public.selectors.PublishedRelease): no query. A value is a
``cell``: ``{"text": what the page writes, "value": the published number or None, "reason": the
suppression's reason code or None, "title": its explanation}``; a suppressed cell writes its reason's
symbol (public.labels.REASONS), explained in the page's legend.
"""

import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core import numbers

from . import labels
from .selectors import PublishedRelease


def cell(area: dict[str, Any], key: str, kind: str) -> dict[str, Any]:
    """The cell of figure ``key`` (of ``kind``: public.labels.PERSONS, PLACES, PERCENT, RATE, COUNT) of
    ``area`` (a nation, region or facility row of a release)."""
    reason = area.get(f"{key}_suppressed")
    if reason:
        symbol, text = labels.REASONS.get(reason, ("×", reason))
        return {"text": symbol, "value": None, "reason": reason, "title": str(text)}
    value = area.get(key)
    if value is None:
        return {"text": "—", "value": None, "reason": None, "title": ""}
    if kind == labels.PERCENT:
        text = numbers.percent(value, 1)
    elif kind == labels.RATE:
        text = numbers.grouped(value, 1)
    else:
        text = numbers.grouped(value)
    return {"text": text, "value": value, "reason": None, "title": ""}


def query(language: str) -> str:
    """The query string every link of a public page carries: its language."""
    return f"?lang={language}"


def area_figures(release: PublishedRelease, area: dict[str, Any], language: str) -> dict[str, Any]:
    """The figures of ``area`` as a page shows them: ``figures`` (figure, cell), ``compliance`` (the
    verified profiles' title, reference and cells; an unverified profile is never shown), ``projects``
    (status label, count), ``projects_active``, ``projects_progress`` (cell), ``recommendations``
    (label, count)."""
    figures = [{"figure": f, "cell": cell(area, f.key, f.kind)} for f in labels.FIGURES]
    profiles = release.content.profiles if release.content else {}
    compliance = []
    for entry in area.get("compliance", []):
        profile = profiles.get(entry["profile"])
        if profile is None:
            continue
        compliance.append(
            {
                "code": entry["profile"],
                "title": _text(profile["title"], language),
                "reference": _text(profile["reference"], language),
                "persons": cell(entry, "persons_compliant", labels.PERSONS),
                "share": cell(entry, "share_percent", labels.PERCENT),
            }
        )
    projects = [
        {"status": status, "label": label, "count": area.get("projects", {}).get(status, 0)}
        for status, label in labels.PROJECT_STATUSES.items()
    ]
    recommendations = [
        {"key": name, "label": label, "count": area.get(f"recommendations_{name}", 0)}
        for name, label in labels.RECOMMENDATION_COUNTS.items()
    ]
    return {
        "figures": figures,
        "compliance": compliance,
        "projects": projects,
        "projects_active": area.get("projects_active", 0),
        "projects_progress": cell(area, "projects_mean_progress_percent", labels.PERCENT),
        "recommendations": recommendations,
    }


def _date(text: str | None) -> datetime.date | None:
    """An ISO date of a release (``"2026-12-08"``) as a date, None for None."""
    return datetime.date.fromisoformat(text) if text else None


def _text(names: dict[str, str], language: str) -> str:
    """A release's text in ``language`` (its dicts hold kk, ru and en), else English."""
    return names.get(language) or names.get("en") or ""


def name(row: dict[str, Any], language: str) -> str:
    """A region's or facility's name in ``language`` (the release's name dicts), else its code."""
    return _text(row.get("name") or {}, language) or row["code"]


def area_rows(rows: list[dict[str, Any]], language: str, url_name: str) -> list[dict[str, Any]]:
    """Rows of a table of areas (regions or facilities): code, name, link (keeping the language), the
    table's cells (public.labels.TABLE_FIGURES) and open / overdue recommendations."""
    q = query(language)
    return [
        {
            "code": row["code"],
            "name": name(row, language),
            "url": reverse(url_name, kwargs={"code": row["code"]}) + q,
            "institutions": row.get("institutions", 0),
            "kind": labels.FACILITY_KINDS.get(row.get("kind", ""), ""),
            "cells": [cell(row, f.key, f.kind) for f in labels.TABLE_FIGURES],
            "open": row.get("recommendations_open", 0),
            "overdue": row.get("recommendations_overdue", 0),
        }
        for row in rows
    ]


def recommendation_tables(release: PublishedRelease, language: str) -> dict[str, Any]:
    """The recommendations page: per mechanism and per mechanism and region, the counts by judgement,
    the share implemented, open and overdue; the items with their public evidence (links to
    /public/evidence/<id>/)."""
    data = release.data.get("recommendations", {})
    regions = release.content.regions if release.content else {}
    facilities = release.content.facilities if release.content else {}
    q = query(language)

    def region_name(code: str | None) -> str:
        if code is None:
            return _("the nation")
        return name(regions[code], language) if code in regions else code

    def row(entry: dict[str, Any]) -> dict[str, Any]:
        return {
            "mechanism": labels.MECHANISMS.get(entry["mechanism"], entry["mechanism"]),
            "region": region_name(entry["region"]) if "region" in entry else None,
            "total": entry["total"],
            "judgements": [entry["judgements"].get(code, 0) for code in labels.JUDGEMENTS],
            "share": cell(entry, "share_implemented_percent", labels.PERCENT),
            "open": entry["open"],
            "overdue": entry["overdue"],
            "implemented": entry["implemented"],
        }

    items = []
    for item in data.get("items", []):
        facility = facilities.get(item["facility"]) if item.get("facility") else None
        items.append(
            {
                "id": item["id"],
                "mechanism": labels.MECHANISMS.get(item["mechanism"], item["mechanism"]),
                "document": item.get("document") or "",
                "document_date": _date(item.get("document_date")),
                "paragraph": item.get("paragraph") or "",
                "scope": labels.SCOPES.get(item["scope"], item["scope"]),
                "region": region_name(item.get("region")),
                "facility": name(facility, language) if facility else "",
                "facility_url": (reverse("public-facility", kwargs={"code": facility["code"]}) + q) if facility else "",
                "rule": item.get("rule") or "",
                "judgement": labels.JUDGEMENTS.get(item.get("judgement") or labels.NOT_JUDGED, ""),
                "judged_on": _date(item.get("judged_on")),
                "open": item["open"],
                "overdue": item["overdue"],
                "implemented": item["implemented"],
                "evidence": [
                    {
                        "url": reverse("public-evidence", kwargs={"pk": e["id"]}),
                        "content_type": e["content_type"],
                        "size": e["size"],
                    }
                    for e in item.get("evidence", [])
                ],
            }
        )
    return {
        "judgement_labels": list(labels.JUDGEMENTS.values()),
        "by_mechanism": [row(e) for e in data.get("by_mechanism", []) if e["total"]],
        "by_region": [row(e) for e in data.get("by_mechanism_and_region", [])],
        "items": items,
    }
