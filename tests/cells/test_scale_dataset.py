"""The benchmark's synthetic estate (``generate_scale_dataset``): its facilities come in several
compatibility classes and carry place-of-residence counts that sum to the persons held in their cells in
use, so that the placement planner (issue 19, item 6) has a national problem to solve. PostgreSQL only
(the generator writes with ``generate_series``)."""

import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from cells.management.commands.generate_scale_dataset import (
    CLASS_MIX,
    COUNT_DATE,
    PRE_TRIAL_CLASS,
    delete_scale_rows,
    generate,
    split_total,
)
from cells.models import Cell
from facilities.models import Facility, Region, ResidencePopulation
from reporting.placement import Options, class_code, load_inputs, solve
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db]

SEED = 20261129


def snapshot():
    """({facility code: class}, {(facility code, home region code): persons}) of the SCALE- estate."""
    classes = {
        code: (kind, level, category)
        for code, kind, level, category in Facility.objects.filter(code__startswith="SCALE-").values_list(
            "code", "kind", "security_level", "category"
        )
    }
    counts = {
        (code, home): persons
        for code, home, persons in ResidencePopulation.objects.filter(facility__code__startswith="SCALE-").values_list(
            "facility__code", "home_region__code", "persons"
        )
    }
    return classes, counts


def test_residence_counts_sum_to_the_persons_held_in_the_cells_in_use(regions):
    result = generate(60, 2, 10, SEED)
    assert (result["facilities"], result["blocks"], result["cells"]) == (60, 120, 1200)
    held = dict(
        Cell.objects.filter(block__facility__code__startswith="SCALE-", status=Cell.Status.IN_USE)
        .values_list("block__facility__code")
        .annotate(n=Sum("occupancy"))
        .values_list("block__facility__code", "n")
    )
    counted = dict(
        ResidencePopulation.objects.values_list("facility__code")
        .annotate(n=Sum("persons"))
        .values_list("facility__code", "n")
    )
    assert len(held) == 60
    assert counted == held
    assert ResidencePopulation.objects.count() == result["residence_counts"]
    assert set(ResidencePopulation.objects.values_list("date", "is_demo")) == {(COUNT_DATE, True)}
    # Most persons are from the facility's own region (at least 45 %, as in the demo), the rest from
    # other regions: nationally, persons of every region are held outside it.
    region_of = dict(Facility.objects.values_list("code", "region__code"))
    own = defaultdict(int)
    away_from = set()
    for (code, home), persons in snapshot()[1].items():
        if home == region_of[code]:
            own[code] += persons
        else:
            away_from.add(home)
    for code, persons in held.items():
        assert own[code] >= 0.45 * persons - 1
    assert 0.45 < sum(own.values()) / sum(held.values()) < 0.9
    assert away_from == set(Region.objects.values_list("code", flat=True))
    # The plan's inputs: every person held is of known home.
    inputs = load_inputs(Options(date=COUNT_DATE))
    assert {site.unknown for site in inputs.sites.values()} == {0}


def test_facilities_come_in_several_classes_with_pre_trial_centres_as_in_the_demo(regions):
    generate(60, 1, 4, SEED)
    classes = Counter(snapshot()[0].values())
    assert set(classes) <= {PRE_TRIAL_CLASS, *(klass for klass, _weight in CLASS_MIX)}
    assert len(classes) >= 6
    assert classes[("colony", "medium", "men")] == max(classes.values())
    assert 0 < classes[PRE_TRIAL_CLASS] < 20
    # Facilities are spread over the 20 regions in turn (3 each), whatever their class.
    assert set(Counter(Facility.objects.values_list("region__code", flat=True)).values()) == {3}
    # The planner sees those classes (pre-trial centres are not planned) and has persons to move.
    inputs = load_inputs(Options(date=COUNT_DATE))
    planned = Counter(site.klass for site in inputs.sites.values())
    assert planned == Counter(class_code(*k) for k in classes.elements() if k != PRE_TRIAL_CLASS)
    plan = solve(inputs)
    assert plan.solver["method"] == "network LP"
    assert plan.solver["facilities"] == 60 - classes[PRE_TRIAL_CLASS]
    assert plan.persons_moved > 0


def generated(seed):
    """snapshot() of a 30-facility estate generated with ``seed`` and rolled back (a savepoint): each
    generation starts from the same empty database."""
    with transaction.atomic():
        generate(30, 1, 5, seed)
        rows = snapshot()
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_gives_the_same_estate_and_another_seed_another(regions):
    first = generated(SEED)
    assert len(first[0]) == 30 and sum(first[1].values()) > 0
    assert generated(SEED) == first
    other = generated(7)
    assert other[0] != first[0] and other[1] != first[1]


def test_replace_deletes_the_residence_counts_with_the_facilities(regions):
    generate(10, 1, 5, SEED)
    out = StringIO()
    call_command(
        "generate_scale_dataset",
        *("--facilities", "12", "--blocks-per-facility", "1", "--cells-per-block", "5", "--replace"),
        stdout=out,
    )
    said = re.fullmatch(
        r"12 facilities, 12 blocks, 60 cells, (\d+) place-of-residence counts in [\d.]+ s "
        r"\(generated data, codes SCALE-\*\)\.\n",
        out.getvalue(),
    )
    assert said and int(said.group(1)) == ResidencePopulation.objects.count() > 12
    assert Facility.objects.count() == 12
    assert set(ResidencePopulation.objects.values_list("facility__code", flat=True)) <= set(
        Facility.objects.values_list("code", flat=True)
    )
    delete_scale_rows()
    assert not ResidencePopulation.objects.exists() and not Facility.objects.exists()


def test_split_total_gives_integers_summing_to_the_total_in_proportion():
    import random

    assert split_total(random.Random(1), [1.0, 1.0, 2.0], 8) == [2, 2, 4]
    parts = split_total(random.Random(1), [0.3, 0.3, 0.4], 10)
    assert sum(parts) == 10 and parts[2] == 4 and sorted(parts[:2]) == [3, 3]
    parts = split_total(random.Random(1), [1.0, 1.0, 1.0], 10)
    assert sorted(parts) == [3, 3, 4]
    assert split_total(random.Random(1), [1.0, 2.0], 0) == [0, 0]
