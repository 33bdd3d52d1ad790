"""Statistical disclosure control of a release's person counts (docs/public.md, §Disclosure control).

The rules, applied to every count of persons that a release publishes (never to places or to counts of
recommendations, which describe no person):

1. **Threshold (primary suppression)**: a count ``n`` with ``0 < n < threshold`` (default 10,
   ``PUBLIC_DISCLOSURE["threshold"]``) is suppressed, reason ``threshold``. Zero is published unless
   ``zeros_disclosive`` is set (a zero says that nobody is in a class, which for prison statistics is the
   figure the public needs: no single cells in a colony).
2. **Secondary suppression**: published totals are sums of their parts (a region of its facilities and
   of those published without detail; the nation of its regions). A suppressed part must not be
   recoverable by subtraction, nor from the system of all those sums together: a suppressed cell is
   protected when no combination of the published equations determines it (linear algebra: its unit
   vector is not in the row space of the equations restricted to the unknown cells). Where it is, the
   smallest published non-zero part of an equation that holds an unknown is suppressed too, reason
   ``secondary``, until every suppressed cell is protected. Facilities published without detail count
   as one unknown part of their region.
3. **Rounding**: every published count of persons is rounded to the nearest ``rounding_base`` (default 5,
   halves upwards); totals are computed from the unrounded counts and rounded the same way, so a total
   may differ from the sum of its rounded parts.
4. **Derived figures**: a share or a rate whose numerator or denominator is suppressed is suppressed
   too, reason ``derived`` (a share times a published total would give the count back).

Why not ACRO (PyPI ``acro``): it checks outputs computed from microdata with pandas (one row a person;
the portal holds counts, not persons), needs pandas <= 2.3.3, statsmodels, matplotlib and rdflib, and its
mitigation recomputes totals without the suppressed cells instead of the secondary suppression asked for
here. Its rules and defaults (``safe_threshold: 10``, ``safe_round_base: 5``) are the ones used.
The dominance rules (n,k and p %) concern magnitude tables (sums of amounts) and do not apply to counts.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from django.conf import settings

THRESHOLD, SECONDARY, DERIVED = "threshold", "secondary", "derived"
REASONS = {
    THRESHOLD: "a count of persons below the threshold",
    SECONDARY: "suppressed so that another suppressed count cannot be recovered from the totals",
    DERIVED: "computed from a suppressed count",
}

Key = Hashable


@dataclass(frozen=True)
class Rules:
    """The disclosure rules of a release: ``threshold`` (persons; counts 1..threshold-1 are suppressed),
    ``rounding_base`` (persons; 1 = no rounding), ``zeros_disclosive`` (suppress zeros too)."""

    threshold: int = 10
    rounding_base: int = 5
    zeros_disclosive: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def current_rules() -> Rules:
    """The rules from ``settings.PUBLIC_DISCLOSURE`` (keys of Rules). Raises ValueError for a threshold
    or a rounding base below 1."""
    rules = Rules(**getattr(settings, "PUBLIC_DISCLOSURE", {}))
    if rules.threshold < 1 or rules.rounding_base < 1:
        raise ValueError("PUBLIC_DISCLOSURE: threshold and rounding_base must be at least 1")
    return rules


def round_count(value: int, base: int) -> int:
    """``value`` (persons, >= 0) rounded to the nearest multiple of ``base``, halves upwards: 7 -> 5,
    8 -> 10, 12 -> 10, 13 -> 15 with base 5."""
    return base * ((value + base // 2) // base) if base > 1 else value


def primary(value: int, rules: Rules) -> bool:
    """Whether a count of persons is suppressed by the threshold rule."""
    return 0 < value < rules.threshold or (value == 0 and rules.zeros_disclosive)


@dataclass
class Equation:
    """``total`` = sum of ``parts`` (keys of the values)."""

    total: Key
    parts: Sequence[Key]


@dataclass
class Outcome:
    """What protect() decided: ``reasons`` (key -> THRESHOLD or SECONDARY) of the suppressed published
    cells; the withheld keys are not in it."""

    reasons: dict = field(default_factory=dict)

    def suppressed(self, key: Key) -> str | None:
        return self.reasons.get(key)


def determined(equations: list[Equation], unknown: list[Key]) -> list[Key]:
    """The unknown cells whose value the equations determine from the known ones (recoverable by
    subtraction along one equation or by combining several): an empty list when every one is protected."""
    if not unknown:
        return []
    unknown_set = set(unknown)
    relevant = [e for e in equations if e.total in unknown_set or unknown_set.intersection(e.parts)]
    if not relevant:
        return []  # no equation holds them: nothing determines them
    index = {key: i for i, key in enumerate(unknown)}
    matrix = np.zeros((len(relevant), len(unknown)))
    for row, equation in enumerate(relevant):
        if equation.total in index:
            matrix[row, index[equation.total]] -= 1
        for part in equation.parts:
            if part in index:
                matrix[row, index[part]] += 1
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for i, key in enumerate(unknown):
        if not matrix[:, i].any():
            continue
        unit = np.zeros((1, len(unknown)))
        unit[0, i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(key)
    return found


def protect(values: dict, equations: Iterable[Equation], rules: Rules, withheld: Iterable[Key] = ()) -> Outcome:
    """Primary and secondary suppression of ``values`` (key -> persons, unrounded) linked by
    ``equations``. ``withheld``: keys of ``values`` never published (the facilities of a region published
    without detail, as one part): they must not be recoverable either. Returns the Outcome;
    deterministic (ties broken by the keys' order in ``values``); each round suppresses one more cell."""
    equations = list(equations)
    withheld = set(withheld)
    outcome = Outcome(
        {key: THRESHOLD for key, value in values.items() if key not in withheld and primary(value, rules)}
    )
    order = {key: i for i, key in enumerate(values)}
    while True:
        unknown = [key for key in values if key in outcome.reasons or key in withheld]
        exposed = determined(equations, unknown)
        if not exposed:
            return outcome
        candidates: set = set()
        for target in exposed:  # the first exposed cell with a published cell beside it in an equation
            candidates = {
                key
                for equation in equations
                if target == equation.total or target in equation.parts
                for key in (equation.total, *equation.parts)
                if key not in outcome.reasons and key not in withheld and key in values
            }
            if candidates:
                break
        if not candidates:  # every equation of every exposed cell is wholly unknown: nothing left to hide
            return outcome
        choice = min(candidates, key=lambda key: (values[key] == 0, values[key], order[key]))
        outcome.reasons[choice] = SECONDARY
