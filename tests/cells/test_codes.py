"""One definition of a profile's status from its outcome letters (cells.compliance.codes), rendered in
Python, in SQL and as an ORM expression: the three agree on every combination of letters; and a run reads
the active rules once, whatever edits the rules meanwhile."""

import datetime
import itertools

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from cells.compliance import codes, evaluate
from cells.compliance.ruleset import read_active_rules
from cells.models import OutcomeLayout, StandardProfile, StandardRule
from cells.services import recalculate_compliance
from tests.cells.comparisons import state_and_full

DAY = datetime.date(2026, 11, 27)
COMBINATIONS = ["".join(c) for n in range(4) for c in itertools.product("PFU-", repeat=n)]


def test_python_status_follows_the_precedence():
    assert codes.status_of("") == codes.status_of("P-P") == "compliant"
    assert codes.status_of("PU-") == "unknown"
    assert codes.status_of("UFP") == codes.status_of("F") == "non_compliant"
    assert codes.status_of_outcomes(["pass", None, "unknown"]) == "unknown"


@pytest.mark.django_db
def test_sql_and_orm_statuses_agree_with_python_on_every_combination(standards):
    rows = [(letters, codes.status_sql("'" + letters + "'").sql) for letters in COMBINATIONS]
    sql = " UNION ALL ".join(f"SELECT '{letters}' AS letters, {status} AS status" for letters, status in rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, [])
        by_sql = dict(cursor.fetchall())
    by_orm = {
        letters: StandardProfile.objects.annotate(s=codes.status_case(Value(letters))).values_list("s", flat=True)[0]
        for letters in COMBINATIONS
    }
    expected = {letters: codes.status_of(letters) for letters in COMBINATIONS}
    assert by_sql == expected and by_orm == expected


@pytest.mark.django_db
def test_a_run_reads_the_active_rules_once(estate):
    recalculate_compliance(run_date=DAY)
    for kwargs in ({}, {"full": True}, {"facility_code": "A"}, {"facility_code": "A", "full": True}):
        with CaptureQueriesContext(connection) as run:
            recalculate_compliance(run_date=DAY, **kwargs)
        reads = [q["sql"] for q in run.captured_queries if 'FROM "cells_standardrule"' in q["sql"]]
        assert len(reads) == 1, kwargs
        assert not any("LOCK TABLE" in q["sql"] and "cells_standardrule" in q["sql"] for q in run.captured_queries)


@pytest.mark.django_db
def test_a_rule_edited_during_a_run_shows_in_the_next_run(estate, monkeypatch):
    """The run evaluates under the rule set it read; the edit (here between the rules' read and the
    evaluation) leaves its codes and their layout in agreement, and the next run evaluates the new rules."""
    recalculate_compliance(run_date=DAY)
    before = read_active_rules()
    evaluate_cells = evaluate.evaluate_cells

    def edit_then_evaluate(*args, **kwargs):
        StandardRule.objects.filter(code="CPT-2015-1").update(value=7.0)  # the estate's 6.50 m² now fails
        return evaluate_cells(*args, **kwargs)

    monkeypatch.setattr(evaluate, "evaluate_cells", edit_then_evaluate)
    run = recalculate_compliance(run_date=DAY, full=True)
    monkeypatch.undo()
    assert run.rules_version == before.version  # the rules it read, not the edited ones
    layout = OutcomeLayout.objects.get(version=before.codes_version)
    assert layout.profiles == before.layout_entries()
    after = recalculate_compliance(run_date=DAY)
    assert after.full and after.rules_version == read_active_rules().version != before.version
    state, full = state_and_full(DAY)
    assert state == full
