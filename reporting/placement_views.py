"""The placement planner's page (issue 19, item 3): ``/placement/``.

A GET form of the plan's options (reporting.forms.PlacementForm); the national plan
(reporting.placement.compute, with the share curve), or for a user with regions of responsibility their
regions' part of it; the before and after figures, per home region, the moves (between regions and one by
one), the places needed and the curve. ``?export=csv|xlsx&table=NAME`` downloads any table
(reporting.exports.placement_tables). The page computes and writes nothing.
"""

from collections import defaultdict

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.numbers import grouped
from facilities.models import Region

from . import charts, placement, selectors
from .distance import FAR_KM, FAR_KM_SOURCE
from .exports import export_table, placement_tables
from .forms import placement_form

MOVES_PER_PAGE = 20  # rows of the list of moves per page (the export holds them all)


def _region_rows(answer: dict, regions: dict) -> list[dict]:
    """Per home region of the answer with persons of known home: its figures before and after, the persons
    moved and, of them, those brought to their home region (persons)."""
    region_of = {c["facility"]: c["region"] for c in answer["inputs"]["capacity"]}
    home = defaultdict(int)
    for m in answer["moves"]:
        if region_of.get(m["to_facility"]) == m["home_region"]:
            home[m["home_region"]] += m["persons"]
    return [
        {
            "code": r["home_region"],
            "region": regions.get(r["home_region"]),
            "before": r["before"],
            "after": r["after"],
            "persons_moved": r["persons_moved"],
            "brought_home": home[r["home_region"]],
        }
        for r in answer["regions"]
        if r["before"]["persons_known_home"]
    ]


def _moves(answer: dict) -> list[dict]:
    """The moves with their facilities' codes and regions: ``{"from_code", "from_region", "to_code",
    "to_region", "home_region", "persons", "home"}`` (``home``: the destination is the home region)."""
    sites = {c["facility"]: c for c in answer["inputs"]["capacity"]}
    rows = []
    for m in answer["moves"]:
        origin, destination = sites[m["from_facility"]], sites[m["to_facility"]]
        rows.append(
            {
                "from_code": origin["code"],
                "from_region": origin["region"],
                "to_code": destination["code"],
                "to_region": destination["region"],
                "home_region": m["home_region"],
                "persons": m["persons"],
                "home": destination["region"] == m["home_region"],
            }
        )
    return sorted(rows, key=lambda r: (r["from_region"], r["from_code"], r["to_code"], r["home_region"]))


def _origin_destination(moves: list[dict]) -> dict:
    """The moves summed by region of the origin facility and region of the destination facility (persons):
    ``pairs`` ``[{"origin", "destination", "persons", "brought_home"}]`` (largest first), and the matrix
    ``origins`` (codes), ``destinations`` (codes), ``rows`` ``[{"origin", "cells": [persons or None],
    "total"}]`` and ``totals`` (per destination) with the ``total``."""
    persons: dict = defaultdict(int)
    home: dict = defaultdict(int)
    for m in moves:
        key = (m["from_region"], m["to_region"])
        persons[key] += m["persons"]
        home[key] += m["persons"] if m["home"] else 0
    origins = sorted({o for o, _d in persons})
    destinations = sorted({d for _o, d in persons})
    rows = [
        {
            "origin": o,
            "cells": [persons.get((o, d)) for d in destinations],
            "total": sum(persons.get((o, d), 0) for d in destinations),
        }
        for o in origins
    ]
    return {
        "pairs": [
            {"origin": o, "destination": d, "persons": n, "brought_home": home[(o, d)]}
            for (o, d), n in sorted(persons.items(), key=lambda item: (-item[1], item[0]))
        ],
        "origins": origins,
        "destinations": destinations,
        "rows": rows,
        "totals": [sum(persons.get((o, d), 0) for o in origins) for d in destinations],
        "total": sum(persons.values()),
    }


def _shortfall(answer: dict, regions: dict) -> dict:
    """The places needed (reporting.placement.shortfall) per home region and class: ``groups`` per home
    region, largest total first (``{"code", "region", "total", "rows": [{"class", "label", "persons"}],
    "cells": [persons or None per class]}``), ``classes`` (``{"class", "label", "total"}``, largest first)
    and the ``total`` (persons)."""
    by_region: dict = defaultdict(list)
    per_class: dict = defaultdict(int)
    for s in answer["shortfall"]:
        by_region[s["home_region"]].append(
            {"class": s["class"], "label": placement.class_label(s["class"]), "persons": s["persons"]}
        )
        per_class[s["class"]] += s["persons"]
    classes = [
        {"class": k, "label": placement.class_label(k), "total": n}
        for k, n in sorted(per_class.items(), key=lambda item: (-item[1], item[0]))
    ]
    groups = []
    for code, rows in by_region.items():
        persons = {r["class"]: r["persons"] for r in rows}
        groups.append(
            {
                "code": code,
                "region": regions.get(code),
                "total": sum(persons.values()),
                "rows": rows,
                "cells": [persons.get(c["class"]) for c in classes],
            }
        )
    groups.sort(key=lambda g: (-g["total"], g["code"]))
    return {"groups": groups, "classes": classes, "total": sum(per_class.values())}


def _figures(answer: dict) -> list[dict]:
    """The before and after figures as rows ``{"key", "label", "before", "after", "unit"}``."""
    before, after = answer["before"], answer["after"]
    specs = [
        ("persons_known_home", _("Persons of known home region"), ""),
        ("persons_in_home_region", _("Persons held in their home region"), ""),
        ("share_in_home_region", _("Share held in their home region"), "%"),
        ("persons_over_500_km", _("Persons held more than %(km)s km from home") % {"km": FAR_KM}, ""),
        ("mean_km_from_home", _("Mean distance from home (km)"), "km"),
    ]
    rows = [
        {"key": k, "label": label, "before": before[k], "after": after[k], "unit": unit} for k, label, unit in specs
    ]
    rows.append(
        {"key": "persons_moved", "label": _("Persons moved"), "before": 0, "after": after["persons_moved"], "unit": ""}
    )
    return rows


def plan_view(answer: dict, regions: dict) -> dict:
    """What the page and its exports show of a plan (reporting.placement.report's ``answer``; ``regions``
    {code: Region}): the figures, per home region, the moves, between regions, the places needed and the
    curve; region names in the reader's language."""
    moves = _moves(answer)
    region_rows = _region_rows(answer, regions)
    return {
        "answer": answer,
        "is_demo": answer["is_demo"],
        "before": answer["before"],
        "after": answer["after"],
        "figures": _figures(answer),
        "regions": region_rows,
        "moves": moves,
        "od": _origin_destination(moves),
        "shortfall": _shortfall(answer, regions),
        "curve": answer["curve"] or [],
        "names": {code: r.name for code, r in regions.items()},
        # projects whose places count (a project without target places is listed, not counted)
        "projects_counted": sum(1 for p in answer["inputs"]["projects"] if p.get("counted", True)),
    }


def _charts(view: dict) -> dict:
    def name(code):
        return view["names"].get(code, code)

    regions = view["regions"]
    moved = sorted((r for r in regions if r["persons_moved"]), key=lambda r: (-r["persons_moved"], r["code"]))
    return {
        "regions_chart": charts.before_after(
            [name(r["code"]) for r in regions],
            [r["before"]["share_in_home_region"] for r in regions],
            [r["after"]["share_in_home_region"] for r in regions],
            _("Share held in their home region (%)"),
        ),
        "moves_chart": charts.placement_moves(
            [
                {"label": name(r["code"]), "brought_home": r["brought_home"], "persons_moved": r["persons_moved"]}
                for r in moved
            ]
        ),
        "shortfall_chart": charts.horizontal(
            [name(g["code"]) for g in view["shortfall"]["groups"]],
            [g["total"] for g in view["shortfall"]["groups"]],
            _("Places needed (persons)"),
            unit="",
            colour=charts.TARGET,
        ),
        "curve_chart": charts.share_curve(view["curve"], [grouped(p["max_moves"]) for p in view["curve"]]),
        "moves_height": "xtall" if len(moved) > 10 else "tall",
        "regions_height": "xtall" if len(regions) > 8 else "tall",
        "shortfall_height": "xtall" if len(view["shortfall"]["groups"]) > 12 else "tall",
    }


def placement_page(request):
    """The placement planner: the options form (GET: bookmarkable; an invalid option is shown on the form
    and nothing is computed), the plan nationally or the user's regions' part of it (facilities.scoping),
    and ``?export=csv|xlsx&table=NAME`` of its tables. A PlanError is a message on the page."""
    form = placement_form(request)
    codes = selectors.region_codes(request.user)
    regions = {r.code: r for r in Region.objects.order_by("code")}
    exporting = "export" in request.GET
    view, error = None, None
    if form.is_valid():
        try:
            answer = placement.compute(
                form.options(),
                curve=not exporting or request.GET.get("table") == "curve",
                regions=codes,
            )
        except placement.PlanError as failure:
            error = str(failure)
        else:
            view = plan_view(answer, regions)
    if exporting:
        errors = dict(form.errors)
        if error:
            errors["plan"] = [error]
        return export_table(request, placement_tables(view, regions), None, errors)
    context = {
        "form": form,
        "error": error,
        "scoped": codes is not None,
        "scope_label": ", ".join(regions[c].name for c in sorted(codes)) if codes else "",
        "far_km": FAR_KM,
        "far_km_source": FAR_KM_SOURCE,
        "query": _query(request),
        "today": timezone.localdate(),
    }
    if view is not None:
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            plan=view,
            options=form.options(),
            has_counts=bool(view["before"]["persons_known_home"]),
            moves_page=Paginator(view["moves"], MOVES_PER_PAGE).get_page(request.GET.get("page")),
            page_query=query.urlencode(),
            **_charts(view),
        )
    return render(request, "reporting/placement.html", context)


def _query(request) -> str:
    """The request's options without ``page``, ``export``, ``table`` and ``sep``: for the export links."""
    query = request.GET.copy()
    for key in ("page", "export", "table", "sep"):
        query.pop(key, None)
    return query.urlencode()
