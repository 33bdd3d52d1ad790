"""Fixtures of the release tests: a small hand-built estate with small counts (so that the disclosure
rules have work to do), releases published from it, and the attack on a release's published tables."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from public import content as release_content
from public import disclosure, services
from public.models import Release
from tests.conftest import make_user
from tests.factories import BlockFactory, CellFactory, FacilityFactory, ResidencePopulationFactory


def add_persons(facility, dormitory: int = 0, singles: int = 0) -> None:
    """``dormitory`` persons in one dormitory room of ``facility`` and ``singles`` persons each alone in
    a single-occupancy cell."""
    if dormitory:
        block = BlockFactory(facility=facility, accommodation_type="dormitory")
        CellFactory(block=block, accommodation_type="dormitory", design_capacity=dormitory, occupancy=dormitory)
    if singles:
        block = BlockFactory(facility=facility, accommodation_type="cell")
        for _ in range(singles):
            CellFactory(block=block)


@pytest.fixture
def estate(standards, regions):
    """Two regions with facilities of small counts; the other 18 regions are empty (zeros):

    KZ-35: F-A 45 in a dormitory + 5 in single cells (50 held, 5 single: threshold); F-B 3 held (threshold);
    F-C 40 in a dormitory. KZ-10: F-D 12 in single cells; F-E 30 in a dormitory, published without detail.
    Residence counts: F-A 50 persons (42 near home), F-D 12 (4 near home: threshold).
    """
    a = FacilityFactory(code="F-A", region__code="KZ-35")
    b = FacilityFactory(code="F-B", region__code="KZ-35")
    c = FacilityFactory(code="F-C", region__code="KZ-35")
    d = FacilityFactory(code="F-D", region__code="KZ-10")
    e = FacilityFactory(code="F-E", region__code="KZ-10", publish_detail=False)
    add_persons(a, dormitory=45, singles=5)
    add_persons(b, dormitory=3)
    add_persons(c, dormitory=40)
    add_persons(d, singles=12)
    add_persons(e, dormitory=30)
    ResidencePopulationFactory(facility=a, persons=42)
    ResidencePopulationFactory(facility=a, persons=8, home_region=d.region)
    ResidencePopulationFactory(facility=d, persons=4)
    ResidencePopulationFactory(facility=d, persons=8, home_region=a.region)
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e)


def publish_now(note: str = "", corrects: Release | None = None) -> Release:
    """Prepare, review and publish a release as the system."""
    release = services.prepare(None, note=note, corrects=corrects)
    return services.publish(None, services.review(None, release))


@pytest.fixture
def admin(db):
    return make_user("rel_admin", "Administrators")


@pytest.fixture
def prosecutor(db):
    return make_user("rel_pros", "Prosecutors")


@pytest.fixture
def demo_release(db, settings):
    """seed_demo: the demo estate and its first release (number 1)."""
    call_command("seed_demo", stdout=io.StringIO())
    return Release.objects.current()


# --- The attack: what a reader can compute from a release's published tables alone ----------------------


def count_columns(content: dict) -> list[tuple[str, str | None]]:
    """Every person-count column of a release: (name, profile code or None)."""
    return [(name, None) for name in release_content.PERSON_COUNTS] + [
        ("persons_compliant", p["code"]) for p in content["profiles"]
    ]


def published(area: dict, name: str, profile: str | None) -> tuple[int | None, str | None]:
    """(value, reason) of a count of an area of the content."""
    if profile is None:
        return area[name], area[f"{name}_suppressed"]
    entry = next(e for e in area["compliance"] if e["profile"] == profile)
    return entry["persons_compliant"], entry["persons_compliant_suppressed"]


def equations_of(content: dict) -> list[tuple[tuple, list[tuple], bool]]:
    """The sums a reader knows from the published tables: (total key, part keys, has a hidden part) per
    region and person-count column (a region of its published facilities, and of one unknown part when
    it has more institutions than published facilities), and the nation of its regions."""
    out = []
    for name, profile in count_columns(content):
        column = (name, profile)
        for region in content["regions"]:
            parts = [("facility", f["code"], column) for f in content["facilities"] if f["region"] == region["code"]]
            hidden = region["institutions"] > len(parts)
            out.append((("region", region["code"], column), parts, hidden))
        out.append((("nation", "KZ", column), [("region", r["code"], column) for r in content["regions"]], False))
    return out


def cells_of(content: dict) -> dict:
    """Every person-count cell of the content: key -> (value, reason)."""
    cells = {}
    for name, profile in count_columns(content):
        column = (name, profile)
        for f in content["facilities"]:
            cells[("facility", f["code"], column)] = published(f, name, profile)
        for r in content["regions"]:
            cells[("region", r["code"], column)] = published(r, name, profile)
        cells[("nation", "KZ", column)] = published(content["nation"], name, profile)
    return cells


def interval(value: int | None, base: int) -> tuple[int, int]:
    """The unrounded integers that round (halves upwards) to ``value`` with ``base``."""
    assert value is not None
    if base == 1:
        return value, value
    low = max(0, value - base // 2)
    high = value + (base - 1) // 2 if base % 2 else value + base // 2 - 1
    return low, high


def attack(release: Release) -> list[str]:
    """Try subtraction along every row and column of ``release``'s published tables (a region total minus
    its published facilities; the nation minus its published regions; for every person-count column and
    profile): the suppressed values recovered exactly (as a single integer: with rounding, the interval of
    the possible values narrowed to one), as messages. Empty when nothing is recovered."""
    content = release.content
    base = release.rules["rounding_base"]
    cells = cells_of(content)
    withheld = {(w["table"], w["code"], w["column"]): w["value"] for w in release.withheld}
    recovered = []

    def content_key(key: tuple) -> tuple:
        name, profile = key[2]
        return (key[0], key[1], f"persons_compliant:{profile}" if profile else name)

    for total, parts, hidden in equations_of(content):
        terms = [total, *parts]
        unknown = [k for k in terms if cells[k][1]]
        if hidden or len(unknown) != 1:
            continue  # a hidden part, or two unknowns (or none): subtraction gives no single value
        target = unknown[0]
        known = [k for k in terms if k != target]
        lows = {k: interval(cells[k][0], base)[0] for k in known}
        highs = {k: interval(cells[k][0], base)[1] for k in known}
        if target == total:
            low, high = sum(lows.values()), sum(highs.values())
        else:
            others = [k for k in parts if k != target]
            low = lows[total] - sum(highs[k] for k in others)
            high = highs[total] - sum(lows[k] for k in others)
        low = max(low, 0)
        if low == high:
            actual = withheld.get(content_key(target))
            recovered.append(f"{target} recovered as {low} (withheld {actual})")
    return recovered


def determined_cells(release: Release) -> list:
    """public.disclosure.determined on the equations a reader knows, with the suppressed cells and each
    region's hidden part as the unknowns: the cells the whole system of sums determines."""
    content = release.content
    cells = cells_of(content)
    equations, unknown = [], [k for k, (_v, reason) in cells.items() if reason]
    for total, parts, hidden in equations_of(content):
        parts = list(parts)
        if hidden:
            parts.append(("hidden", total[1], total[2]))
            unknown.append(("hidden", total[1], total[2]))
        equations.append(disclosure.Equation(total, parts))
    return disclosure.determined(equations, list(dict.fromkeys(unknown)))


def walk(value, path: str = ""):
    """Every (path, leaf) of a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, value
