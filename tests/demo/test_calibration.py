"""The demo's conversion history is calibrated to the published facts (data/kz_estate.json,
data/roadmap_targets.json), and its trends, forecast and regions at risk tell a plausible story."""

import datetime
import io
import re
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from demo.estate import build_dataset
from demo.history import history_dates
from demo.plan import PHASE_1_BLOCKS, RECONSTRUCTION_YEARS
from facilities.models import ConversionProject, ProgressUpdate, ResidentialBlock
from inspections.models import Finding, Inspection
from reporting import trends

D = datetime.date
# The compliance run's date (the latest real snapshot, from which the forecast projects), fixed so that the
# figures do not move with the day the tests run.
RUN_AT = datetime.datetime(2026, 12, 7, 6, 0, tzinfo=datetime.UTC)


def _converted_institutions(data, by: datetime.date) -> list[str]:
    """Codes of the institutions every block of which had its conversion completed on or before ``by``."""
    done = defaultdict(set)
    for p in data.projects:
        if p["status"] == "completed" and p["actual_end"] <= by:
            done[p["facility_code"]].add(p["block_name"])
    blocks = defaultdict(set)
    for b in data.blocks:
        blocks[b["facility_code"]].add(b["name"])
    return sorted(code for code, names in done.items() if names >= blocks[code])


def test_completed_conversions_follow_the_published_facts():
    data = build_dataset()
    # KUIS (2012): 7 institutions converted to cells; KUIS (2015-08-12): 8 reconstructed.
    assert RECONSTRUCTION_YEARS.count(2015) == 1
    assert len(_converted_institutions(data, D(2012, 12, 31))) == 7
    assert len(_converted_institutions(data, D(2015, 8, 12))) == 8
    assert _converted_institutions(data, D(2015, 8, 12)) == data.totals["reconstructed"]
    assert len(_converted_institutions(data, D(2009, 12, 31))) == 0
    completed = [p for p in data.projects if p["status"] == "completed"]
    # Blocks completed per year: 25 blocks of the 8 reconstructed institutions in 2010-2015, nothing in
    # 2016-2021, then the roadmap.
    assert sorted(Counter(p["actual_end"].year for p in completed).items()) == [
        (2010, 6),
        (2011, 7),
        (2012, 10),
        (2015, 2),
        (2022, 4),
        (2023, 5),
        (2024, 12),
        (2025, 15),
        (2026, 10),
    ]
    # Roadmap Phase 1: 12 cell blocks for 1,200 people planned by 2023 (acca.media, 2020): 12 blocks of 80 to
    # 120 single cells, 1,265 places, 9 of them finished by 2023-12-31 and 3 late, in 2024.
    phase_1 = [p for p in completed if p["roadmap_phase"] == "Phase 1 (2021-2023)"]
    assert len(phase_1) == PHASE_1_BLOCKS == 12
    assert all(p["planned_end"] <= D(2023, 12, 31) and 80 <= p["target_places"] <= 120 for p in phase_1)
    assert sum(p["target_places"] for p in phase_1) == 1265
    assert sum(p["actual_end"] <= D(2023, 12, 31) for p in phase_1) == 9
    # The Phase 1 colonies are generated ones, one per region.
    assert len({p["facility_code"][5:7] for p in phase_1}) == 12
    assert all(p["facility_code"].startswith("ДЕМО-") for p in phase_1)
    # Every state of the workflow is still present.
    assert {p["status"] for p in data.projects} == set(ConversionProject.Status.values)


def test_room_numbers_read_as_rooms():
    cells = build_dataset().cells
    numbers = [c["number"] for c in cells]
    assert not [n for n in numbers if re.fullmatch(r"(19|20)\d\d", n)]
    assert all(re.fullmatch(r"(\d-\d{2}|\d-\d{3}|S\d{3})", n) for n in numbers), {
        n for n in numbers if not re.fullmatch(r"(\d-\d{2}|\d-\d{3}|S\d{3})", n)
    }
    assert {"1-01", "1-101", "S101"} <= set(numbers)  # dormitory room, cell of floor 1, converted block's cell


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: RUN_AT)
    call_command("seed_demo", stdout=io.StringIO())
    assert timezone.localdate() == D(2026, 12, 7)


def test_forecast_and_regions_tell_a_plausible_story(seeded):
    result = trends.forecasts()
    nation = result["nation"]
    # Before the calibration (3 completed conversions, all in 2023) the forecast read 2380 (at risk, 0.1
    # point a year). Now: 16.6 % of persons in single cells at the window's start (2023-12-01: the 8
    # institutions reconstructed in 2010-2015 and 9 Phase 1 blocks), 34.5 % on 2026-12-07, 5.93 points a
    # year, so the 50 % target is reached on 2029-07-19: within the roadmap (target date 2029-12-31), on
    # track. Range derived: 15.5 points to go at 5.93 points a year is 2.6 years after 2026-12-07, i.e.
    # 2029; any rate between 5.2 and 7.8 points a year would still give 2029.
    assert (nation.start, nation.current, nation.rate_per_year) == (16.6, 34.5, 5.93)
    assert nation.state == "on_track" and nation.projected == D(2029, 7, 19)
    assert D(2029, 1, 1) <= nation.projected <= nation.deadline == D(2029, 12, 31)
    states = Counter(r.state for r in result["regions"])
    assert states == {"no_progress": 8, "reached": 5, "on_track": 5, "at_risk": 2}
    by_code = {r.code: r for r in result["regions"]}
    assert [code for code, r in by_code.items() if r.state == "on_track"] == [
        "KZ-19",
        "KZ-55",
        "KZ-59",
        "KZ-61",
        "KZ-75",
    ]
    assert [code for code, r in by_code.items() if r.state == "at_risk"] == ["KZ-10", "KZ-35"]  # Karaganda: 11
    # The history, yearly: 0.3 % before the first reconstruction (the single cells of pre-trial centres),
    # 13.0 % after the seventh (2013), 14.1 % after the eighth (2016), flat until the roadmap, then rising.
    points = trends.series()
    share = {p["date"]: p["share_in_single_cells"] for p in points if p["date"].month == 1}
    assert share == {
        D(2010, 1, 1): 0.3,
        D(2011, 1, 1): 3.6,
        D(2012, 1, 1): 7.4,
        **{D(year, 1, 1): 13.0 for year in (2013, 2014, 2015)},
        **{D(year, 1, 1): 14.1 for year in range(2016, 2023)},
        D(2023, 1, 1): 15.2,
        D(2024, 1, 1): 16.6,
        D(2025, 1, 1): 21.9,
        D(2026, 1, 1): 29.6,
    }
    assert points[0]["reconstructed"] and not points[-1]["reconstructed"]
    # Phase 1 target (12 blocks by 2023) counts the roadmap's conversions only, not those of 2010-2015.
    rows = {r["metric"]: r for r in trends.target_progress(nation.current, today=D(2026, 12, 7))}
    # 46 blocks since 2021 (12 in Phase 1, 34 in Phase 2), not the 71 of all time.
    assert rows["blocks_converted"]["value"] == 46.0 and rows["blocks_converted"]["state"] == "reached"
    assert ConversionProject.objects.filter(status="completed").count() == 71


def test_seeded_texts_are_in_three_languages(seeded, client):
    assert Finding.objects.filter(is_demo=True).count() > 0
    assert not Finding.objects.filter(is_demo=True, description_ru="").exists()
    assert not Finding.objects.filter(is_demo=True, description_kk="").exists()
    assert not Finding.objects.filter(is_demo=True, recommendation_ru="").exists()
    assert not Finding.objects.filter(is_demo=True, recommendation_kk="").exists()
    assert not Inspection.objects.filter(is_demo=True, summary_kk="").exists()
    assert not ProgressUpdate.objects.filter(is_demo=True, note_kk="").exists()
    assert not ResidentialBlock.objects.filter(is_demo=True, name_kk="").exists()
    block = ResidentialBlock.objects.filter(name="Cell block 2").order_by("pk").first()
    assert (block.name_ru, block.name_kk) == ("Камерный корпус 2", "2-камералық корпус")
    user = get_user_model().objects.get(username="prosecutor")
    client.force_login(user)
    client.cookies["django_language"] = "kk"
    page = client.get(f"/blocks/{block.pk}/").content.decode()
    assert "<h1>2-камералық корпус" in page and "<h1>Cell block 2" not in page
    client.cookies["django_language"] = "ru"
    assert "<h1>Камерный корпус 2" in client.get(f"/blocks/{block.pk}/").content.decode()
    finding = Finding.objects.filter(is_demo=True, rule__code="SMR-14").order_by("pk").first()
    client.cookies["django_language"] = "kk"
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert finding.description_kk in page and "Терезе ойықтарын үлкейту." in page
    # The API returns the translations beside the base field, read-only.
    client.cookies["django_language"] = "en"
    body = client.get(f"/api/v1/findings/{finding.pk}/").json()
    assert (body["description"], body["description_kk"]) == (finding.description, finding.description_kk)
    assert body["recommendation_ru"] == "Увеличить оконные проёмы."


def test_history_dates_reach_back_to_the_first_conversion():
    monthly = [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]
    assert history_dates(D(2026, 11, 29), 3) == monthly
    assert history_dates(D(2026, 11, 29), 3, since=D(2026, 9, 15)) == monthly  # inside the months: no years
    assert history_dates(D(2026, 11, 29), 3, since=D(2024, 5, 3)) == [
        D(2024, 1, 1),
        D(2025, 1, 1),
        D(2026, 1, 1),
        *monthly,
    ]
