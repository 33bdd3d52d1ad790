"""Disclosure control (public.disclosure, public.content): the rules on hand-built tables with exact
reasons, and on releases (the demo's and a small estate's) the attack by subtraction along every row and
column, the linear-algebra check, and no raw count below the threshold anywhere."""

import pytest
from django.test import override_settings

from public import disclosure
from public.disclosure import DERIVED, SECONDARY, THRESHOLD, Equation, Rules, protect, round_count

from .conftest import attack, determined_cells, publish_now, walk

RULES = Rules(threshold=10, rounding_base=5)
NO_ROUNDING = {"threshold": 10, "rounding_base": 1, "zeros_disclosive": False}


@pytest.mark.parametrize(("value", "rounded"), [(0, 0), (2, 0), (3, 5), (7, 5), (8, 10), (12, 10), (13, 15), (15, 15)])
def test_rounding_to_the_nearest_five_halves_upwards(value, rounded):
    assert round_count(value, 5) == rounded


def test_rounding_base_one_keeps_the_count():
    assert [round_count(v, 1) for v in (0, 7, 13)] == [0, 7, 13]


def test_threshold_suppresses_1_to_9_and_publishes_zero_and_ten():
    values = {"a": 0, "b": 1, "c": 9, "d": 10}
    assert protect(values, [], RULES).reasons == {"b": THRESHOLD, "c": THRESHOLD}


def test_zeros_suppressed_when_disclosive():
    values = {"a": 0, "b": 5, "c": 30, "T": 35}
    rules = Rules(threshold=10, rounding_base=5, zeros_disclosive=True)
    # a and b both unknown: only their sum (T - c) is known, so neither is determined.
    assert protect(values, [Equation("T", ["a", "b", "c"])], rules).reasons == {"a": THRESHOLD, "b": THRESHOLD}


def test_secondary_suppression_takes_the_smallest_published_part():
    values = {"a": 5, "b": 20, "c": 30, "T": 55}
    outcome = protect(values, [Equation("T", ["a", "b", "c"])], RULES)
    assert outcome.reasons == {"a": THRESHOLD, "b": SECONDARY}


def test_secondary_suppression_never_picks_a_zero_when_another_part_will_do():
    values = {"a": 0, "b": 5, "c": 30, "T": 35}
    outcome = protect(values, [Equation("T", ["a", "b", "c"])], RULES)
    assert outcome.reasons == {"b": THRESHOLD, "c": SECONDARY}


def test_hidden_facilities_are_one_unknown_part_of_their_region():
    values = {"f1": 50, "f2": 40, "hidden": 30, "R": 120}
    outcome = protect(values, [Equation("R", ["f1", "f2", "hidden"])], RULES, withheld=["hidden"])
    assert outcome.reasons == {"f2": SECONDARY}  # else R - f1 - f2 gives the hidden facilities' 30
    assert "hidden" not in outcome.reasons


def test_chains_across_region_and_nation():
    # R1 has one facility of 3 persons: R1 = a = 3 is suppressed too. a's own equation (R1 = a) is then
    # wholly unknown, but N - R2 would give R1 (and so a): R1's other equation gets a secondary
    # suppression (R2, the smaller of N and R2); then c + d would give R2, so c (the smaller) goes; and
    # N - R1... is protected once R2 and N are both unknown. (Before the fix in protect() this stopped at
    # {a, R1}, leaving R1 = N - R2 = 3 recoverable.)
    values = {"a": 3, "R1": 3, "c": 40, "d": 50, "R2": 90, "N": 93}
    equations = [Equation("R1", ["a"]), Equation("R2", ["c", "d"]), Equation("N", ["R1", "R2"])]
    outcome = protect(values, equations, RULES)
    assert outcome.reasons == {"a": THRESHOLD, "R1": THRESHOLD, "R2": SECONDARY, "N": SECONDARY, "c": SECONDARY}
    assert disclosure.determined(equations, list(outcome.reasons)) == []
    # Fewer would not do: with only a and R1 suppressed, N - R2 recovers both.
    assert disclosure.determined(equations, ["a", "R1"]) == ["a", "R1"]


def test_two_small_parts_protect_each_other():
    values = {"a": 3, "b": 4, "c": 50, "T": 57}
    assert protect(values, [Equation("T", ["a", "b", "c"])], RULES).reasons == {"a": THRESHOLD, "b": THRESHOLD}


def test_determined_finds_a_value_recovered_by_combining_equations():
    # x is in two equations: neither alone gives it, together they do (x = T1 - y, y = T2 - z known).
    equations = [Equation("T1", ["x", "y"]), Equation("T2", ["y", "z"])]
    assert disclosure.determined(equations, ["x", "y"]) == ["x", "y"]
    assert disclosure.determined(equations, ["x", "y", "z"]) == []


# --- On releases ---------------------------------------------------------------------------------------


def test_small_estate_release_reasons(estate):
    release = publish_now()
    reasons = {(s["table"], s["code"], s["column"]): s["reason"] for s in release.suppressions}
    assert reasons[("facility", "F-B", "persons_held")] == THRESHOLD
    assert reasons[("facility", "F-A", "persons_in_single_cells")] == THRESHOLD
    # F-D's 12 persons in single cells: region KZ-10 = F-D + F-E (hidden, 0 single) would give F-E's 0
    # if F-D and KZ-10 were both published; the hidden part is protected.
    facilities = {f["code"]: f for f in release.content["facilities"]}
    assert "F-E" not in facilities
    assert facilities["F-B"]["persons_held"] is None and facilities["F-B"]["persons_held_suppressed"] == THRESHOLD
    assert facilities["F-B"]["occupancy_percent"] is None
    assert facilities["F-B"]["occupancy_percent_suppressed"] == DERIVED
    assert facilities["F-A"]["persons_held"] == 50
    held = {(s["table"], s["code"]): s["reason"] for s in release.suppressions if s["column"] == "persons_held"}
    # KZ-35 = F-A + F-B + F-C: F-B's 3 would be KZ-35 - F-A - F-C, so F-C (40 < 50 < 93) goes too;
    # KZ-10 = F-D + F-E (hidden, 30): F-D published with KZ-10 would give F-E, so F-D (12) goes.
    assert held == {("facility", "F-B"): THRESHOLD, ("facility", "F-C"): SECONDARY, ("facility", "F-D"): SECONDARY}
    withheld = {(w["table"], w["code"], w["column"]): w["value"] for w in release.withheld}
    assert withheld[("facility", "F-B", "persons_held")] == 3
    assert not attack(release)
    assert determined_cells(release) == []


@override_settings(PUBLIC_DISCLOSURE=NO_ROUNDING)
def test_small_estate_unrounded_nothing_recovered(estate):
    release = publish_now()
    assert release.rules["rounding_base"] == 1
    assert release.content["nation"]["persons_held"] == 50 + 3 + 40 + 12 + 30  # exact, unrounded
    assert not attack(release)
    assert determined_cells(release) == []


@override_settings(PUBLIC_DISCLOSURE=NO_ROUNDING)
def test_attack_finds_a_leak_when_secondary_suppression_is_missing(estate):
    """The attack is not vacuous: undo the secondary suppression of a release's content (unrounded) and
    it recovers the suppressed count (F-B's 3 = KZ-35 - F-A - F-C)."""
    release = publish_now()
    content = release.content
    facilities = {f["code"]: f for f in content["facilities"]}
    secondary = [s for s in release.suppressions if s["reason"] == SECONDARY and s["column"] == "persons_held"]
    assert secondary, release.suppressions
    for s in secondary:
        withheld = next(
            w["value"] for w in release.withheld if w["code"] == s["code"] and w["column"] == "persons_held"
        )
        area = (
            facilities[s["code"]]
            if s["table"] == "facility"
            else next(
                r for r in content[f"{s['table']}s" if s["table"] == "region" else "nation"] if r["code"] == s["code"]
            )
        )
        area["persons_held"], area["persons_held_suppressed"] = withheld, None
    leaks = attack(release)
    assert any("F-B" in leak and "recovered as 3" in leak for leak in leaks), leaks


def test_demo_release_resists_subtraction(demo_release):
    assert demo_release.suppressions  # the demo has small counts: the rules had work to do
    assert not attack(demo_release)
    assert determined_cells(demo_release) == []


def test_demo_release_unrounded_resists_subtraction(demo_release, settings):
    settings.PUBLIC_DISCLOSURE = NO_ROUNDING
    release = publish_now(note="unrounded")
    assert release.rules["rounding_base"] == 1
    assert not attack(release)
    assert determined_cells(release) == []
    no_raw_count_below_threshold(release)


def no_raw_count_below_threshold(release):
    """No person count 1..threshold-1 anywhere in the content (every key naming persons)."""
    threshold = release.rules["threshold"]
    small = [
        (path, value)
        for path, value in walk(release.content)
        if path.rsplit(".", 1)[-1].startswith("persons_")
        and not path.endswith("_suppressed")
        and isinstance(value, int)
        and not isinstance(value, bool)
        and 0 < value < threshold
    ]
    assert not small, small


def test_no_raw_count_below_threshold_in_content(demo_release, estate):
    no_raw_count_below_threshold(demo_release)
    no_raw_count_below_threshold(publish_now())
