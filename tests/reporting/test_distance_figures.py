"""Distance from home on the residence and region pages, and places needed and new institutions by region
(issue 19, items 4 and 5): exact figures on a hand-built estate of three regions whose centres the test sets.

The centres lie on the equator (A at 0°, C at 2°, B at 10° east), where the great circle between two of
them is the equator itself: its length is R × Δλ (radians), computed here without the haversine. A facility
with its own coordinates (1° N, 1° E) is measured by the spherical law of cosines. R is the mean Earth
radius of reporting.distance (6,371.0088 km, IUGG)."""

import csv
import datetime
import io
import math
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from facilities.models import Region
from reporting import selectors
from tests.conftest import make_user
from tests.factories import (
    BlockFactory,
    CellFactory,
    FacilityFactory,
    ResidencePopulationFactory,
    RoadmapTargetFactory,
)

R = 6371.0088


def along_equator(lon1: float, lon2: float) -> float:
    """km between two points on the equator: the arc R × Δλ."""
    return R * math.radians(abs(lon2 - lon1))


def law_of_cosines(a, b) -> float:
    """km between (lat, lon) points by the spherical law of cosines (not the haversine the portal uses)."""
    (p1, l1), (p2, l2) = [tuple(map(math.radians, p)) for p in (a, b)]
    return R * math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l2 - l1))


D_AB = along_equator(0, 10)  # 1,112.0 km: over 500
D_AC = along_equator(0, 2)  # 222.4 km
D_BC = along_equator(2, 10)  # 889.6 km: over 500
D2_A = law_of_cosines((1, 1), (0, 0))  # the pre-trial centre in A, at its own coordinates: 157.2 km
D2_B = law_of_cosines((1, 1), (0, 10))  # 1,006.9 km: over 500


def mean(*pairs, persons):
    return round(sum(n * km for n, km in pairs) / persons, 1)


# The expected figures, from the estate below.
HOST_A = {
    "held": 90,
    "from_home": 45,
    "over": 35,
    "mean": mean((30, D_AB), (10, D_AC), (5, D2_A), (5, D2_B), persons=90),
}
HOST_B = {"held": 20, "from_home": 20, "over": 0, "mean": 0.0}
HOST_C = {"held": 12, "from_home": 8, "over": 4, "mean": mean((4, D_BC), persons=12)}
SENDER_A = {"residents": 45, "elsewhere": 0, "over": 0, "mean": mean((5, D2_A), persons=45)}
SENDER_B = {"residents": 59, "elsewhere": 39, "over": 39, "mean": mean((30, D_AB), (5, D2_B), (4, D_BC), persons=59)}
SENDER_C = {"residents": 18, "elsewhere": 10, "over": 0, "mean": mean((10, D_AC), persons=18)}
NATION = {
    "persons": 122,
    "over": 39,
    "mean": mean((30, D_AB), (10, D_AC), (5, D2_A), (5, D2_B), (4, D_BC), persons=122),
}


def en(value: float) -> str:
    """A figure as the page writes it in English (num:1)."""
    return f"{value:,.1f}"


@pytest.fixture
def estate(standards, regions):
    """A = KZ-35 (centre 0°, 0°), B = KZ-10 (0°, 10°), C = KZ-75 (0°, 2°).

    Persons by home region (the latest counts, a month ago; an older count of A-1 is superseded):
    A-1 (colony, medium, men; no coordinates: at A's centre) holds A 40, B 30, C 10; A-PT (pre-trial
    centre at 1° N, 1° E) holds A 5, B 5; B-1 (colony, medium, men, 30 places, 20 held) holds B 20; C-1
    (colony, maximum, men) holds C 8, B 4; C-OLD (closed) holds C 100, left out.
    """
    today = timezone.localdate()
    centres = {"KZ-35": (0, 0), "KZ-10": (0, 10), "KZ-75": (0, 2)}
    for code, (lat, lon) in centres.items():
        Region.objects.filter(code=code).update(centre_latitude=lat, centre_longitude=lon)
    a, b, c = (Region.objects.get(code=code) for code in centres)
    a1 = FacilityFactory(code="A-1", region=a, year_built=2022)
    a_pt = FacilityFactory(code="A-PT", region=a, kind="pre_trial_centre", security_level="", latitude=1, longitude=1)
    b1 = FacilityFactory(code="B-1", region=b, year_built=2015)
    FacilityFactory(code="B-2", region=b, year_built=2021)  # new, holds nobody yet
    c1 = FacilityFactory(code="C-1", region=c, security_level="maximum")
    c_old = FacilityFactory(code="C-OLD", region=c, status="closed", year_built=2023)
    FacilityFactory(code="B-NEW", region=b, status="planned", design_capacity=500, year_built=2027)
    FacilityFactory(code="B-NEW2", region=b, status="planned")
    block = BlockFactory(facility=b1)
    for number in ("1", "2"):
        CellFactory(block=block, number=number, accommodation_type="dormitory", design_capacity=15, occupancy=10)
    month_ago, year_ago = today - datetime.timedelta(days=30), today - datetime.timedelta(days=400)
    counts = [
        (a1, a, 40),
        (a1, b, 30),
        (a1, c, 10),
        (a_pt, a, 5),
        (a_pt, b, 5),
        (b1, b, 20),
        (c1, c, 8),
        (c1, b, 4),
        (c_old, c, 100),
    ]
    for facility, home, persons in counts:
        ResidencePopulationFactory(facility=facility, home_region=home, date=month_ago, persons=persons)
    ResidencePopulationFactory(facility=a1, home_region=b, date=year_ago, persons=999)  # superseded
    RoadmapTargetFactory(metric="new_institutions", value=20, target_date=today + datetime.timedelta(days=1000))
    RoadmapTargetFactory(metric="new_institutions", value=4, target_date=today - datetime.timedelta(days=300))
    RoadmapTargetFactory(
        metric="new_institutions", value=2, target_date=today + datetime.timedelta(days=900), region=b, verified=True
    )
    RoadmapTargetFactory(metric="new_institutions", value=1, target_date=today - datetime.timedelta(days=100), region=b)
    return {"A": a, "B": b, "C": c, "today": today}


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_reference_distances():
    """The reference formulas agree with each other (so the expected figures do not hang on one of them), and
    the estate's distances sit on the side of 500 km the test needs."""
    assert law_of_cosines((0, 0), (0, 10)) == pytest.approx(D_AB, abs=1e-6)
    assert round(D_AB, 1) == 1112.0 and round(D_AC, 1) == 222.4 and round(D_BC, 1) == 889.6
    assert round(D2_A, 1) == 157.2 and round(D2_B, 1) == 1006.9


def test_residence_selector_distance_per_host_home_and_nation(estate):
    figures = selectors.residence()
    assert (figures["persons"], figures["persons_over_500_km"], figures["mean_km_from_home"]) == (
        NATION["persons"],
        NATION["over"],
        NATION["mean"],
    )
    assert figures["persons_with_distance"] == 122
    hosts = {h["code"]: h for h in figures["hosts"]}
    for code, expected in (("KZ-35", HOST_A), ("KZ-10", HOST_B), ("KZ-75", HOST_C)):
        host = hosts[code]
        assert (host["held"], host["from_home"], host["persons_over_500_km"], host["mean_km_from_home"]) == (
            expected["held"],
            expected["from_home"],
            expected["over"],
            expected["mean"],
        ), code
    senders = {s["code"]: s for s in figures["senders"]}
    for code, expected in (("KZ-35", SENDER_A), ("KZ-10", SENDER_B), ("KZ-75", SENDER_C)):
        sender = senders[code]
        assert (
            sender["residents"],
            sender["held_elsewhere"],
            sender["persons_over_500_km"],
            sender["mean_km_from_home"],
        ) == (expected["residents"], expected["elsewhere"], expected["over"], expected["mean"]), code
    assert figures["centres"]["regions"] == 20 and figures["centres"]["verified"] == 0


def test_a_region_without_a_centre_leaves_its_persons_out_of_the_mean(estate):
    """C's centre unknown: C-1 has no coordinates of its own, so none of its 12 persons has a distance, nor
    the 10 residents of C held in A; they still count as persons."""
    Region.objects.filter(code="KZ-75").update(centre_latitude=None)
    figures = selectors.residence()
    assert figures["persons"] == 122 and figures["persons_with_distance"] == 100
    assert figures["persons_over_500_km"] == 35
    assert figures["mean_km_from_home"] == mean((30, D_AB), (5, D2_A), (5, D2_B), persons=100)
    assert figures["centres"]["missing"] == ["KZ-75"]
    host_c = next(h for h in figures["hosts"] if h["code"] == "KZ-75")
    assert (host_c["persons_with_distance"], host_c["mean_km_from_home"]) == (0, None)


def test_residence_page_tiles_tables_and_method(browser, estate):
    page = browser.get("/residence/").content.decode().replace("&#x27;", "'")
    assert f'data-figure="over-500-km">{NATION["over"]}</span>' in page
    assert f'data-figure="mean-km">{en(NATION["mean"])} km</span>' in page
    for attribute, code, expected in (
        ("host", "KZ-35", HOST_A),
        ("host", "KZ-75", HOST_C),
        ("sender", "KZ-10", SENDER_B),
        ("sender", "KZ-75", SENDER_C),
    ):
        row = re.search(rf'<tr data-{attribute}="{code}">(.*?)</tr>', page, re.S).group(1)
        assert f"data-over-500-km>{expected['over']}</td>" in row, (attribute, code)
        assert f"data-mean-km>{en(expected['mean'])}</td>" in row, (attribute, code)
    method = re.search(r'data-figure="distance-method">(.*?)</p>', page, re.S).group(1)
    assert "distance from the facility to the administrative centre of the home region (great circle)" in method
    assert "a facility without coordinates is placed at its region's centre" in method
    assert "Polyakova" in method  # FAR_KM_SOURCE
    assert "not checked against the national geodetic register" in method  # Region.centre_source
    assert 'data-figure="centres-verified">Not verified.' in method


def test_residence_page_scoped_user_sees_the_figures_of_their_regions(client, estate):
    client.force_login(make_user("pros_b", "Prosecutors", regions=["KZ-10"]))
    page = client.get("/residence/").content.decode()
    assert 'data-figure="over-500-km">0</span>' in page and 'data-figure="mean-km">0.0 km</span>' in page
    row = re.search(r'<tr data-sender="KZ-10">(.*?)</tr>', page, re.S).group(1)
    assert f"data-mean-km>{en(SENDER_B['mean'])}</td>" in row
    assert 'data-host="KZ-35"' not in page


def test_residence_exports_gain_the_distance_columns(browser, estate):
    hosts = csv_rows(browser.get("/residence/", {"table": "hosts", "export": "csv"}))
    assert hosts[0][5:8] == [
        "Persons more than 500 km from home",
        "Mean distance from home (km)",
        "Persons with a known distance",
    ]
    by_code = {row[0]: row for row in hosts[1:]}
    assert by_code["KZ-35"][2:8] == ["90", "45", "50.0", "35", str(HOST_A["mean"]), "90"]
    assert by_code["KZ-75"][5:8] == ["4", str(HOST_C["mean"]), "12"]
    xlsx = browser.get("/residence/", {"table": "senders", "export": "xlsx"})
    senders = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = {row[0]: row for row in senders.iter_rows(min_row=2, values_only=True)}
    assert rows["KZ-10"][2:8] == (59, 39, 66.1, 39, SENDER_B["mean"], 59)
    dashboard = csv_rows(browser.get("/", {"table": "residence", "export": "csv"}))
    assert dashboard == csv_rows(browser.get("/residence/", {"table": "senders", "export": "csv"}))


def test_region_page_distance_and_its_export(browser, estate):
    page = browser.get("/regions/KZ-10/").content.decode()
    assert (
        'data-figure="host-distance">Held in the region: 0 more than 500 km from home; mean distance from home 0.0 km.'
        in page
    )
    assert (
        f'data-figure="sender-distance">The region\'s residents: 39 held more than 500 km from home; mean distance '
        f"from home {en(SENDER_B['mean'])} km." in page.replace("&#x27;", "'")
    )
    assert 'data-figure="distance-method"' in page
    rows = csv_rows(browser.get("/regions/KZ-10/", {"table": "residence", "export": "csv"}))
    assert rows[1:] == [
        ["Persons held in the region", "20", "20", "100.0", "0", "0.0", "20", "no"],
        ["Residents of the region, wherever held", "59", "20", "33.9", "39", str(SENDER_B["mean"]), "59", "no"],
    ]
    page_a = browser.get("/regions/KZ-35/").content.decode()
    assert f"mean distance from home {en(HOST_A['mean'])} km." in page_a


def test_places_needed_selector(estate):
    """B: 30 residents held in A and 20 in B in class colony/medium/men, B's colony has 30 places (10 free):
    20 needed; and 4 residents held in C's maximum-security colony with no such colony in B: 4 more. C: 10
    residents held in A (medium security) and none of that class in C: 10. A: none. The pre-trial centre is
    not planned."""
    places = selectors.places_needed()
    rows = {r["code"]: r for r in places["rows"]}
    assert [r["code"] for r in places["rows"][:4]] == ["KZ-10", "KZ-75", "KZ-11", "KZ-15"]  # then code order
    assert len(places["rows"]) == 20
    b, c, a = rows["KZ-10"], rows["KZ-75"], rows["KZ-35"]
    assert (b["places_needed"], b["by_level"], b["top_class"], b["top_class_persons"]) == (
        24,
        {"medium": 20, "maximum": 4},
        "colony/medium/men",
        20,
    )
    assert (c["places_needed"], c["by_level"]) == (10, {"medium": 10})
    assert (a["places_needed"], a["by_level"], a["top_class"]) == (0, {}, None)
    assert (a["new_institutions"], b["new_institutions"], c["new_institutions"]) == (1, 1, 0)  # C-OLD is closed
    assert [(p["code"], p["design_capacity"]) for p in b["planned"]] == [("B-NEW", 500), ("B-NEW2", None)]
    assert b["planned_capacity"] == 500 and a["planned"] == []
    assert (b["target"]["value"], b["target"]["target_date"]) == (2.0, estate["today"] + datetime.timedelta(days=900))
    assert a["target"] is None
    assert places["target"]["value"] == 20.0  # the next national target due, not the past one (4)
    assert places["totals"] == {
        "places_needed": 34,
        "by_level": {"medium": 30, "maximum": 4},
        "levels": [("medium", "medium security", 30), ("maximum", "maximum security", 4)],
        "new_institutions": 2,
        "planned": 2,
        "planned_capacity": 500,
    }
    scoped = selectors.places_needed({estate["B"].pk})
    assert [r["code"] for r in scoped["rows"]] == ["KZ-10"] and scoped["target"] is None
    assert scoped["rows"][0]["places_needed"] == 24


def test_places_needed_on_the_dashboard_and_its_export(browser, estate):
    page = browser.get("/").content.decode()
    table = re.search(r'<table class="compact" id="places-needed-table">(.*?)</table>', page, re.S).group(1)
    row_b = re.search(r'<tr data-region="KZ-10">(.*?)</tr>', table, re.S).group(1)
    assert "data-places-needed>24</td>" in row_b
    assert "medium security: 20; maximum security: 4" in row_b
    assert "correctional colony, medium security, adult men: 20" in row_b
    assert "data-new-institutions>1</td>" in row_b and "data-planned>B-NEW (500), B-NEW2 (—)</td>" in row_b
    assert re.search(r"data-target>2 <small>by \d\d\.\d\d\.\d{4}</small></td>", row_b)
    total = re.search(r'<tr data-region="total">(.*?)</tr>', table, re.S).group(1)
    assert "data-places-needed>34</td>" in total and "data-new-institutions>2</td>" in total
    assert "2 facilities, 500 places" in total and "(national target)" in total
    assert re.search(r"data-target>20 <small>", total)
    rows = csv_rows(browser.get("/", {"table": "places_needed", "export": "csv"}))
    header = rows[0]
    assert header[:3] == ["Region code", "Region", "Places needed (persons)"]
    column = {name: i for i, name in enumerate(header)}
    by_code = {row[0]: row for row in rows[1:]}
    b = by_code["KZ-10"]
    assert b[column["Places needed (persons)"]] == "24"
    assert b[column["Of which: medium security (persons)"]] == "20"
    assert b[column["Of which: maximum security (persons)"]] == "4"
    assert b[column["Of which: minimum security (persons)"]] == "0"
    assert b[column["Largest class"]] == "correctional colony, medium security, adult men"
    assert b[column["New institutions in operation (built in 2021 or later)"]] == "1"
    assert b[column["Planned facilities"]] == "B-NEW, B-NEW2"
    assert b[column["Planned facilities: design capacity (persons)"]] == "500"
    assert b[column["Target: new institutions"]] == "2.0"
    assert b[column["Target date"]] == (estate["today"] + datetime.timedelta(days=900)).isoformat()
    assert by_code["KZ-75"][column["Places needed (persons)"]] == "10"
    assert by_code["KZ-35"][column["New institutions in operation (built in 2021 or later)"]] == "1"
    assert len(rows) == 21  # a header and the 20 regions


def test_places_needed_on_the_region_page(browser, estate):
    page = browser.get("/regions/KZ-75/").content.decode()
    table = re.search(r'<table class="compact" id="places-needed-table">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r'<tr data-region="([^"]+)">', table) == ["KZ-75"]  # its own row, no total
    assert "data-places-needed>10</td>" in table and "data-new-institutions>0</td>" in table
    rows = csv_rows(browser.get("/regions/KZ-75/", {"table": "places_needed", "export": "csv"}))
    assert len(rows) == 2 and rows[1][:3] == ["KZ-75", "Almaty", "10"]
