"""seed_demo: the dataset's figures equal its generator's totals; a second run changes nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from cells.compliance.outcomes import recorded_results
from cells.models import Cell, StandardProfile, StandardRule
from demo.estate import build_dataset
from facilities.models import ConversionProject, Facility, Region
from reporting.selectors import summary


@pytest.fixture
def seeded(db, capsys, monkeypatch):
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8137")  # as `PORT=8137 make demo`
    call_command("seed_demo")
    output = capsys.readouterr().out
    call_command("recalculate_compliance")
    capsys.readouterr()
    return output


def test_seeded_figures_match_the_generator(seeded):
    data = build_dataset()
    totals = data.totals
    figures = summary()
    assert figures["facilities"] == totals["facilities_in_operation"] == 78
    assert figures["population"] == totals["population"] == 37_000
    assert figures["places"] == sum(c["design_capacity"] for c in data.cells if c["status"] == "in_use")
    single = sum(
        c["occupancy"]
        for c in data.cells
        if c["status"] == "in_use" and c["accommodation_type"] == "single_occupancy_cell"
    )
    assert figures["persons_in_single_cells"] == single
    assert figures["demo_data"] and figures["cells"] == Cell.objects.in_use().count() > 0
    assert figures["figures_date"] is not None  # from the run's snapshots
    pre_trial = Facility.objects.in_operation().filter(kind="pre_trial_centre")
    assert pre_trial.count() == 16
    assert sum(Cell.objects.in_use().filter(block__facility__in=pre_trial).values_list("occupancy", flat=True)) == 5_000
    assert Facility.objects.in_operation().exclude(kind="pre_trial_centre").count() == 62
    by_region = {
        r.code: Facility.objects.in_operation().exclude(kind="pre_trial_centre").filter(region=r).count()
        for r in Region.objects.all()
    }
    assert by_region["KZ-35"] == 11 and by_region["KZ-63"] + by_region["KZ-10"] == 12
    assert max(by_region, key=by_region.get) == "KZ-35"
    assert Region.objects.count() == 20
    assert set(ConversionProject.objects.values_list("status", flat=True)) == set(ConversionProject.Status.values)
    assert Facility.objects.get(code="АК-159/7").status == "operating"
    assert Facility.objects.get(code="УК-161/4").status == "closed"
    assert not Facility.objects.filter(is_demo=False).exists() and not Cell.objects.filter(is_demo=False).exists()
    dorms = Cell.objects.in_use().filter(accommodation_type="dormitory")
    assert set(dorms.values_list("design_capacity", flat=True)) <= set(range(40, 81))
    assert len(totals["reconstructed"]) == 8
    reconstructed = Cell.objects.in_use().filter(block__facility__code__in=totals["reconstructed"])
    assert not reconstructed.exclude(accommodation_type="single_occupancy_cell").exists()
    assert not reconstructed.exclude(has_sanitary_annex=True).exists()
    assert StandardProfile.objects.count() == 5 and StandardRule.objects.count() == 16  # 6 + 2 + 3 + 4 + 1
    assert not StandardProfile.objects.get(code="KZ-PEC-2014").is_active
    assert len(recorded_results()) == figures["cells"] * 4


def test_second_seed_changes_nothing(seeded, capsys):
    facilities = list(Facility.objects.order_by("pk").values())
    history = Cell.history.count()
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "0 created, 0 updated" in output
    assert list(Facility.objects.order_by("pk").values()) == facilities
    assert Cell.history.count() == history


def test_demo_users_and_token(seeded):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"admin", "prosecutor", "editor", "reviewer", "api-client", "monitor"}
    assert users["admin"].is_superuser and not users["prosecutor"].is_staff
    assert (users["monitor"].staff_profile.mechanism, users["monitor"].groups.get().name) == ("npm", "Monitors")
    assert list(users["editor"].staff_profile.regions.values_list("code", flat=True)) == ["KZ-35"]
    assert users["prosecutor"].check_password("prosecutor-demo-2026")
    token = re.search(
        r"API client token \(shown once; expires in 90 days\): (rp_[0-9a-f]{64}) \(reads every region; writes headcounts in KZ-35\)\n",
        seeded,
    ).group(1)
    assert AuthToken.objects.get(user=users["api-client"]).token_key == token[:15]
    assert token not in str(list(AuthToken.objects.values_list()))  # only its digest is stored
    response = APIClient().get("/api/v1/summary/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert "prosecutor-demo-2026" in seeded
    # The printed token can try the API's write path: a headcount in KZ-35 (ETag, If-Match), none elsewhere.
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    cell = Cell.objects.in_use().filter(block__facility__region__code="KZ-35").order_by("pk").first()
    read = client.get(f"/api/v1/cells/{cell.pk}/")
    body = {"occupancy": cell.occupancy or 0, "occupancy_date": timezone.localdate().isoformat()}
    written = client.patch(f"/api/v1/cells/{cell.pk}/headcount/", body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert written.status_code == 200, written.json()
    stale = client.patch(f"/api/v1/cells/{cell.pk}/headcount/", body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    other = Cell.objects.in_use().exclude(block__facility__region__code="KZ-35").order_by("pk").first()
    assert client.patch(f"/api/v1/cells/{other.pk}/headcount/", body, format="json").status_code == 403


def test_the_example_request_names_the_demos_port(seeded):
    assert re.search(r"curl -H 'Authorization: Token \S+' http://127\.0\.0\.1:8137/api/v1/summary/", seeded)
