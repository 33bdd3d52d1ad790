"""The near-home placement model (reporting.placement, docs/placement.md) on hand-built estates: exact plans
for each part of the model (a move that raises the home share, capacity that forbids it, classes never
mixed, the fewest moves among equal shares, a chain move, the least person-km among equal moves,
``max_moves``, facilities over capacity, persons of unknown home), then properties of random estates
(figures, capacity, classes, the theoretical optimum, the shortfall, the two solution methods) and a
brute-force enumeration of every integer plan of tiny estates.

Every test here is pure: it builds ``Inputs`` and ``Site`` objects by hand and never touches the database
(pytest-django refuses database access to a test that does not ask for it, so these stay fast)."""

import itertools
import random
from collections import defaultdict

import pytest

from reporting.distance import great_circle_km
from reporting.placement import (
    INTEGER_PROGRAMS,
    Inputs,
    Move,
    PlanError,
    Site,
    apply_moves,
    class_label,
    figures,
    populations,
    report,
    share_curve,
    shortfall,
    solve,
)

MEN = "colony/medium/men"
WOMEN = "colony/medium/women"
MAX = "colony/maximum/men"

# Region centres (latitude, longitude): A and B about 670 km apart, N a neutral region, M a home region
# with no facility of the class, close to N.
CENTRES = {"A": (50.0, 70.0), "B": (45.0, 75.0), "N": (52.0, 60.0), "M": (52.5, 61.0)}
A_TO_B = great_circle_km(CENTRES["A"], CENTRES["B"])


def site(pk, region, capacity, population, known=None, klass=MEN, point=None):
    """A facility of ``region``: ``population`` persons held, ``known`` of them counted by home region
    (default all), located at ``point`` or else at its region's centre."""
    return Site(
        id=pk,
        code=f"F{pk}",
        region=region,
        klass=klass,
        capacity=capacity,
        population=population,
        known=population if known is None else known,
        point=point or CENTRES[region],
    )


def estate(sites, groups):
    return Inputs(sites={s.id: s for s in sites}, groups=groups, centres=dict(CENTRES))


def home_count(inputs, placement):
    return sum(n for (f, h), n in placement.items() if inputs.sites[f].region == h)


def person_km(inputs, placement):
    return sum(n * (inputs.km(f, h) or 0.0) for (f, h), n in placement.items())


def held_after(inputs, plan):
    return populations(inputs, plan.placement)


# ---------------------------------------------------------------------------------------------------
# Exact plans


def test_moving_raises_the_home_share():
    """Three persons of home B held in A; B's facility has room: all three go home."""
    inputs = estate([site(1, "A", 10, 3), site(2, "B", 10, 0)], {(1, "B"): 3})
    plan = solve(inputs)
    assert plan.moves == [Move(1, 2, "B", 3)]
    assert plan.placement == {(2, "B"): 3}
    assert plan.solver["method"] == "network LP"
    answer = report(inputs, plan)
    assert answer["before"] == {
        "persons_known_home": 3,
        "persons_in_home_region": 0,
        "share_in_home_region": 0.0,
        "persons_over_500_km": 3,
        "mean_km_from_home": round(A_TO_B, 1),
    }
    assert answer["after"] == {
        "persons_known_home": 3,
        "persons_in_home_region": 3,
        "share_in_home_region": 100.0,
        "persons_over_500_km": 0,
        "mean_km_from_home": 0.0,
        "persons_moved": 3,
    }
    assert answer["moves"] == [{"from_facility": 1, "to_facility": 2, "home_region": "B", "persons": 3}]
    assert answer["shortfall"] == []


def test_capacity_forbids_the_move():
    """B's only facility is full (2 places, 2 persons of B): nobody moves, and 3 places are missing in B."""
    inputs = estate([site(1, "A", 10, 3), site(2, "B", 2, 2)], {(1, "B"): 3, (2, "B"): 2})
    plan = solve(inputs)
    assert plan.moves == []
    assert plan.placement == inputs.groups
    assert figures(inputs, plan.placement) == figures(inputs, inputs.groups)
    assert shortfall(inputs) == [{"home_region": "B", "class": MEN, "persons": 3}]


def test_capacity_bounds_the_move():
    """Two free places in B: two of the three persons go home, not three."""
    inputs = estate([site(1, "A", 10, 3), site(2, "B", 4, 2)], {(1, "B"): 3, (2, "B"): 2})
    plan = solve(inputs)
    assert plan.moves == [Move(1, 2, "B", 2)]
    assert held_after(inputs, plan) == {1: 1, 2: 4}
    assert shortfall(inputs) == [{"home_region": "B", "class": MEN, "persons": 1}]


def test_incompatible_classes_are_never_mixed():
    """B has 10 free places for women and 1 for men of maximum security and 1 for men of medium security:
    the medium-security men of home B held in A take the one place of their class; the others stay."""
    inputs = estate(
        [
            site(1, "A", 10, 3),
            site(2, "B", 10, 0, klass=WOMEN),
            site(3, "B", 1, 0, klass=MAX),
            site(4, "B", 1, 0),
        ],
        {(1, "B"): 3},
    )
    plan = solve(inputs)
    assert plan.moves == [Move(1, 4, "B", 1)]
    assert held_after(inputs, plan) == {1: 2, 2: 0, 3: 0, 4: 1}
    assert shortfall(inputs) == [{"home_region": "B", "class": MEN, "persons": 2}]


def test_fewest_moves_among_equal_shares():
    """One person of home A held in B; A has a free place in F4 (far from A's centre) and a place in F1
    (at A's centre) held by an outsider of home M, who would be nearer home in N's empty facility. Both
    plans bring one person home; the direct move takes 1 move, the chain 2 (and fewer person-km): the
    plan takes the fewer moves."""
    far_in_a = (50.0, 74.0)
    inputs = estate(
        [
            site(1, "A", 1, 1),
            site(2, "B", 1, 1),
            site(3, "N", 5, 0),
            site(4, "A", 1, 0, point=far_in_a),
        ],
        {(1, "M"): 1, (2, "A"): 1},
    )
    chain = {(3, "M"): 1, (1, "A"): 1}
    direct = {(1, "M"): 1, (4, "A"): 1}
    assert person_km(inputs, chain) < person_km(inputs, direct)  # so only the moves decide
    plan = solve(inputs)
    assert plan.moves == [Move(2, 4, "A", 1)]
    assert plan.placement == direct
    assert solve(inputs, method=INTEGER_PROGRAMS).moves == [Move(2, 4, "A", 1)]


def test_a_chain_move_is_taken_when_it_is_the_only_way_home():
    """A's one place is held by an outsider of home M (no facility of the class in M); the person of home A
    held in B comes home only if the outsider moves on. The outsider goes to N (nearest their home), not to
    the place freed in B; with max_moves=1 nothing can be gained, so nobody moves."""
    inputs = estate(
        [site(1, "A", 1, 1), site(2, "B", 1, 1), site(3, "N", 5, 0)],
        {(1, "M"): 1, (2, "A"): 1},
    )
    plan = solve(inputs)
    assert plan.moves == [Move(1, 3, "M", 1), Move(2, 1, "A", 1)]
    assert held_after(inputs, plan) == {1: 1, 2: 0, 3: 1}
    assert figures(inputs, plan.placement)["persons_in_home_region"] == 1
    assert solve(inputs, max_moves=1).moves == []
    assert solve(inputs, max_moves=2).moves == plan.moves


def test_least_person_km_among_equal_moves():
    """Two free places in A for the one person of home A held in B: F5, with coordinates of its own near
    A's centre, and F4, far from it. The nearer is chosen, whatever the order of the ids."""
    inputs = estate(
        [
            site(2, "B", 1, 1),
            site(4, "A", 1, 0, point=(50.0, 74.0)),
            site(5, "A", 1, 0, point=(50.1, 70.1)),
        ],
        {(2, "A"): 1},
    )
    plan = solve(inputs)
    assert plan.moves == [Move(2, 5, "A", 1)]
    assert figures(inputs, plan.placement)["mean_km_from_home"] == round(great_circle_km((50.1, 70.1), (50.0, 70.0)), 1)
    assert solve(inputs, max_moves=5).moves == [Move(2, 5, "A", 1)]


def limits_estate():
    """Three direct gains (persons of B held in N, room in B: one move each) and one chain gain (two moves:
    the outsider on A's only place to N's F7, nearest their home M, then the person of home A)."""
    return estate(
        [
            site(1, "N", 3, 3),  # three of home B
            site(2, "B", 3, 0),
            site(5, "A", 1, 1),  # an outsider of home M on A's only place
            site(6, "B", 1, 1, point=(45.5, 75.5)),  # a person of home A; farther from B's centre than F2
            site(7, "N", 5, 0, point=CENTRES["M"]),
        ],
        {(1, "B"): 3, (5, "M"): 1, (6, "A"): 1},
    )


@pytest.mark.parametrize(
    ("limit", "home", "moves"),
    [
        (0, 0, []),
        (1, 1, [Move(1, 2, "B", 1)]),
        (2, 2, [Move(1, 2, "B", 2)]),
        (3, 3, [Move(1, 2, "B", 3)]),
        # 4 moves: 3 direct (3 home) or 2 direct and the chain (3 home): the fewer moves.
        (4, 3, [Move(1, 2, "B", 3)]),
        (5, 4, [Move(1, 2, "B", 3), Move(5, 7, "M", 1), Move(6, 5, "A", 1)]),
        (None, 4, [Move(1, 2, "B", 3), Move(5, 7, "M", 1), Move(6, 5, "A", 1)]),
    ],
)
def test_max_moves_is_respected_and_gives_the_best_share_for_it(limit, home, moves):
    inputs = limits_estate()
    plan = solve(inputs, max_moves=limit)
    assert plan.moves == moves
    assert plan.persons_moved == sum(m.persons for m in moves)
    assert figures(inputs, plan.placement)["persons_in_home_region"] == home


def test_share_curve_gives_exact_points_where_the_best_share_changes_slope():
    """Three direct moves bring three home (one person a move); the chain brings a fourth for two moves.
    Each point equals the best plan under that limit (the max_moves cases above)."""
    inputs = limits_estate()
    expected = [
        {"max_moves": 0, "persons_in_home_region": 0, "share_in_home_region": 0.0},
        {"max_moves": 3, "persons_in_home_region": 3, "share_in_home_region": 60.0},
        {"max_moves": 5, "persons_in_home_region": 4, "share_in_home_region": 80.0},
    ]
    assert share_curve(inputs) == expected
    assert share_curve(inputs, solve(inputs)) == expected
    for point in expected:
        best = solve(inputs, max_moves=point["max_moves"], home_only=True)
        assert figures(inputs, best.placement)["persons_in_home_region"] == point["persons_in_home_region"]


def test_share_curve_points_are_the_best_plans_for_their_limits_on_random_estates():
    for seed in range(4):
        inputs = random_estate(seed)
        for point in share_curve(inputs):
            best = solve(inputs, max_moves=point["max_moves"], home_only=True)
            assert figures(inputs, best.placement)["persons_in_home_region"] == point["persons_in_home_region"]


def test_a_facility_over_capacity_is_never_made_worse():
    """F1 (A) holds 4 persons for 2 places: 2 of home A, 2 of home B. F2 (B, full) holds 3 of home A. A swap
    of two for two brings four home and leaves F1 at 4; the third person of home A stays in B, since
    bringing them would put a fifth person in F1."""
    inputs = estate([site(1, "A", 2, 4), site(2, "B", 3, 3)], {(1, "A"): 2, (1, "B"): 2, (2, "A"): 3})
    plan = solve(inputs)
    assert plan.moves == [Move(1, 2, "B", 2), Move(2, 1, "A", 2)]
    assert held_after(inputs, plan) == {1: 4, 2: 3}
    assert plan.placement == {(1, "A"): 4, (2, "B"): 2, (2, "A"): 1}
    assert shortfall(inputs) == [{"home_region": "A", "class": MEN, "persons": 1}]


def test_an_over_capacity_facility_never_gains_even_with_room_freed_by_others():
    """F1 (A, 1 place, 3 held, all of home A) and two persons of home A in B: F1 takes nobody (it would
    grow), though it is in their home region."""
    inputs = estate([site(1, "A", 1, 3), site(2, "B", 5, 2)], {(1, "A"): 3, (2, "A"): 2})
    plan = solve(inputs)
    assert plan.moves == []
    assert shortfall(inputs) == [{"home_region": "A", "class": MEN, "persons": 2}]


def test_persons_of_unknown_home_stay_and_take_places():
    """B's facility holds 3 persons for 3 places, only 1 of them counted by home region: the 2 of unknown
    home stay and their places are not free. With a fourth place, exactly one person comes home."""
    full = estate([site(1, "A", 10, 3), site(2, "B", 3, 3, known=1)], {(1, "B"): 3, (2, "B"): 1})
    plan = solve(full)
    assert plan.moves == []
    assert held_after(full, plan) == {1: 3, 2: 3}
    assert figures(full, full.groups)["persons_known_home"] == 4  # the unknown count nowhere
    roomy = estate([site(1, "A", 10, 3), site(2, "B", 4, 3, known=1)], {(1, "B"): 3, (2, "B"): 1})
    plan = solve(roomy)
    assert plan.moves == [Move(1, 2, "B", 1)]
    assert held_after(roomy, plan) == {1: 2, 2: 4}
    assert shortfall(roomy) == [{"home_region": "B", "class": MEN, "persons": 2}]


def test_an_estate_with_no_persons_of_known_home_has_an_empty_plan():
    inputs = estate([site(1, "A", 10, 3, known=0)], {(1, "B"): 0})
    plan = solve(inputs)
    assert plan.moves == [] and plan.placement == {} and plan.persons_moved == 0
    assert set(plan.solver) >= {"method", "seconds", "variables", "constraints"}


def test_apply_moves_refuses_a_move_larger_than_its_group():
    inputs = estate([site(1, "A", 10, 3), site(2, "B", 10, 0)], {(1, "B"): 3})
    with pytest.raises(ValueError, match="exceeds"):
        apply_moves(inputs, [Move(1, 2, "B", 4)])
    assert apply_moves(inputs, [Move(1, 2, "B", 3)]) == {(2, "B"): 3}


# ---------------------------------------------------------------------------------------------------
# Random estates


def random_estate(seed, facilities=30, regions=5, classes=3):
    """A seeded random estate: ``facilities`` facilities over ``regions`` regions and ``classes`` classes,
    some over capacity, some with persons of unknown home, some with coordinates of their own; persons of
    every home region (one more region, Z, has no facility at all)."""
    rng = random.Random(seed)
    codes = [f"R{i}" for i in range(regions)]
    centres = {code: (rng.uniform(41, 55), rng.uniform(47, 87)) for code in codes}
    centres["Z"] = (rng.uniform(41, 55), rng.uniform(47, 87))
    klasses = [f"colony/level{i}/men" for i in range(classes)]
    sites, groups = {}, {}
    for pk in range(1, facilities + 1):
        region = rng.choice(codes)
        counts = {h: rng.choice([0, 0, rng.randint(1, 40)]) for h in [*codes, "Z"]}
        known = sum(counts.values())
        unknown = rng.choice([0, 0, rng.randint(1, 10)])
        population = known + unknown
        capacity = max(0, population + rng.randint(-25, 30))
        lat, lon = centres[region]
        point = (lat + rng.uniform(-1, 1), lon + rng.uniform(-1, 1)) if rng.random() < 0.5 else (lat, lon)
        sites[pk] = Site(pk, f"F{pk}", region, rng.choice(klasses), capacity, population, known, point)
        groups.update({(pk, h): n for h, n in counts.items() if n})
    return Inputs(sites=sites, groups=groups, centres=centres)


def optimum(inputs):
    """{(home region, class): min(D, U)} (shortfall's docstring): the most persons of each home and class
    that any plan can hold in their home region."""
    demand, places = defaultdict(int), defaultdict(int)
    for (f, h), n in inputs.groups.items():
        demand[(h, inputs.sites[f].klass)] += n
    for s in inputs.sites.values():
        places[(s.region, s.klass)] += max(s.capacity, s.population) - s.unknown
    return {key: min(d, places[key]) for key, d in demand.items()}


def home_by_region_and_class(inputs, placement):
    counts = defaultdict(int)
    for (f, h), n in placement.items():
        if inputs.sites[f].region == h:
            counts[(h, inputs.sites[f].klass)] += n
    return counts


def check_plan(inputs, plan, max_moves=None):
    """What every plan satisfies: its placement is its moves applied to the inputs; no move within a facility,
    between classes or empty; persons conserved; capacity everywhere; at most ``max_moves`` moved."""
    assert plan.placement == apply_moves(inputs, plan.moves)
    for move in plan.moves:
        assert move.persons > 0
        assert move.from_facility != move.to_facility
        assert inputs.sites[move.from_facility].klass == inputs.sites[move.to_facility].klass
    assert sum(plan.placement.values()) == sum(inputs.groups.values())
    held = populations(inputs, plan.placement)
    for pk, s in inputs.sites.items():
        assert held[pk] <= max(s.capacity, s.population), pk
        if s.population >= s.capacity:
            assert held[pk] <= s.population, pk
    assert len({(m.from_facility, m.to_facility, m.home_region) for m in plan.moves}) == len(plan.moves)
    if max_moves is not None:
        assert plan.persons_moved <= max_moves


@pytest.mark.parametrize("seed", range(6))
def test_random_estates(seed):
    inputs = random_estate(seed)
    plan = solve(inputs)
    assert plan.solver["method"] == "network LP"
    check_plan(inputs, plan)
    answer = report(inputs, plan)
    assert answer["after"] == {**figures(inputs, apply_moves(inputs, plan.moves)), "persons_moved": plan.persons_moved}
    assert answer["before"] == figures(inputs, inputs.groups)
    # The home count is the theoretical optimum, class by class and region by region.
    best = optimum(inputs)
    at_home = home_by_region_and_class(inputs, plan.placement)
    assert home_count(inputs, plan.placement) == sum(best.values())
    assert {k: v for k, v in at_home.items() if v} == {k: v for k, v in best.items() if v}
    # The shortfall is what the plan leaves outside home, per home region and class.
    demand = defaultdict(int)
    for (f, h), n in inputs.groups.items():
        demand[(h, inputs.sites[f].klass)] += n
    outside = {k: d - at_home.get(k, 0) for k, d in demand.items() if d - at_home.get(k, 0) > 0}
    assert {(r["home_region"], r["class"]): r["persons"] for r in shortfall(inputs)} == outside
    assert outside  # the estates are built to have some
    # The integer programs (the path taken with max_moves) find the same optimum.
    by_milp = solve(inputs, method=INTEGER_PROGRAMS)
    assert by_milp.solver["method"] == "integer programs"
    check_plan(inputs, by_milp)
    assert home_count(inputs, by_milp.placement) == home_count(inputs, plan.placement)
    assert by_milp.persons_moved == plan.persons_moved
    assert person_km(inputs, by_milp.placement) == pytest.approx(person_km(inputs, plan.placement), rel=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_random_estates_under_a_limit(seed):
    """A limit below the optimum's moves binds: exactly that many moved... or fewer when one more move gains
    nothing; the home count grows with the limit and reaches the optimum's at its moves."""
    inputs = random_estate(100 + seed, facilities=15)
    full = solve(inputs)
    previous = home_count(inputs, inputs.groups)
    for limit in sorted({0, 1, full.persons_moved // 3, full.persons_moved // 2, full.persons_moved - 1}):
        plan = solve(inputs, max_moves=limit)
        check_plan(inputs, plan, limit)
        home = home_count(inputs, plan.placement)
        assert previous <= home <= home_count(inputs, full.placement)
        previous = home
    at_optimum = solve(inputs, max_moves=full.persons_moved)
    assert home_count(inputs, at_optimum.placement) == home_count(inputs, full.placement)
    assert at_optimum.persons_moved == full.persons_moved


# ---------------------------------------------------------------------------------------------------
# Brute force on tiny estates


def compositions(total, parts):
    """Every way to write ``total`` as an ordered sum of ``parts`` integers >= 0."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def brute_force(inputs, max_moves=None):
    """The lexicographic optimum (most at home, fewest moved, least person-km) over every integer final
    placement: a pool (class, home) may end in any split of its persons over its class's facilities; the
    fewest persons moved to reach it are those a facility holds beyond its final share."""
    pools = defaultdict(dict)
    for (f, h), n in inputs.groups.items():
        pools[(inputs.sites[f].klass, h)][f] = n
    members = {k: sorted(pk for pk, s in inputs.sites.items() if s.klass == k) for k, _h in pools}
    keys = sorted(pools)
    options = [
        [
            dict(zip(members[k], split, strict=True))
            for split in compositions(sum(pools[(k, h)].values()), len(members[k]))
        ]
        for k, h in keys
    ]
    best = None
    for choice in itertools.product(*options):
        placement, moved = {}, 0
        for (k, h), split in zip(keys, choice, strict=True):
            for g, n in split.items():
                moved += max(0, pools[(k, h)].get(g, 0) - n)
                if n:
                    placement[(g, h)] = n
        if max_moves is not None and moved > max_moves:
            continue
        held = populations(inputs, placement)
        if any(held[pk] > max(s.capacity, s.population) for pk, s in inputs.sites.items()):
            continue
        value = (-home_count(inputs, placement), moved, person_km(inputs, placement))
        if best is None or value < best:
            best = value
    return best


def tiny_estate(seed):
    """3 facilities over 2 regions (1 or 2 classes), at most 6 persons of known home from 3 home regions."""
    rng = random.Random(seed)
    centres = {"A": (50.0, 70.0), "B": (45.0, 75.0), "C": (48.0, 55.0)}
    sites, groups = {}, {}
    for pk in (1, 2, 3):
        region = rng.choice("AB")
        counts = {h: rng.randint(0, 1) for h in "ABC"}
        known = sum(counts.values())
        unknown = rng.randint(0, 1)
        population = known + unknown
        lat, lon = centres[region]
        point = (lat + rng.uniform(-2, 2), lon + rng.uniform(-2, 2))
        klass = MEN if pk < 3 or rng.random() < 0.5 else WOMEN
        sites[pk] = Site(pk, f"F{pk}", region, klass, max(0, population + rng.randint(-1, 2)), population, known, point)
        groups.update({(pk, h): n for h, n in counts.items() if n})
    return Inputs(sites=sites, groups=groups, centres=centres)


@pytest.mark.parametrize("seed", range(40))
def test_tiny_estates_against_every_plan(seed):
    inputs = tiny_estate(seed)
    for limit in (None, 0, 1, 2):
        plan = solve(inputs, max_moves=limit)
        check_plan(inputs, plan, limit)
        home, moved, km = brute_force(inputs, limit)
        assert home_count(inputs, plan.placement) == -home
        assert plan.persons_moved == moved
        assert person_km(inputs, plan.placement) == pytest.approx(km, rel=1e-6, abs=1e-6)


def test_a_limit_that_does_not_bind_gives_the_plan_without_a_limit():
    """The best plan moves 5; any limit of 5 or more answers that very plan (the network LPs), so equivalent
    options give one list of moves."""
    inputs = limits_estate()
    free = solve(inputs)
    for limit in (5, 6, 10**6):
        plan = solve(inputs, max_moves=limit)
        assert (plan.moves, plan.solver["method"]) == (free.moves, "network LP")
    assert solve(inputs, max_moves=4).solver["method"] == "integer programs"
    with pytest.raises(PlanError):
        solve(inputs, max_moves=4, method="network LP")


def test_share_curve_for_regions_counts_their_residents_at_the_national_points():
    """Of home B: 3 persons, all brought home by the direct moves (3 moves); of home A: 1 person, brought home
    by the chain (5 moves in all)."""
    inputs = limits_estate()
    assert share_curve(inputs, regions={"B"}) == [
        {"max_moves": 0, "persons_in_home_region": 0, "share_in_home_region": 0.0},
        {"max_moves": 3, "persons_in_home_region": 3, "share_in_home_region": 100.0},
        {"max_moves": 5, "persons_in_home_region": 3, "share_in_home_region": 100.0},
    ]
    assert [p["persons_in_home_region"] for p in share_curve(inputs, regions={"A"})] == [0, 0, 1]


def test_class_labels_do_not_repeat_what_the_kind_says():
    assert class_label("juvenile/medium_juvenile/juveniles") == "juvenile colony, medium security for minors"
    assert class_label("prison/full/men") == "prison, full security, adult men"
    assert class_label("colony/-/women") == "correctional colony, security level not recorded, adult women"
