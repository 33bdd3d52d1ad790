"""A release's content: the published figures of the nation, each region and each facility, and the
recommendations by mechanism and region, with the disclosure rules applied (public.disclosure).

``build(as_of, rules)`` returns ``(content, suppressions, withheld)``:

- ``content``: the JSON the public site serves and downloads (shape in docs/public.md, §The release);
  every person count is rounded, or ``None`` with ``<name>_suppressed`` giving the reason code; no
  block, cell, room, person's name, inspector's name or staff's free text.
- ``suppressions``: the list of what was suppressed and why (part of the release: the reason codes are
  public, the values are not).
- ``withheld``: the unrounded values of the suppressed cells, for the administrator's review only (never
  served by a public view).
"""

import datetime
from collections import defaultdict
from typing import Any

from core.i18n import localised
from facilities.mechanisms import Mechanism
from facilities.models import ConversionProject, Region
from inspections.models import Finding

from . import disclosure
from .figures import FacilityFigures, facility_figures, recommendation_rows, verified_profiles

SCHEMA = "roadmap-portal/public-release/1"
# Person counts of an area (facility, region, nation): the cells disclosure control works on.
PERSON_COUNTS = ("persons_held", "persons_in_single_cells", "persons_counted_by_home", "persons_near_home")
JUDGEMENTS = [*Finding.Judgement.values, "not_judged"]


def _percent(part: int | float, whole: int | float) -> float | None:
    """part / whole × 100, one decimal; None when ``whole`` is 0."""
    return round(100 * part / whole, 1) if whole else None


class _Area:
    """The raw figures of one area, summed from its facilities."""

    def __init__(self, profiles: list[str]):
        self.counts: dict[str, int] = defaultdict(int)
        self.compliant: dict[str, int] = dict.fromkeys(profiles, 0)
        self.projects: dict[str, int] = defaultdict(int)
        self.progress_sum = 0.0
        self.progress_count = 0
        self.institutions = 0

    def add(self, row: FacilityFigures) -> None:
        self.institutions += 1
        for name in ("places_certified", "places_operational", "persons_held", "persons_in_single_cells"):
            self.counts[name] += getattr(row, name)
        self.counts["persons_counted_by_home"] += row.persons_counted
        self.counts["persons_near_home"] += row.persons_near_home
        for code, persons in row.compliant.items():
            self.compliant[code] += persons
        for status, n in row.projects.items():
            self.projects[status] += n
        self.progress_sum += row.progress_sum
        self.progress_count += row.progress_count

    def person_values(self) -> dict[str, int]:
        values = {name: self.counts[name] for name in PERSON_COUNTS}
        values.update({f"persons_compliant:{code}": persons for code, persons in self.compliant.items()})
        return values


def _published(area: _Area, key_of, outcome: disclosure.Outcome, rules: disclosure.Rules, findings: dict) -> dict:
    """The published figures of ``area``: counts rounded or suppressed; shares and rates computed from
    the published (rounded) counts, so that they reveal nothing the counts do not (a share of exact
    counts over exact places would give the unrounded count back), and suppressed when a count they use
    is; places, projects and recommendation counts."""
    values = area.person_values()

    def rounded(name: str) -> int:
        return disclosure.round_count(values[name], rules.rounding_base)

    out: dict[str, Any] = {"institutions": area.institutions}
    out["places_certified"] = area.counts["places_certified"]
    out["places_operational"] = area.counts["places_operational"]

    def count(name: str) -> tuple[int | None, str | None]:
        reason = outcome.suppressed(key_of(name))
        return (None, reason) if reason else (disclosure.round_count(values[name], rules.rounding_base), None)

    def put(name: str) -> str | None:
        out[name], out[f"{name}_suppressed"] = count(name)
        return out[f"{name}_suppressed"]

    def put_share(name: str, part: int, whole: int, *uses: str | None) -> None:
        if any(uses):
            out[name], out[f"{name}_suppressed"] = None, disclosure.DERIVED
        else:
            out[name], out[f"{name}_suppressed"] = _percent(part, whole), None

    held = put("persons_held")
    put_share("occupancy_percent", rounded("persons_held"), area.counts["places_operational"], held)
    put_share("density_per_100_places", rounded("persons_held"), area.counts["places_certified"], held)
    single = put("persons_in_single_cells")
    put_share(
        "share_in_single_cells_percent", rounded("persons_in_single_cells"), rounded("persons_held"), single, held
    )
    compliance = []
    for code, persons in area.compliant.items():
        name = f"persons_compliant:{code}"
        reason = outcome.suppressed(key_of(name))
        entry: dict[str, Any] = {
            "profile": code,
            "persons_compliant": None if reason else disclosure.round_count(persons, rules.rounding_base),
            "persons_compliant_suppressed": reason,
        }
        if reason or held:
            entry["share_percent"], entry["share_percent_suppressed"] = None, disclosure.DERIVED
        else:
            share = _percent(rounded(name), rounded("persons_held"))
            entry["share_percent"], entry["share_percent_suppressed"] = share, None
        compliance.append(entry)
    out["compliance"] = compliance
    counted = put("persons_counted_by_home")
    near = put("persons_near_home")
    put_share(
        "share_near_home_percent", rounded("persons_near_home"), rounded("persons_counted_by_home"), counted, near
    )
    out["projects"] = {status: area.projects.get(status, 0) for status in ConversionProject.Status.values}
    out["projects_active"] = area.progress_count
    out["projects_mean_progress_percent"] = (
        round(area.progress_sum / area.progress_count, 1) if area.progress_count else None
    )
    out.update(
        {f"recommendations_{name}": findings.get(name, 0) for name in ("total", "open", "overdue", "implemented")}
    )
    return out


def _recommendation_counts(rows: list[dict], key) -> dict:
    """Counts of ``rows`` grouped by ``key(row)``: total, open, overdue, implemented, per judgement."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for group in key(row):
            c = counts[group]
            c["total"] += 1
            c["open"] += row["open"]
            c["overdue"] += row["overdue"]
            c["implemented"] += row["implemented"]
            c[row["judgement"] or "not_judged"] += 1
    return counts


def _recommendation_table(counts: dict, group_keys: list[tuple], names: tuple[str, ...]) -> list[dict]:
    table = []
    for group in group_keys:
        c = counts.get(group, {})
        row = dict(zip(names, group))
        row.update({name: c.get(name, 0) for name in ("total", "open", "overdue", "implemented")})
        row["judgements"] = {j: c.get(j, 0) for j in JUDGEMENTS}
        row["share_implemented_percent"] = _percent(c.get("implemented", 0), c.get("total", 0))
        table.append(row)
    return table


def build(as_of: datetime.date, rules: disclosure.Rules, demo: bool = False) -> tuple[dict, list[dict], list[dict]]:
    """The content of a release of the figures as of ``as_of`` (today's, Asia/Almaty, when the release
    is prepared: the figures are read live), under ``rules``; ``demo``: the estate holds generated demo
    rows (said on every page and in every file). Returns (content, suppressions, withheld)."""
    profiles = verified_profiles()
    codes = [p.code for p in profiles]
    rows = facility_figures(as_of)
    regions = list(Region.objects.order_by("code"))
    region_areas = {r.pk: _Area(codes) for r in regions}
    hidden_areas: dict[int, _Area] = {}
    nation = _Area(codes)
    for row in rows:
        region_areas[row.facility.region_id].add(row)
        nation.add(row)
        if not row.facility.publish_detail:
            hidden_areas.setdefault(row.facility.region_id, _Area(codes)).add(row)
    shown = [row for row in rows if row.facility.publish_detail]

    values: dict = {}
    withheld_keys = set()
    for row in shown:
        area = _Area(codes)
        area.add(row)
        for name, value in area.person_values().items():
            values[("facility", row.facility.code, name)] = value
    for region in regions:
        for name, value in region_areas[region.pk].person_values().items():
            values[("region", region.code, name)] = value
        if region.pk in hidden_areas:
            for name, value in hidden_areas[region.pk].person_values().items():
                values[("hidden", region.code, name)] = value
                withheld_keys.add(("hidden", region.code, name))
    for name, value in nation.person_values().items():
        values[("nation", "KZ", name)] = value
    names = list(nation.person_values())
    equations = []
    for name in names:
        for region in regions:
            parts = [("facility", r.facility.code, name) for r in shown if r.facility.region_id == region.pk]
            if region.pk in hidden_areas:
                parts.append(("hidden", region.code, name))
            equations.append(disclosure.Equation(("region", region.code, name), list(parts)))
        equations.append(disclosure.Equation(("nation", "KZ", name), [("region", r.code, name) for r in regions]))
    outcome = disclosure.protect(values, equations, rules, withheld=withheld_keys)

    recommendations = recommendation_rows(as_of)
    by_facility = _recommendation_counts(recommendations, lambda r: [r["facility"].pk] if r["facility"] else [])
    by_region = _recommendation_counts(recommendations, lambda r: [r["region"]] if r["region"] else [])
    all_counts = _recommendation_counts(recommendations, lambda r: ["KZ"])

    def area_key(kind, code):
        return lambda name: (kind, code, name)

    content: dict = {
        "schema": SCHEMA,
        "as_of": as_of.isoformat(),
        "demo": demo,
        "disclosure": rules.as_dict(),
        "profiles": [
            {"code": p.code, "title": _languages(p, "title"), "reference": _languages(p, "reference"), "verified": True}
            for p in profiles
        ],
        "nation": {
            "code": "KZ",
            **_published(nation, area_key("nation", "KZ"), outcome, rules, all_counts.get("KZ", {})),
        },
        "regions": [
            {
                "code": r.code,
                "name": _languages(r, "name"),
                **_published(region_areas[r.pk], area_key("region", r.code), outcome, rules, by_region.get(r.code, {})),
            }
            for r in regions
        ],
        "facilities": [
            {
                "code": row.facility.code,
                "name": _languages(row.facility, "name"),
                "region": row.facility.region.code,
                "kind": row.facility.kind,
                "security_level": row.facility.security_level,
                "status": row.facility.status,
                **_published(
                    _single(row, codes),
                    area_key("facility", row.facility.code),
                    outcome,
                    rules,
                    by_facility.get(row.facility.pk, {}),
                ),
            }
            for row in shown
        ],
    }
    mechanisms = Mechanism.values
    region_codes = [None, *(r.code for r in regions)]
    by_mechanism_region = _recommendation_counts(recommendations, lambda r: [(r["mechanism"], r["region"])])
    by_mechanism = _recommendation_counts(recommendations, lambda r: [(r["mechanism"],)])
    content["recommendations"] = {
        "by_mechanism": _recommendation_table(by_mechanism, [(m,) for m in mechanisms], ("mechanism",)),
        "by_mechanism_and_region": [
            row
            for row in _recommendation_table(
                by_mechanism_region, [(m, code) for m in mechanisms for code in region_codes], ("mechanism", "region")
            )
            if row["total"]
        ],
        "items": [
            {
                "id": r["id"],
                "mechanism": r["mechanism"],
                "source": "document" if r["document"] else "inspection",
                "document": r["document"],
                "document_date": r["document_date"].isoformat() if r["document_date"] else None,
                "paragraph": r["paragraph"] or None,
                "scope": "facility" if r["scope"] in ("block", "cell") else r["scope"],
                "region": r["region"],
                "facility": r["facility"].code if r["facility"] and r["facility"].publish_detail else None,
                "rule": r["rule"],
                "judgement": r["judgement"] or None,
                "judged_on": r["judged_on"].isoformat() if r["judged_on"] else None,
                "open": r["open"],
                "overdue": r["overdue"],
                "implemented": r["implemented"],
                "evidence": r["evidence"],
            }
            for r in recommendations
        ],
    }
    suppressions = [
        {"table": kind, "code": code, "column": name, "reason": reason}
        for (kind, code, name), reason in outcome.reasons.items()
    ]
    withheld = [{**s, "value": values[(s["table"], s["code"], s["column"])]} for s in suppressions]
    return content, suppressions, withheld


def _single(row: FacilityFigures, codes: list[str]) -> _Area:
    area = _Area(codes)
    area.add(row)
    return area


def _languages(obj, name: str) -> dict[str, str]:
    """``obj``'s text ``name`` in each language: {"kk": ..., "ru": ..., "en": ...} (core.i18n.localised,
    with its fallbacks; a facility's code when it has no name)."""
    return {language: localised(obj, name, language) or getattr(obj, "code", "") for language in ("kk", "ru", "en")}
