"""What an administrator reads before publishing a release (public.admin_views): its tables, and what
publishing it will change against the current published release."""

from dataclasses import dataclass
from typing import Any

from . import dictionary, package
from .models import Release


@dataclass
class Figure:
    """One national figure: ``name`` (the CSV column), ``title`` (active language), ``before`` (the
    current published release's value, None when none or suppressed), ``after``, and the reasons when
    suppressed."""

    name: str
    title: str
    unit: str
    before: Any
    after: Any
    before_suppressed: str | None = None
    after_suppressed: str | None = None

    @property
    def changed(self) -> bool:
        return (self.before, self.before_suppressed) != (self.after, self.after_suppressed)


def area_rows(areas: list[dict], profiles: list[dict], language: str | None) -> tuple[list[dict], list[dict]]:
    """(columns, rows) of a table of ``areas`` (content["regions"] or [content["nation"]]): the person
    counts and shares, each cell {"value", "suppressed"}; columns {"name", "title"}."""
    figures = [
        f
        for f in dictionary.area_figures(profiles)
        if f.suppressible or f.name in ("places_certified", "places_operational")
    ]
    columns = [{"name": f.name, "title": dictionary.pick(f.title, language)} for f in figures]
    rows = []
    for area in areas:
        flat = package.flat_area(area)
        rows.append(
            {
                "code": area["code"],
                "name": dictionary.pick(area.get("name") or {"en": area["code"]}, language),
                "institutions": area.get("institutions"),
                "cells": [{"value": flat.get(f.name), "suppressed": flat.get(f"{f.name}_suppressed")} for f in figures],
            }
        )
    return columns, rows


def national_changes(release: Release, current: Release | None, language: str | None) -> list[Figure]:
    """The national figures of ``current`` (the latest published release) beside ``release``'s."""
    profiles = release.content.get("profiles", [])
    after = package.flat_area(release.content["nation"])
    before = package.flat_area(current.content["nation"]) if current else {}
    figures = [
        dictionary.INSTITUTIONS_FIELD,
        *dictionary.area_figures(profiles),
    ]
    out = []
    for f in figures:
        out.append(
            Figure(
                f.name,
                dictionary.pick(f.title, language),
                dictionary.pick(f.unit, language) if f.unit else "",
                before.get(f.name),
                after.get(f.name),
                before.get(f"{f.name}_suppressed"),
                after.get(f"{f.name}_suppressed"),
            )
        )
    return out


def facility_changes(release: Release, current: Release | None) -> dict[str, list[str]]:
    """The codes of the facilities published in detail that ``release`` adds and removes against ``current``."""
    new = {f["code"] for f in release.content["facilities"]}
    old = {f["code"] for f in current.content["facilities"]} if current else set()
    return {"added": sorted(new - old), "removed": sorted(old - new)}


def withheld_rows(release: Release) -> list[dict]:
    """The suppression list of ``release`` with the unrounded value withheld (for the review only),
    the reason's meaning in English, and the CSV column."""
    values = {(w["table"], w["code"], w["column"]): w.get("value") for w in release.withheld}
    return [
        {
            **s,
            "column_csv": dictionary.csv_column(s["column"]),
            "value": values.get((s["table"], s["code"], s["column"])),
        }
        for s in release.suppressions
    ]
