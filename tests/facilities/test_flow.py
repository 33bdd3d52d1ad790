"""The conversion flow (facilities.flow), defined once: the service, the progress form and the demo
generator follow it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from demo.estate import build_dataset
from facilities import flow, services
from facilities.forms import ProgressForm

S = flow.Status


def test_the_flow():
    assert flow.allowed_transitions(S.PLANNED) == [S.DESIGN, S.SUSPENDED, S.CANCELLED]
    assert flow.allowed_transitions(S.COMMISSIONING) == [S.COMPLETED, S.SUSPENDED, S.CANCELLED]
    assert flow.allowed_transitions(S.SUSPENDED, S.PROCUREMENT) == [S.PROCUREMENT, S.CANCELLED]
    assert flow.allowed_transitions(S.COMPLETED) == flow.allowed_transitions(S.CANCELLED) == []
    assert flow.may_move(S.DESIGN, S.DESIGN) and not flow.may_move(S.DESIGN, S.CONSTRUCTION)
    assert not flow.may_move(S.SUSPENDED, S.CONSTRUCTION, S.PROCUREMENT)
    assert flow.before_suspension_after(S.CONSTRUCTION, S.SUSPENDED, "") == S.CONSTRUCTION
    assert flow.before_suspension_after(S.SUSPENDED, S.SUSPENDED, S.CONSTRUCTION) == S.CONSTRUCTION
    assert flow.before_suspension_after(S.SUSPENDED, S.CONSTRUCTION, S.CONSTRUCTION) == ""


def test_service_and_form_follow_the_flow(world):
    project, editor = world.a.project, world.users["editor_a"]  # in construction
    form = ProgressForm(project=project)
    assert [value for value, _label in form.fields["status"].choices] == [
        S.CONSTRUCTION,
        S.COMMISSIONING,
        S.SUSPENDED,
        S.CANCELLED,
    ]
    common = {"percent_complete": Decimal(60), "budget_spent_kzt": Decimal(600000), "user": editor}
    with pytest.raises(ValidationError) as refused:
        services.record_progress(project=project, version=1, date=timezone.localdate(), status=S.DESIGN, **common)
    assert "Allowed: commissioning, suspended, cancelled." in refused.value.message_dict["status"][0]
    services.record_progress(project=project, version=1, date=timezone.localdate(), status=S.SUSPENDED, **common)
    project.refresh_from_db()
    assert (project.status, project.status_before_suspension) == (S.SUSPENDED, S.CONSTRUCTION)
    choices = [value for value, _label in ProgressForm(project=project).fields["status"].choices]
    assert choices == [S.SUSPENDED, S.CONSTRUCTION, S.CANCELLED]


def test_the_demo_generator_follows_the_flow():
    data = build_dataset()
    by_project: dict = {}
    for update in sorted(data.updates, key=lambda u: u["date"]):
        by_project.setdefault((update["facility_code"], update["block_name"]), []).append(update["status"])
    projects = {(p["facility_code"], p["block_name"]): p for p in data.projects}
    assert by_project and set(by_project) <= set(projects)
    for key, steps in by_project.items():
        before = ""
        for current, new in zip(steps, steps[1:]):
            assert flow.may_move(current, new, before), (key, steps)
            before = flow.before_suspension_after(current, new, before)
        assert steps[-1] == projects[key]["status"], (key, steps)
        assert before == projects[key]["status_before_suspension"], key
