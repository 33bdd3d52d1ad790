"""A second seed_demo keeps the institutions where users wrote rows, wholly and consistently, and names them;
``--reset`` regenerates the whole demo estate; every demo institution has its baseline cell certificate."""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from cells import certification
from cells.certification import approve
from cells.models import Cell, CellCertificate, CertificationRequest, Movement
from cells.movements import move_persons, propose_plan
from cells.services import complete_conversion, save_cell
from demo.estate import build_dataset
from demo.plan import CERTIFIED_STATUSES
from facilities.models import ConversionProject, Facility, Region, StaffProfile
from facilities.services import update_project

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _figures() -> dict[str, tuple[int, int]]:
    """(persons, places) in the cells in use of every institution, by code."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, persons, places in Cell.objects.in_use().values_list(
        "block__facility__code", "occupancy", "design_capacity"
    ):
        sums[code][0] += persons or 0
        sums[code][1] += places or 0
    return {code: (p, c) for code, (p, c) in sums.items()}


def _by_region(figures) -> dict[str, tuple[int, int]]:
    region = dict(Facility.objects.values_list("code", "region__code"))
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, (persons, places) in figures.items():
        sums[region[code]][0] += persons
        sums[region[code]][1] += places
    return {code: tuple(v) for code, v in sums.items()}


def _generated() -> dict[str, tuple[int, int]]:
    """The generator's (persons, places) per institution, without the database."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cell in build_dataset().cells:
        if cell["status"] == "in_use":
            sums[cell["facility_code"]][0] += cell["occupancy"]
            sums[cell["facility_code"]][1] += cell["design_capacity"]
    return {code: tuple(v) for code, v in sums.items()}


def _user(username, group, region):
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    StaffProfile.objects.get_or_create(user=user)[0].regions.add(region)
    return user


def _complete(project, persons=20):
    """Complete ``project`` as an editor of its region with 25 new single cells, ``persons`` of them filled
    by the proposed movement plan (from the facility's other dormitories), and have a reviewer of the region
    approve its certification request."""
    editor = _user(f"editor_{project.pk}", "Ministry editors", project.block.facility.region)
    reviewer = _user(f"reviewer_{project.pk}", "Certification reviewers", project.block.facility.region)
    today = timezone.localdate()
    numbers = [f"N{n:03d}" for n in range(persons)] + [f"E{n:03d}" for n in range(5)]
    plan = propose_plan(block=project.block, persons=persons, new_cells=numbers)
    request = complete_conversion(
        user=editor,
        project=project,
        version=project.version,
        date=today,
        actual_end=today,
        budget_spent_kzt=project.budget_planned_kzt,
        cells=[{"number": number, "living_space_m2": Decimal("6.60")} for number in numbers],
        movement_plan=plan,
    )
    approve(user=reviewer, request=request)
    return editor


def test_reseed_keeps_what_users_wrote_and_names_it():
    _seed()
    generated = _figures()
    assert generated == _generated()
    completed = ConversionProject.objects.filter(status="commissioning").order_by("pk").first()
    planned = (
        ConversionProject.objects.filter(status="planned")
        .exclude(block__facility=completed.block.facility)
        .order_by("pk")
        .first()
    )
    _complete(completed)
    planner = _user("planner", "Ministry editors", planned.block.facility.region)
    update_project(user=planner, project=planned, data={"contractor": "A new contractor"}, version=planned.version)
    # A new cell registered by a user in a third institution: a draft (counted nowhere until certified).
    third = (
        Facility.objects.filter(kind="pre_trial_centre")
        .exclude(pk__in=[completed.block.facility_id, planned.block.facility_id])
        .order_by("code")
        .first()
    )
    block = third.blocks.order_by("name").first()
    registrar = _user("registrar", "Ministry editors", third.region)
    save_cell(
        user=registrar,
        data={
            "block": block,
            "number": "U1",
            "accommodation_type": "multiple_occupancy_cell",
            "living_space_m2": Decimal("12.00"),
            "design_capacity": 3,
        },
    )
    # Drift of a generated row by no user (no version, no history user): seed_demo puts it back.
    drifted = Cell.objects.in_use().filter(block__facility__code="ДЕМО-СИЗО-15").order_by("pk").first()
    assert drifted.block.facility_id not in {completed.block.facility_id, planned.block.facility_id, third.pk}
    Cell.objects.filter(pk=drifted.pk).update(occupancy=F("occupancy") + 7)
    changed = _figures()
    c_code, t_code = completed.block.facility.code, third.code
    # The completion moved 20 persons into new cells (persons conserved, 25 places instead of the rooms').
    assert changed[c_code][0] == generated[c_code][0] and changed[c_code][1] == generated[c_code][1] + 25
    assert changed[t_code] == generated[t_code]

    output = _seed()

    after = _figures()
    for code in generated:
        expected = changed[code] if code in (c_code, t_code, planned.block.facility.code) else generated[code]
        assert after[code] == expected, code
    assert after["ДЕМО-СИЗО-15"] == generated["ДЕМО-СИЗО-15"]  # the drift is undone
    assert _by_region(after) == _by_region(changed | {"ДЕМО-СИЗО-15": generated["ДЕМО-СИЗО-15"]})
    completed.refresh_from_db()
    planned.refresh_from_db()
    assert (completed.status, completed.percent_complete, completed.block.accommodation_type) == (
        "completed",
        Decimal(100),
        "cell",
    )
    assert planned.contractor == "A new contractor"
    assert Cell.objects.filter(block=completed.block, is_demo=False).count() == 25
    assert Cell.objects.filter(block=block, number="U1", is_demo=False).exists()
    heading = (
        "Kept as users left them, with everything in them (3 demo institutions where users created or "
        "changed rows; seed_demo --reset regenerates them):\n"
    )
    kept = output.split(heading)[1].splitlines()[:3]
    # By code (a known institution's code may hold a space: "No. 34").
    codes = [c_code, planned.block.facility.code, t_code]
    lines = {code: line for line in kept for code in codes if line.startswith(f"  {code} ")}
    facility = completed.block.facility
    changed_cells = Cell.objects.filter(block__facility=facility, is_demo=True, version__gt=1)
    blocks = sorted({completed.block.name, *changed_cells.values_list("block__name", flat=True)})
    # The block's rooms decommissioned (version raised) and the dormitories the 20 persons came from.
    assert set(Cell.objects.filter(block=completed.block, is_demo=True).values_list("status", flat=True)) == {
        "decommissioned"
    }
    assert lines[c_code] == (
        f"  {c_code} {facility.name_en} - created: cell certificates 1, cells 25, certification requests 1, "
        "movements 20, progress updates 1; "
        f"changed: blocks 1, cells {changed_cells.count()}, projects 1; "
        f"projects: {completed.block.name} (completed); blocks: {', '.join(blocks)}"
    )
    assert lines[planned.block.facility.code] == (
        f"  {planned.block.facility.code} {planned.block.facility.name_en} - changed: projects 1; "
        f"projects: {planned.block.name} (planned); blocks: {planned.block.name}"
    )
    assert lines[t_code] == f"  {t_code} {third.name_en} - created: cells 1; blocks: {block.name}"
    # A third run: the same three are kept, nothing else is written.
    again = _seed()
    assert heading in again and "0 created, 0 updated" in again
    assert _figures() == after


def test_reset_regenerates_the_whole_demo_estate():
    _seed()
    generated = _figures()
    project = ConversionProject.objects.filter(status="commissioning").order_by("-pk").first()
    _complete(project, persons=10)
    facility = project.block.facility
    editor = get_user_model().objects.get(username=f"editor_{project.pk}")
    reviewer = _user("reviewer_x", "Certification reviewers", facility.region)
    # A certification request approved (certificate version 3, after the completion's 2), and a movement of persons.
    dorm = Cell.objects.in_use().filter(block__facility=facility, accommodation_type="dormitory").order_by("pk")
    first, second = dorm[0], dorm[1]
    request = certification.open_request(
        user=editor,
        facility=facility,
        reason="fewer places",
        lines=[{"cell": first, "action": "change", "certified_capacity": first.design_capacity - 1}],
    )
    certificate = certification.approve(user=reviewer, request=request)
    assert certificate.number == 3
    move_persons(
        user=editor,
        moves=[{"from_cell": first.pk, "to_cell": second.pk, "persons": 1}],
        date=timezone.localdate(),
        reason="a test",
    )
    assert Movement.objects.count() == 10 + 1 and _figures() != generated
    changed_cells = Cell.objects.filter(block__facility=facility, is_demo=True, version__gt=1)
    blocks = sorted({project.block.name, *changed_cells.values_list("block__name", flat=True)})
    line = (
        f"    {facility.code} {facility.name_en} - created: cell certificates 2, cells 15, "
        "certification requests 2, movements 11, progress updates 1; "
        f"changed: blocks 1, cells {changed_cells.count()}, projects 1; "
        f"projects: {project.block.name} (completed); blocks: {', '.join(blocks)}\n"
    )

    output = _seed("--reset")

    assert _figures() == generated == _generated()
    assert not Cell.objects.filter(is_demo=False).exists()
    assert (CertificationRequest.objects.count(), Movement.objects.count()) == (0, 0)
    assert set(CellCertificate.objects.values_list("number", flat=True)) == {1}
    assert CellCertificate.objects.count() == Facility.objects.exclude(status="planned").count() == 81
    assert Facility.objects.filter(status="planned").count() == 4  # the announced new institutions: no cells yet
    regenerated = ConversionProject.objects.get(block__facility__code=facility.code, block__name=project.block.name)
    assert regenerated.status == "commissioning" and regenerated.block.accommodation_type == "dormitory"
    cells = Cell.objects.count()
    assert "Reset: removed the whole demo estate, " in output
    assert f"{cells + 10 + 5} cells" in output  # the generated ones and the 15 users registered
    assert "11 movements of persons" in output and "2 certification requests" in output
    assert "83 cell certificates" in output  # 81 baselines and version 2
    assert "including the rows users wrote in these demo institutions (1):" in output
    assert line in output
    assert "Kept: no demo rows written by users; every demo institution is as generated." in output
    assert (
        "Cell certificates: baseline (version 1) issued for 81 demo institutions; 0 already had a certificate."
        in output
    )
    assert "0 updated" in _seed() and CellCertificate.objects.count() == 81


def test_baseline_certificates_and_certified_capacity():
    output = _seed()
    assert (
        "Cell certificates: baseline (version 1) issued for 81 demo institutions; 0 already had a certificate."
        in output
    )
    assert set(CERTIFIED_STATUSES) == set(Cell.CERTIFIED_STATUSES)
    certified = Cell.objects.filter(status__in=Cell.CERTIFIED_STATUSES)
    assert not certified.exclude(certified_capacity=F("design_capacity")).exists()
    assert not Cell.objects.exclude(status__in=Cell.CERTIFIED_STATUSES).exclude(certified_capacity=None).exists()
    for facility in Facility.objects.exclude(status="planned"):  # a planned institution has no cells yet
        (certificate,) = facility.cell_certificates.all()
        assert (certificate.number, certificate.is_baseline, certificate.is_demo, certificate.approved_by) == (
            1,
            True,
            True,
            None,
        )
        totals = certification.capacity_totals(Cell.objects.filter(block__facility=facility))
        assert certificate.places_certified == certificate.places_design == totals["places_design"]
        assert certificate.lines.count() == totals["cells"]
    assert (
        "Cell certificates: baseline (version 1) issued for 0 demo institutions; 81 already had a certificate."
        in _seed()
    )
    assert CellCertificate.objects.count() == 81
    reviewer = get_user_model().objects.get(username="reviewer")
    assert reviewer.check_password("reviewer-demo-2026")
    assert list(reviewer.groups.values_list("name", flat=True)) == ["Certification reviewers"]
    assert list(reviewer.staff_profile.regions.values_list("code", flat=True)) == ["KZ-35"]
    assert reviewer.has_perm("cells.view_cellcertificate") and not reviewer.is_staff
    assert "  reviewer    password reviewer-demo-2026       Certification reviewers, regions KZ-35" in output
    assert Region.objects.count() == 20
