"""The near-home placement planner (issue 19): how far the share of persons held in their home region can
rise with the places that exist, with how few transfers, and where places are missing.

The model (docs/placement.md gives it in full, with its sources: UN Mandela Rule 59, European Prison
Rule 17.1, Polyakova and Others v. Russia, 2017):

- persons to place: n(f, h), persons held in facility f whose home region is h (each facility's latest
  place-of-residence count on or before the plan's date, ResidencePopulation). Persons of unknown home
  (persons held less those counted by home region) stay where they are and count as neither near nor far.
- compatibility: persons move from f to g only within one class (kind, security level, sex/age
  category); pre-trial centres are not planned; only institutions in operation take part.
- capacity cap(g): operational places (certified capacity of the cells in use, cells.selectors); with
  ``compliant_only`` only those of cells compliant under that profile; with ``include_projects_until`` the
  places of active conversion projects planned to end by that date count and the places of their block's
  cells (the dormitory places they replace) do not.
- plan: integers x(f, g, h) >= 0 with pop'(g) = pop(g) - out(g) + in(g) <= max(cap(g), pop(g)); with
  ``max_moves``, total moved <= max_moves.
- objectives in order: (1) most persons in their home region, (2) fewest persons moved, (3) least
  person-km between each person's facility and their home region's centre (reporting.distance), solved
  by HiGHS on a network with one pool node per (class, home region): a person leaving f for g passes
  through the pool of their class and home. Without max_moves two linear programs (the network matrix is
  totally unimodular, so their simplex optima are integral), also under a max_moves their plan respects;
  under a binding max_moves three successive integer programs. The share curve's points are priced network
  LPs (share_curve).

Plain functions: load_inputs reads the database once; solve, apply_moves, figures, shortfall and
share_curve are pure functions of an Inputs that tests build by hand.
"""

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, vstack

from cells.compliance.outcomes import status_expression
from cells.models import Cell, ComplianceStatus, StandardProfile
from cells.selectors import capacity_aggregates
from facilities.models import ConversionProject, Facility, ResidencePopulation

from .distance import EARTH_RADIUS_KM, Held, distance_figures, facility_point, great_circle_km, region_centres
from .figures import share

# Conversion projects whose places ``include_projects_until`` counts: those still under way (not
# completed, whose places are already cells; not cancelled or suspended).
ACTIVE_PROJECT_STATUSES = (
    ConversionProject.Status.PLANNED,
    ConversionProject.Status.DESIGN,
    ConversionProject.Status.PROCUREMENT,
    ConversionProject.Status.CONSTRUCTION,
    ConversionProject.Status.COMMISSIONING,
)


# The largest limit on persons moved a plan takes (persons): far above every person held in the country,
# low enough for the solver's bounds. The API's serializer and the page's form refuse more.
MAX_MOVES = 1_000_000


class PlanError(Exception):
    """The solver did not find an optimal plan (it reports why); never a partial plan presented as one."""


@dataclass(frozen=True)
class Options:
    """What a plan is computed for: ``date`` (the place-of-residence counts on or before it), ``profile``
    (compliant_only: count only places compliant under it), ``include_projects_until`` (a date: count the
    places of projects planned to end by then), ``max_moves`` (persons, >= 0; None: no limit). Checked by
    the API's serializer and the page's form."""

    date: datetime.date
    profile: StandardProfile | None = None
    include_projects_until: datetime.date | None = None
    max_moves: int | None = None


@dataclass(frozen=True)
class Site:
    """A facility in the plan: ``capacity`` cap(g) (places, persons), ``population`` pop(g) (persons held:
    the larger of the cells' occupancy and the persons counted by home region), ``known`` (persons counted
    by home region), ``region`` (ISO code), ``klass`` (compatibility class, class_code), ``point``
    (latitude, longitude used for distances)."""

    id: int
    code: str
    region: str
    klass: str
    capacity: int
    population: int
    known: int
    point: tuple[float, float] | None = None

    @property
    def unknown(self) -> int:
        """Persons of unknown home region (persons): they stay."""
        return self.population - self.known

    @property
    def slack(self) -> int:
        """Places the plan may fill beyond today's population: max(cap, pop) - pop (persons, >= 0)."""
        return max(self.capacity, self.population) - self.population


@dataclass
class Inputs:
    """The plan's data: ``sites`` by facility id, ``groups`` {(facility id, home region code): persons},
    ``centres`` {region code: (latitude, longitude) or None}, the dates of the counts read, and the
    conversion projects counted (``projects``: facility, block, places added, places replaced)."""

    sites: dict[int, Site]
    groups: dict[tuple[int, str], int]
    centres: dict[str, tuple[float, float] | None]
    date: datetime.date | None = None
    counts_from: datetime.date | None = None
    counts_to: datetime.date | None = None
    is_demo: bool = False
    projects: list[dict] = field(default_factory=list)
    _km: dict = field(default_factory=dict, repr=False)

    def km(self, facility: int, home: str) -> float | None:
        """Great-circle km between facility ``facility`` and the centre of region ``home`` (None: unknown)."""
        key = (facility, home)
        if key not in self._km:
            a, b = self.sites[facility].point, self.centres.get(home)
            self._km[key] = None if a is None or b is None else great_circle_km(a, b)
        return self._km[key]

    def at_home(self, facility: int, home: str) -> bool:
        return self.sites[facility].region == home


@dataclass(frozen=True)
class Move:
    """``persons`` whose home region is ``home_region`` moved from facility ``from_facility`` to ``to_facility``."""

    from_facility: int
    to_facility: int
    home_region: str
    persons: int


@dataclass
class Plan:
    """A solved plan: ``moves`` (sorted), ``placement`` {(facility id, home region): persons} after the
    moves, and ``solver`` (seconds, variables, constraints, and each step's objective)."""

    moves: list[Move]
    placement: dict[tuple[int, str], int]
    solver: dict

    @property
    def persons_moved(self) -> int:
        return sum(m.persons for m in self.moves)


# ---------------------------------------------------------------------------------------------------
# Reading the database


def class_code(kind: str, security_level: str, category: str) -> str:
    """The compatibility class of a facility: ``kind/security level/category`` (``-`` for an unrecorded
    security level), e.g. ``colony/medium/men``."""
    return f"{kind}/{security_level or '-'}/{category}"


# Names of a security level in a class's label where the level's own name would repeat the kind.
LEVEL_IN_CLASS = {"full": gettext_lazy("full security")}


def class_label(code: str) -> str:
    """A class code in the reader's language: "correctional colony, medium security, adult men"; what the
    kind already says is not repeated (a juvenile colony's category; "(prison)" after a prison's level)."""
    kind, level, category = code.split("/")
    parts = [str(dict(Facility.Kind.choices).get(kind, kind))]
    if level == "-":
        parts.append(_("security level not recorded"))
    else:
        parts.append(str(LEVEL_IN_CLASS.get(level) or dict(Facility.SecurityLevel.choices).get(level, level)))
    if kind != Facility.Kind.JUVENILE:
        parts.append(str(dict(Facility.Category.choices).get(category, category)))
    return ", ".join(parts)


def planned_facilities():
    """The facilities a plan moves persons between: in operation, not pre-trial centres."""
    return Facility.objects.in_operation().exclude(kind=Facility.Kind.PRE_TRIAL)


def _places(cells, profile: StandardProfile | None, by: str = "block__facility") -> dict:
    """{facility id (or ``by``): operational places} of ``cells``: cells.selectors.capacity_aggregates'
    ``places_operational`` (certified capacity of the cells in use, persons), over the cells compliant under
    ``profile`` only when it is given."""
    if profile is not None:
        cells = cells.annotate(result_status=status_expression(profile)).filter(
            result_status=ComplianceStatus.COMPLIANT
        )
    operational = capacity_aggregates()["places_operational"]
    return dict(cells.order_by().values_list(by).annotate(places=operational).values_list(by, "places"))


def load_inputs(options: Options) -> Inputs:
    """The plan's inputs from the database as they stand (capacity and persons held: the cells now; home
    regions: each facility's latest count on or before ``options.date``). A handful of queries."""
    facilities = list(
        planned_facilities().values_list(
            "id", "code", "region__code", "kind", "security_level", "category", "latitude", "longitude"
        )
    )
    ids = [row[0] for row in facilities]
    cells = Cell.objects.filter(block__facility__in=ids)
    # Operational places and persons held (cells.selectors.capacity_aggregates), in one pass over the cells;
    # under a profile, the compliant places in a second.
    figures_of = capacity_aggregates()
    rows = cells.order_by().values("block__facility")
    rows = rows.annotate(places=figures_of["places_operational"], persons=figures_of["persons_held"])
    held = {row["block__facility"]: row["persons"] for row in rows}
    capacity = (
        {row["block__facility"]: row["places"] for row in rows}
        if options.profile is None
        else _places(cells, options.profile)
    )
    projects = []
    if options.include_projects_until is not None:
        counted = list(
            ConversionProject.objects.filter(
                block__facility__in=ids,
                status__in=ACTIVE_PROJECT_STATUSES,
                planned_end__lte=options.include_projects_until,
            )
            .select_related("block")
            .order_by("block__facility", "block__name", "pk")
        )
        replaced = _places(Cell.objects.filter(block__in=[p.block_id for p in counted]), options.profile, by="block")
        for project in counted:
            facility = project.block.facility_id
            row = {
                "project": project.pk,
                "facility": facility,
                "block": project.block_id,
                "planned_end": project.planned_end,
                "counted": project.target_places is not None,
                "places_added": project.target_places or 0,
                "places_replaced": replaced.get(project.block_id) or 0 if project.target_places is not None else 0,
            }
            # A project whose places after are not recorded is listed and not counted: nothing is guessed.
            capacity[facility] = (capacity.get(facility) or 0) + row["places_added"] - row["places_replaced"]
            projects.append(row)
    counts = ResidencePopulation.objects.filter(facility__in=ids).latest(on=options.date)
    groups: dict[tuple[int, str], int] = defaultdict(int)
    dates, is_demo = [], False
    for facility, home, persons, date, demo in counts.values_list(
        "facility", "home_region__code", "persons", "date", "is_demo"
    ):
        if persons:
            groups[(facility, home)] += persons
        dates.append(date)
        is_demo = is_demo or demo
    known = defaultdict(int)
    for (facility, _home), persons in groups.items():
        known[facility] += persons
    centres = region_centres()
    sites = {}
    for pk, code, region, kind, level, category, lat, lon in facilities:
        population = max(held.get(pk) or 0, known[pk])
        sites[pk] = Site(
            id=pk,
            code=code,
            region=region,
            klass=class_code(kind, level, category),
            capacity=max(0, capacity.get(pk) or 0),
            population=population,
            known=known[pk],
            point=facility_point(lat, lon, centres.get(region)),
        )
    is_demo = is_demo or Facility.objects.filter(pk__in=ids, is_demo=True).exists()
    return Inputs(
        sites=sites,
        groups=dict(groups),
        centres=centres,
        date=options.date,
        counts_from=min(dates, default=None),
        counts_to=max(dates, default=None),
        is_demo=is_demo,
        projects=projects,
    )


# ---------------------------------------------------------------------------------------------------
# The model and its solution


class _Network:
    """The plan as a network: variables ``out`` (one per group: persons leaving their facility into the
    pool of their class and home) then ``inn`` (one per pool and facility of its class: persons placed from
    the pool). Rows: pool conservation (= 0) and each facility's free places (<= slack)."""

    def __init__(self, inputs: Inputs):
        self.inputs = inputs
        sites = inputs.sites
        self.groups = sorted((key, n) for key, n in inputs.groups.items() if n > 0 and key[0] in sites)
        by_class: dict[str, list[int]] = defaultdict(list)
        for site in sorted(sites.values(), key=lambda s: s.id):
            by_class[site.klass].append(site.id)
        pools = sorted({(sites[f].klass, h) for (f, h), _n in self.groups})
        self.pools = pools
        pool_index = {p: i for i, p in enumerate(pools)}
        self.arcs = [(p, g) for p in pools for g in by_class[p[0]]]  # (pool, destination facility)
        n_out, n_in = len(self.groups), len(self.arcs)
        self.size = n_out + n_in
        site_index = {pk: i for i, pk in enumerate(sorted(sites))}
        self.site_ids = sorted(sites)
        n_pools = len(pools)
        rows, cols, vals = [], [], []
        for j, ((f, h), _n) in enumerate(self.groups):
            rows += [pool_index[(sites[f].klass, h)], n_pools + site_index[f]]
            cols += [j, j]
            vals += [1.0, -1.0]
        for k, (p, g) in enumerate(self.arcs):
            rows += [pool_index[p], n_pools + site_index[g]]
            cols += [n_out + k, n_out + k]
            vals += [-1.0, 1.0]
        self.matrix = coo_matrix((vals, (rows, cols)), shape=(n_pools + len(sites), self.size)).tocsr()
        self.lower = np.zeros(n_pools + len(sites))
        self.upper = np.concatenate([np.zeros(n_pools), [float(sites[pk].slack) for pk in self.site_ids]])
        self.lower[n_pools:] = -np.inf
        n = np.array([float(n) for _k, n in self.groups])
        limit = np.array([float(max(sites[g].capacity, sites[g].population)) for _p, g in self.arcs])
        self.bounds_upper = np.concatenate([n, limit])
        # Objective vectors (constant parts left out): home gained, persons moved, km added.
        home_out = np.array([-1.0 if inputs.at_home(f, h) else 0.0 for (f, h), _n in self.groups])
        home_in = np.array([1.0 if inputs.at_home(g, p[1]) else 0.0 for p, g in self.arcs])
        self.home = np.concatenate([home_out, home_in])
        self.moves = np.concatenate([np.ones(n_out), np.zeros(n_in)])
        km_out = np.array([-(inputs.km(f, h) or 0.0) for (f, h), _n in self.groups])
        km_in = np.array([inputs.km(g, p[1]) or 0.0 for p, g in self.arcs])
        self.km = np.concatenate([km_out, km_in])
        self.home_before = sum(n for (f, h), n in self.groups if inputs.at_home(f, h))
        self.homes = np.array([h for (_f, h), _n in self.groups] + [p[1] for p, _g in self.arcs], dtype=object)

    def milp(self, objective, extra: list[LinearConstraint]):
        """Minimise ``objective`` over integer plans within the rows and ``extra`` (HiGHS branch and bound,
        no optimality gap); the solution vector. Raises PlanError."""
        constraints = [LinearConstraint(self.matrix, self.lower, self.upper), *extra]
        result = milp(
            objective,
            integrality=np.ones(self.size),
            bounds=(np.zeros(self.size), self.bounds_upper),
            constraints=constraints,
            options={"mip_rel_gap": 0.0, "presolve": True},
        )
        if result.status != 0 or result.x is None:
            raise PlanError(result.message)
        return np.rint(result.x)

    def lp(self, objective, lower=None, upper=None, tight=None):
        """Minimise ``objective`` over the network's flows (HiGHS dual simplex), the variables within
        ``lower``/``upper`` (default 0 and their bounds) and the facilities' rows in ``tight`` held at their
        slack: the LP result (x, marginals). The network matrix is totally unimodular, so a basic optimum is
        integral whenever the bounds are. Raises PlanError."""
        n_pools = len(self.pools)
        sites = self.matrix[n_pools:]
        slack = self.upper[n_pools:]
        tight = np.zeros(len(slack), dtype=bool) if tight is None else tight
        result = linprog(
            objective,
            A_ub=sites[~tight],
            b_ub=slack[~tight],
            A_eq=vstack([self.matrix[:n_pools], sites[tight]]),
            b_eq=np.concatenate([np.zeros(n_pools), slack[tight]]),
            bounds=np.column_stack(
                [np.zeros(self.size) if lower is None else lower, self.bounds_upper if upper is None else upper]
            ),
            method="highs-ds",
        )
        if result.status != 0:
            raise PlanError(result.message)
        return result

    def row(self, vector, lower=-np.inf, upper=np.inf) -> LinearConstraint:
        return LinearConstraint(vector.reshape(1, -1), [lower], [upper])


def _integral(x) -> bool:
    return x is not None and bool(np.all(np.abs(x - np.rint(x)) < 1e-6))


def _solve_network(net: _Network):
    """The lexicographic optimum without a limit on moves, as two linear programs on the network (exact,
    integral): (1) min -(N + 1) * home + moves, N the persons of known home (one more person at home
    outweighs any number of moves, since no plan moves more than N); (2) min person-km over the optimal
    face of (1): the flows complementary to its dual (arcs with a non-zero reduced cost held at their bound,
    facilities whose row has a non-zero dual held full), which is again a network. Returns the solution
    vector, or None when an LP answer is not integral (the caller then solves by branch and bound)."""
    weight = float(sum(n for _k, n in net.groups) + 1)
    first = net.lp(-weight * net.home + net.moves)
    if not _integral(first.x):
        return None
    lower, upper = np.zeros(net.size), net.bounds_upper.copy()
    at_lower = first.lower.marginals > 0.5
    at_upper = first.upper.marginals < -0.5
    upper[at_lower] = 0.0
    lower[at_upper] = upper[at_upper]
    # Every facility row is an inequality in (1): linprog gives their duals in that order.
    second = net.lp(net.km, lower, upper, tight=first.ineqlin.marginals < -0.5)
    x, x1 = np.rint(second.x), np.rint(first.x)
    same = net.home @ x == net.home @ x1 and net.moves @ x == net.moves @ x1
    return x if _integral(second.x) and same else None


NETWORK_LP = "network LP"
INTEGER_PROGRAMS = "integer programs"


def solve(inputs: Inputs, max_moves: int | None = None, *, home_only: bool = False, method: str | None = None) -> Plan:
    """The optimal plan for ``inputs`` (objectives in order: most persons in their home region, fewest
    moved, least person-km), moving at most ``max_moves`` persons when given. ``home_only`` stops after the
    first objective when the integer programs are used (the share curve needs no more).

    First two network LPs (_solve_network), exact without a limit; their plan is also the answer under a
    limit it respects (the best plan moves no more). Only when the limit binds (a side constraint) three
    successive integer programs by branch and bound. ``method`` (NETWORK_LP or INTEGER_PROGRAMS) forces one
    (tests compare them). Raises PlanError when HiGHS finds no optimum; ValueError for an unknown method."""
    if method not in (None, NETWORK_LP, INTEGER_PROGRAMS):
        raise ValueError(f"unknown method {method!r}")
    started = time.perf_counter()
    net = _Network(inputs)
    if net.size == 0:
        solver = {"method": "none", "seconds": 0.0, "variables": 0, "constraints": 0, "pools": 0, "groups": 0}
        return Plan(moves=[], placement=apply_moves(inputs, []), solver={**solver, "facilities": len(inputs.sites)})
    x, extra = None, []
    if method != INTEGER_PROGRAMS:
        x = _solve_network(net)
        if x is not None and max_moves is not None and net.moves @ x > max_moves:
            x = None  # the limit binds
        if x is None and method == NETWORK_LP:
            raise PlanError("the network LP cannot give this plan (a binding limit on moves)")
    method = NETWORK_LP if x is not None else INTEGER_PROGRAMS
    if x is None:
        extra = [net.row(net.moves, upper=max_moves)] if max_moves is not None else []
        x = net.milp(-net.home, extra)
        if not home_only:
            extra.append(net.row(net.home, lower=float(net.home @ x) - 0.5))
            x = net.milp(net.moves, extra)
            extra.append(net.row(net.moves, upper=float(net.moves @ x) + 0.5))
            x = net.milp(net.km, extra)
    moves = _moves(net, x)
    placement = apply_moves(inputs, moves)
    solver = {
        "method": method,
        "seconds": round(time.perf_counter() - started, 3),
        "variables": net.size,
        "constraints": net.matrix.shape[0] + len(extra),
        "pools": len(net.pools),
        "facilities": len(net.site_ids),
        "groups": len(net.groups),
    }
    return Plan(moves=moves, placement=placement, solver=solver)


def _moves(net: _Network, x) -> list[Move]:
    """The solution's flows through each pool as moves from origin to destination facility: leaving and
    arriving persons of one pool are paired nearest first (the pairing changes no figure of the plan: a
    person's place after the plan, not the route, is what the objectives count)."""
    inputs = net.inputs
    n_out = len(net.groups)
    leaving: dict = defaultdict(dict)
    arriving: dict = defaultdict(dict)
    for j, ((f, h), _n) in enumerate(net.groups):
        if x[j] > 0:
            leaving[(inputs.sites[f].klass, h)][f] = int(x[j])
    for k, (p, g) in enumerate(net.arcs):
        if x[n_out + k] > 0:
            arriving[p][g] = int(x[n_out + k])
    moves = []
    for p, origins in leaving.items():
        destinations = arriving[p]
        for f in set(origins) & set(destinations):  # leaving and coming back: no move (never at the optimum)
            both = min(origins[f], destinations[f])
            origins[f] -= both
            destinations[f] -= both
        # Every (origin, destination) pair nearest first, ties by origin then destination id; distances
        # computed at once (_km_matrix), the pairing stops when every leaving person has a destination.
        from_ids = sorted(f for f in origins if origins[f])
        to_ids = sorted(g for g in destinations if destinations[g])
        remaining = sum(origins[f] for f in from_ids)
        if not remaining or not to_ids:
            continue
        order = np.argsort(_km_matrix(inputs, from_ids, to_ids).ravel(), kind="stable")
        for i, j in zip(*(a.tolist() for a in np.divmod(order, len(to_ids))), strict=True):
            f, g = from_ids[i], to_ids[j]
            persons = min(origins[f], destinations[g])
            if persons:
                moves.append(Move(f, g, p[1], persons))
                origins[f] -= persons
                destinations[g] -= persons
                remaining -= persons
                if not remaining:
                    break
    moves.sort(key=lambda m: (m.from_facility, m.to_facility, m.home_region))
    return moves


def _km_matrix(inputs: Inputs, origins: list[int], destinations: list[int]) -> np.ndarray:
    """Great-circle km from each facility of ``origins`` (rows) to each of ``destinations`` (columns): the
    haversine of reporting.distance.great_circle_km on arrays; 0 where either point is unknown."""

    def radians(ids):
        points = [inputs.sites[pk].point or (np.nan, np.nan) for pk in ids]
        return np.radians(np.array(points, dtype=float).reshape(-1, 2))

    a, b = radians(origins), radians(destinations)
    lat1, lon1, lat2, lon2 = a[:, :1], a[:, 1:], b[:, 0], b[:, 1]
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.nan_to_num(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))), nan=0.0)


def apply_moves(inputs: Inputs, moves: list[Move]) -> dict[tuple[int, str], int]:
    """{(facility id, home region): persons} after ``moves`` are applied to ``inputs.groups``. Raises
    ValueError when a move takes more persons than its group holds."""
    placement = dict(inputs.groups)
    for move in moves:
        origin = (move.from_facility, move.home_region)
        if placement.get(origin, 0) < move.persons:
            raise ValueError(f"move of {move.persons} from {origin} exceeds the persons there")
        placement[origin] -= move.persons
        target = (move.to_facility, move.home_region)
        placement[target] = placement.get(target, 0) + move.persons
    return {key: n for key, n in placement.items() if n}


# ---------------------------------------------------------------------------------------------------
# Figures of a placement


def figures(inputs: Inputs, placement: dict[tuple[int, str], int], home_regions: set[str] | None = None) -> dict:
    """The near-home figures of ``placement`` (persons of known home; with ``home_regions``, those whose home
    is one of them): ``persons_known_home``, ``persons_in_home_region``, ``share_in_home_region`` (%, 1
    decimal), ``persons_over_500_km`` (more than reporting.distance.FAR_KM km from their home region's
    centre) and ``mean_km_from_home`` (km, 1 decimal)."""
    rows, at_home = [], 0
    for (f, h), n in placement.items():
        if home_regions is not None and h not in home_regions:
            continue
        rows.append(Held(n, inputs.km(f, h)))
        at_home += n if inputs.at_home(f, h) else 0
    distance = distance_figures(rows)
    return {
        "persons_known_home": distance["persons"],
        "persons_in_home_region": at_home,
        "share_in_home_region": share(at_home, distance["persons"]),
        "persons_over_500_km": distance["persons_over_500_km"],
        "mean_km_from_home": distance["mean_km_from_home"],
    }


def populations(inputs: Inputs, placement: dict[tuple[int, str], int]) -> dict[int, int]:
    """{facility id: persons held} after ``placement`` (persons of unknown home included)."""
    held = {pk: site.unknown for pk, site in inputs.sites.items()}
    for (f, _h), n in placement.items():
        held[f] = held.get(f, 0) + n
    return held


def shortfall(inputs: Inputs) -> list[dict]:
    """The places needed: per home region and class, the persons who stay outside their home region for
    lack of compatible places there, max(0, D - U) where D is the class's persons of that home and U the
    places the class's facilities in that region have for persons of known home (max(cap, pop) less those of
    unknown home). It equals what the optimal plan without max_moves leaves outside (the home count of a class
    is the sum over regions of min(D, U)). ``[{"home_region", "class", "persons"}]``, largest first."""
    demand: dict[tuple[str, str], int] = defaultdict(int)
    for (f, h), n in inputs.groups.items():
        if f in inputs.sites:
            demand[(h, inputs.sites[f].klass)] += n
    places: dict[tuple[str, str], int] = defaultdict(int)
    for site in inputs.sites.values():
        places[(site.region, site.klass)] += max(site.capacity, site.population) - site.unknown
    rows = [
        {"home_region": h, "class": klass, "persons": need}
        for (h, klass), d in demand.items()
        if (need := d - places.get((h, klass), 0)) > 0
    ]
    return sorted(rows, key=lambda r: (-r["persons"], r["home_region"], r["class"]))


# Prices of a move in persons brought home: a plan that maximises home - price * moves on the network is
# integral (the network is totally unimodular) and optimal for its own number of moves.
CURVE_PRICES = (0.999, 0.499, 0.333, 0.249, 0.166)


def share_curve(inputs: Inputs, full: "Plan | None" = None, regions: set[str] | None = None) -> list[dict]:
    """The share in the home region against the limit on persons moved, as exact points
    ``[{"max_moves", "persons_in_home_region", "share_in_home_region"}]`` from 0 moves (today) to the
    optimal plan's (``full``: solve(inputs) without max_moves, solved here when not given), sorted by max_moves.

    Each point is a plan that maximises persons at home minus a price per move (CURVE_PRICES: just under 1,
    1/2, 1/3, 1/4, 1/6 of a person, so that a plan moves a person when that brings home one person for at most
    1, 2, 3, 4 or 6 moves); such a plan is the best for its own number of moves M (any plan with at most M
    moves and more persons at home would score higher), so each point reads "with at most M persons moved,
    at most this share". One network LP a point (no branch and bound); points with the same M are merged.
    With ``regions`` (ISO codes), the same national points (max_moves counts every person moved) with the
    persons whose home is in those regions: how many of them each national plan holds at home, and their
    share. Raises PlanError."""
    net = _Network(inputs)
    mine = np.ones(net.size, dtype=bool) if regions is None else np.isin(net.homes, list(regions))
    known = sum(n for (_f, h), n in inputs.groups.items() if regions is None or h in regions)
    at_home_before = figures(inputs, inputs.groups, regions)["persons_in_home_region"]
    found = {0: (net.home_before, at_home_before)}  # moves -> (home nationally, home of the regions)
    if net.size:
        for price in CURVE_PRICES:
            x = np.rint(net.lp(-net.home + price * net.moves).x)
            moved, home = int(net.moves @ x), net.home_before + int(net.home @ x)
            if home > found.get(moved, (-1, 0))[0]:
                found[moved] = (home, at_home_before + int((net.home * mine) @ x))
        full = full or solve(inputs)
        home = figures(inputs, full.placement)["persons_in_home_region"]
        if home > found.get(full.persons_moved, (-1, 0))[0]:
            found[full.persons_moved] = (home, figures(inputs, full.placement, regions)["persons_in_home_region"])
    points, best = [], -1
    for moved in sorted(found):
        home, theirs = found[moved]
        if home > best:  # a point with more moves and no more persons at home says nothing new
            best = home
            points.append(
                {"max_moves": moved, "persons_in_home_region": theirs, "share_in_home_region": share(theirs, known)}
            )
    return points


def default_date() -> datetime.date:
    """Today in Asia/Almaty: the date of a plan when none is given."""
    return timezone.localdate()


def report(inputs: Inputs, plan: Plan, curve: list[dict] | None = None, regions: set[str] | None = None) -> dict:
    """The plan as the API answers it (and the page and exports show it): ``inputs`` (``groups``:
    facility, home_region, persons; ``capacity``: facility, code, region, class, capacity, population,
    population_after; ``projects``; the counts' dates), ``before`` and ``after`` (figures(); ``after`` adds
    ``persons_moved``), ``regions`` (per home region: before, after), ``moves`` (from_facility, to_facility,
    home_region, persons), ``shortfall`` (shortfall()), ``curve`` when computed, and ``solver``.

    With ``regions`` (ISO codes), the part of the national plan that concerns them (``scope`` lists them):
    groups and moves of facilities in those regions or of persons whose home is there, the capacity rows of
    the facilities so referenced, the region rows and shortfall of those home regions, and ``before`` /
    ``after`` over the persons whose home is in them (``after.persons_moved``: those of them moved), and
    ``persons_in_moves``, the persons of the moves listed (also those moved out of or into the regions'
    facilities to make room). Scoping never changes a move: the plan is national."""
    held_after = populations(inputs, plan.placement)
    homes = sorted({h for (_f, h) in inputs.groups} | {s.region for s in inputs.sites.values()})
    answer = {
        "date": inputs.date,
        "is_demo": inputs.is_demo,
        "inputs": {
            "counts_from": inputs.counts_from,
            "counts_to": inputs.counts_to,
            "groups": [
                {"facility": f, "home_region": h, "persons": n} for (f, h), n in sorted(inputs.groups.items()) if n
            ],
            "capacity": [
                {
                    "facility": site.id,
                    "code": site.code,
                    "region": site.region,
                    "class": site.klass,
                    "capacity": site.capacity,
                    "population": site.population,
                    "population_after": held_after[site.id],
                }
                for site in sorted(inputs.sites.values(), key=lambda s: (s.region, s.code))
            ],
            "projects": inputs.projects,
        },
        "before": figures(inputs, inputs.groups),
        "after": {**figures(inputs, plan.placement), "persons_moved": plan.persons_moved},
        "regions": [
            {
                "home_region": h,
                "before": figures(inputs, inputs.groups, {h}),
                "after": figures(inputs, plan.placement, {h}),
                "persons_moved": sum(m.persons for m in plan.moves if m.home_region == h),
            }
            for h in homes
        ],
        "moves": [
            {
                "from_facility": m.from_facility,
                "to_facility": m.to_facility,
                "home_region": m.home_region,
                "persons": m.persons,
            }
            for m in plan.moves
        ],
        "shortfall": shortfall(inputs),
        "curve": curve,
        "solver": plan.solver,
        "scope": None,
        "persons_in_moves": plan.persons_moved,
    }
    if regions is None:
        return answer
    region_of = {pk: site.region for pk, site in inputs.sites.items()}

    def concerns(facility, home):
        return region_of.get(facility) in regions or home in regions

    moves = [
        m
        for m in answer["moves"]
        if concerns(m["from_facility"], m["home_region"]) or region_of.get(m["to_facility"]) in regions
    ]
    groups = [g for g in answer["inputs"]["groups"] if concerns(g["facility"], g["home_region"])]
    referenced = (
        {g["facility"] for g in groups} | {m["from_facility"] for m in moves} | {m["to_facility"] for m in moves}
    )
    answer.update(
        scope=sorted(regions),
        before=figures(inputs, inputs.groups, regions),
        after={
            **figures(inputs, plan.placement, regions),
            "persons_moved": sum(m.persons for m in plan.moves if m.home_region in regions),
        },
        regions=[r for r in answer["regions"] if r["home_region"] in regions],
        moves=moves,
        persons_in_moves=sum(m["persons"] for m in moves),
        shortfall=[s for s in answer["shortfall"] if s["home_region"] in regions],
    )
    answer["inputs"].update(
        groups=groups,
        capacity=[c for c in answer["inputs"]["capacity"] if c["region"] in regions or c["facility"] in referenced],
        projects=[p for p in answer["inputs"]["projects"] if region_of.get(p["facility"]) in regions],
    )
    return answer


def compute(options: Options, curve: bool = False, regions: set[str] | None = None) -> dict:
    """Load, solve and report the national plan for ``options`` (report()), for ``regions`` (their part:
    report(regions=)); with ``curve``, the share against max_moves at a handful of exact points (share_curve, from 0 to the
    plan's moves). Raises PlanError."""
    inputs = load_inputs(options)
    plan = solve(inputs, options.max_moves)
    points = share_curve(inputs, plan if options.max_moves is None else None, regions) if curve else None
    return report(inputs, plan, points, regions)
