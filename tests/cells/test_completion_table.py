"""The completion form's pasted table: new cells of different sizes, one line per cell, tab or semicolon
separated (issue 18, item 5.4). The form reads the values (errors name the line and the column); the rules of
a new cell stay cells.services.complete_conversion's, whose errors are shown on the table with the line.

World A as in test_completion.py: the project's block "Dormitory" holds room D1 (10 persons), so a
completion moves those 10 persons into the new cells (the plan ``move-<D1>=10``)."""

from decimal import Decimal

import pytest

from cells.forms import CompletionForm
from cells.models import Cell, CertificationRequest
from facilities.models import ConversionProject
from tests.cells.test_completion import facility, page_data, snapshot

__all__ = ["facility"]
pytestmark = pytest.mark.django_db

HEADER = "Number\tLiving space\tAnnex\tPartitioned\tWalls\tCeiling\tLight"


def table_data(project, table, **changes):
    """The page's data with ``table`` instead of the count and design of one size."""
    data = page_data(project, table=table, **changes)
    for name in ("count", "living_space_m2"):
        data.pop(name)
    return data


def _project(world):
    return ConversionProject.objects.get(pk=world.a.project.pk)


def test_a_pasted_table_registers_cells_of_different_sizes(client, world, facility):
    client.force_login(world.users["editor_a"])
    project = _project(world)
    lines = [HEADER, "S-01\t6,6\tда\tда\t2,5\t3,0\tиә", "S-02\t8.25\tyes\tno\t\t2,8\t", ""]
    lines += [f"S-{n:02d}; 7,{n}; yes; yes" for n in range(3, 11)]  # semicolons, the last columns left out
    data = table_data(project, "\n".join(lines), persons_moved_in=10, plan="1", confirm="")
    data[f"move-{facility['D1']}"] = "10"
    response = client.post(f"/conversions/{project.pk}/complete/", data)
    assert response.status_code == 302, response.context["form"].errors
    drafts = Cell.objects.filter(block=project.block, status="draft").order_by("number")
    assert list(
        drafts.values_list(
            "number",
            "living_space_m2",
            "has_sanitary_annex",
            "sanitary_annex_partitioned",
            "min_wall_distance_m",
            "ceiling_height_m",
            "has_natural_light",
        )[:3]
    ) == [
        ("S-01", Decimal("6.60"), True, True, Decimal("2.50"), Decimal("3.00"), True),
        ("S-02", Decimal("8.25"), True, False, None, Decimal("2.80"), None),
        ("S-03", Decimal("7.30"), True, True, None, None, None),
    ]
    assert drafts.count() == 10 and drafts.last().living_space_m2 == Decimal("7.10")  # S-10: "7,10"
    request = CertificationRequest.objects.get()
    assert request.lines.filter(action="bring_into_use").count() == 10


def test_a_table_line_that_cannot_be_read_names_its_line_and_column(world, facility):
    project = _project(world)
    table = "\n".join(["S-01;6,6", "S-02;abc", "S-03;6,6;maybe", "S-04", "S-05;6;yes;yes;1;2;yes;extra"])
    form = CompletionForm(table_data(project, table), record=project)
    assert not form.is_valid()
    assert form.errors["table"] == [
        "Line 2, Living space (m², excluding the sanitary annex): 'abc' is not a number",
        "Line 3, In-cell sanitary annex: 'maybe' is not yes or no",
        "Line 4: give the cell number and its living space (m²).",
        "Line 5: 8 columns, at most 7.",
    ]
    assert "count" not in form.errors and "living_space_m2" not in form.errors


def test_the_services_rules_of_a_tables_cells_are_shown_with_their_line(client, world, facility):
    client.force_login(world.users["editor_a"])
    project = _project(world)
    before = snapshot(world)
    table = "\n".join([HEADER, "S-01\t6,6", "D1\t7", "S-01\t0"] + [f"S-{n:02d}\t7" for n in range(3, 10)])
    data = table_data(project, table, persons_moved_in=10, plan="1", confirm="")
    data[f"move-{facility['D1']}"] = "10"
    response = client.post(f"/conversions/{project.pk}/complete/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["table"] == [
        "Line 3, Cell number: Number D1 is already used in this block.",
        "Line 4, Cell number: Number S-01 is already used in this block.",
        "Line 4, Living space (m², excluding the sanitary annex): Ensure this value is greater than or equal to 0.01.",
    ]
    assert snapshot(world) == before  # nothing written


def test_without_a_table_the_count_and_the_living_space_are_needed(world, facility):
    project = _project(world)
    form = CompletionForm(table_data(project, ""), record=project)
    assert not form.is_valid()
    assert form.errors["count"] == ["This field is required."]
    assert form.errors["living_space_m2"] == ["This field is required."]
    assert "table" not in form.errors
    form = CompletionForm(table_data(project, "S-01;6,6\nS-02;7", persons_moved_in=3), record=project)
    assert not form.is_valid() and form.errors["persons_moved_in"] == ["At most one person per single cell."]


def test_a_first_line_with_a_cells_number_is_never_taken_for_the_column_names(world, facility):
    """Only a first line with no digit at all is skipped as the column names: a cell's line that cannot be
    read is an error with its line, never dropped (issue 18, bad-input trial)."""
    project = _project(world)
    form = CompletionForm(table_data(project, "S-01;шесть;да\nS-02;7,1"), record=project)
    assert not form.is_valid()
    assert form.errors["table"] == ["Line 1, Living space (m², excluding the sanitary annex): 'шесть' is not a number"]
    form = CompletionForm(table_data(project, "S-01;x\nS-02;y"), record=project)
    assert not form.is_valid()
    assert [e.split(":")[0] for e in form.errors["table"]] == [
        "Line 1, Living space (m², excluding the sanitary annex)",
        "Line 2, Living space (m², excluding the sanitary annex)",
    ]


def test_numbers_spaced_other_than_by_thousands_and_too_long_cell_numbers_are_refused(world, facility):
    project = _project(world)
    form = CompletionForm(table_data(project, f"S-05;1 2 3\n{'S' * 21};6,6"), record=project)
    assert not form.is_valid()
    assert form.errors["table"] == [
        "Line 1, Living space (m², excluding the sanitary annex): '1 2 3' is not a number",
        "Line 2, Cell number: Ensure this value has at most 20 characters (it has 21).",
    ]
    assert not Cell.objects.filter(number="S-05").exists()


def test_the_preview_lists_the_pasted_cells_before_anything_is_written(client, world, facility):
    """The movement plan's page shows what the confirmation will register (new-user trial: the editor
    confirmed blind); nothing is written by the preview."""
    client.force_login(world.users["editor_a"])
    project = _project(world)
    lines = [HEADER, "S-01\t6,6\tда\tда\t2,5\t3,0\tиә", "S-02\t8.25\tyes\tno\t\t2,8\t"]
    table = "\n".join(lines + [f"S-{n:02d}; 7,{n}; yes; yes" for n in range(3, 11)])  # D1's 10 persons move in
    response = client.post(
        f"/conversions/{project.pk}/complete/", table_data(project, table, persons_moved_in=10, preview="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The confirmation registers 10 new cells as drafts:" in page
    assert (
        '<tr><th scope="row">S-01</th><td class="num">6.60</td><td>yes</td><td>yes</td><td class="num">2.50</td>'
        in page
    )
    assert '<tr><th scope="row">S-02</th><td class="num">8.25</td><td>yes</td><td>no</td><td class="num">—</td>' in page
    assert not Cell.objects.filter(block=project.block, status="draft").exists()
