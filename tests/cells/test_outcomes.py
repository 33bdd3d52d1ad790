"""A cell's results read from its recorded outcome codes (cells.compliance.outcomes): under the rules of
its evaluation, never shown as current for rules changed since, and what counts as a change."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.db.models import F
from django.test import RequestFactory

from cells.compliance.outcomes import recorded_results, status_expression
from cells.models import Cell, OutcomeLayout, StandardProfile, StandardRule
from cells.selectors import AWAITING, NOT_EVALUATED, NOT_IN_USE, active_rules, cells_with_results, rule_outcomes
from cells.services import recalculate_compliance
from tests.factories import BlockFactory, CellFactory, FacilityFactory

DAY = datetime.date(2026, 11, 27)


def outcome(cell: Cell, code: str) -> str:
    """What the cell's page shows for the rule ``code``."""
    shown = cells_with_results(Cell.objects.filter(pk=cell.pk)).get()
    return next(o for o in rule_outcomes(shown, active_rules()) if o and o["rule"].code == code)["status"]


def api_view(api, cell: Cell, profile: str) -> tuple:
    data = api.get(f"/api/v1/cells/{cell.pk}/").json()
    return {r["profile"]: r["status"] for r in data["compliance"]}.get(profile), data["awaiting_evaluation"]


@pytest.fixture
def crowded(standards, regions):
    """A single-occupancy cell holding 3 persons in 6.6 m² (2.2 m² a person)."""
    return CellFactory(block=BlockFactory(facility=FacilityFactory(code="A")), number="1", occupancy=3)


def test_a_rule_that_now_applies_is_not_shown_as_passed(crowded, api):
    recalculate_compliance(run_date=DAY)
    assert api_view(api, crowded, "ICRC-2012") == ("compliant", False)
    rule = StandardRule.objects.get(code="ICRC-2012-2")  # >= 3.4 m² a person; not for single cells
    rule.applies_to = [*rule.applies_to, "single_occupancy_cell"]
    rule.save()
    assert outcome(crowded, "ICRC-2012-2") == AWAITING  # recorded "-": it was not evaluated
    assert outcome(crowded, "CPT-2015-1") == "pass"  # an unchanged rule keeps its outcome
    assert api_view(api, crowded, "ICRC-2012") == ("compliant", True)  # as recorded, awaiting evaluation
    recalculate_compliance(run_date=DAY)
    assert outcome(crowded, "ICRC-2012-2") == "fail"
    assert api_view(api, crowded, "ICRC-2012") == ("non_compliant", False)


def test_a_new_threshold_is_not_shown_beside_the_old_outcome(crowded, api):
    Cell.objects.filter(pk=crowded.pk).update(occupancy=1, living_space_m2=Decimal("6.20"))
    recalculate_compliance(run_date=DAY)
    assert outcome(crowded, "CPT-2015-1") == "pass"
    rule = StandardRule.objects.get(code="CPT-2015-1")
    rule.value = 6.5
    rule.save()
    assert outcome(crowded, "CPT-2015-1") == AWAITING
    assert api_view(api, crowded, "CPT-2015")[1] is True
    recalculate_compliance(run_date=DAY)
    assert outcome(crowded, "CPT-2015-1") == "fail" and api_view(api, crowded, "CPT-2015") == ("non_compliant", False)


def test_new_rules_that_move_no_outcome_change_no_result(estate):
    recalculate_compliance(run_date=DAY)
    before, results = dict(Cell.objects.values_list("pk", "outcomes_changed_at")), recorded_results()
    rule = StandardRule.objects.get(code="CPT-2015-1")
    rule.value = 5.9  # the estate's 5.5 m² still fails, 6.5 m² still passes
    rule.save()
    run = recalculate_compliance(run_date=DAY)
    assert run.full and run.cells_evaluated == 20
    assert recorded_results() == results
    assert run.results_written == 0 and dict(Cell.objects.values_list("pk", "outcomes_changed_at")) == before


def test_results_that_go_and_come_back_are_a_change(estate, api):
    recalculate_compliance(run_date=DAY)
    cell = Cell.objects.order_by("pk").first()
    first = Cell.objects.get(pk=cell.pk).outcomes_changed_at
    Cell.objects.filter(pk=cell.pk).update(status="decommissioned", occupancy=0)
    gone = recalculate_compliance(run_date=DAY)
    assert (gone.results_deleted, api.get(f"/api/v1/cells/{cell.pk}/").json()["compliance"]) == (1, [])
    left = Cell.objects.get(pk=cell.pk).outcomes_changed_at
    Cell.objects.filter(pk=cell.pk).update(status="in_use", occupancy=2)
    back = recalculate_compliance(run_date=DAY)
    assert back.results_written == 1 and len(api.get(f"/api/v1/cells/{cell.pk}/").json()["compliance"]) == 4
    assert first < left < Cell.objects.get(pk=cell.pk).outcomes_changed_at


def test_only_the_layout_in_use_is_kept(estate):
    """A run after the rules changed is full and estate-wide (even one asked for a facility), so every
    cell then holds codes under the current rules, and the older layouts go: the status filters have one
    branch."""
    recalculate_compliance(run_date=DAY)
    versions = []
    rule = StandardRule.objects.get(code="CPT-2015-1")
    for value in (6.5, 7.0):
        rule.value = value
        rule.save()
        run = recalculate_compliance(run_date=DAY, facility_code="A")
        assert run.full and run.facility is None and run.cells_evaluated == 20
        versions.append(run.rules_version[:12])
    assert list(OutcomeLayout.objects.values_list("version", flat=True)) == versions[-1:]
    profile = StandardProfile.objects.get(code="CPT-2015")
    assert len(status_expression(profile).cases) == 1
    assert len(recorded_results()) == 20 * 4


def test_iterating_in_chunks_reads_the_results_of_each(estate):
    recalculate_compliance(run_date=DAY)
    cells = list(cells_with_results(Cell.objects.order_by("pk")).iterator(chunk_size=7))
    assert len(cells) == 20 and all(len(c.active_results) == 4 for c in cells)
    assert [c.pk for c in cells] == list(Cell.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.parametrize("codes", [None, "", "#", "PP#", "garbage", "PPFF|P#000000000000", "%%%#%", "P" * 40])
def test_recorded_codes_that_make_no_sense_show_no_result(crowded, api, codes):
    recalculate_compliance(run_date=DAY)
    Cell.objects.filter(pk=crowded.pk).update(evaluated_outcomes=codes)
    response = api.get(f"/api/v1/cells/{crowded.pk}/")
    assert response.status_code == 200
    if (
        codes is None
        or "#" not in codes
        or codes.rsplit("#", 1)[1] not in OutcomeLayout.objects.values_list("version", flat=True)
    ):
        assert response.json()["compliance"] == []
        assert outcome(crowded, "CPT-2015-1") == NOT_EVALUATED


def test_layouts_are_read_only_in_the_admin(standards, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    layout_admin = site._registry[OutcomeLayout]
    assert not (
        layout_admin.has_add_permission(request)
        or layout_admin.has_change_permission(request)
        or layout_admin.has_delete_permission(request)
    )


def test_living_space_per_person_shows_two_decimal_places(standards, regions, browser):
    cell = CellFactory(
        block=BlockFactory(facility=FacilityFactory(code="A")),
        number="D",
        accommodation_type="dormitory",
        living_space_m2=Decimal("100.00"),
        design_capacity=40,
        occupancy=48,
    )  # 2.0833... m² a person: fails
    recalculate_compliance(run_date=DAY)
    page = browser.get(f"/blocks/{cell.block_id}/").content.decode()
    assert "2.08" in page and "2.0800" not in page and "2.0833" not in page


def test_pages_and_exports_tell_cells_awaiting_evaluation_and_not_in_use_apart(estate, browser):
    recalculate_compliance(run_date=DAY)
    awaiting, closed = Cell.objects.order_by("pk")[:2]
    Cell.objects.filter(pk=awaiting.pk).update(occupancy=F("occupancy") + 1)
    Cell.objects.filter(pk=closed.pk).update(status="decommissioned", occupancy=0)
    statuses = {
        o["status"]
        for c in [awaiting, closed]
        for o in rule_outcomes(cells_with_results(Cell.objects.filter(pk=c.pk)).get(), active_rules())
        if o
    }
    assert statuses == {AWAITING, NOT_IN_USE}
    page = browser.get(f"/blocks/{awaiting.block_id}/").content.decode()
    # one status column per profile (issue 18, item 3): the profile's status reads "awaiting the next run"
    assert 'data-status="awaiting"' in page and "awaiting the next run" in page
    response = browser.get(f"/blocks/{awaiting.block_id}/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    column = rows[0].index("Awaiting evaluation")
    flagged = {row[2] for row in rows[1:] if row[column] in ("yes", "True", "true", "1")}
    assert awaiting.number in flagged and closed.number not in flagged
