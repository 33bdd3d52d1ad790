"""Region codes parsed once (facilities.regions): the region page, the summary API, the region filters of
lists and the API, and the register import read a code alike and refuse an unknown one with one message."""

import pytest

from facilities.regions import find_region, parse_region_code, unknown_region_message
from registers import imports

MESSAGE = "Unknown region code 'KZ-99'. Use an ISO 3166-2 code such as KZ-35."


def test_parse():
    assert parse_region_code(" kz-35 ") == "KZ-35"
    for bad in ("KZ-3", "KZ-355", "35", "", None, "KZ-ROADMAP"):
        with pytest.raises(ValueError):
            parse_region_code(bad)
    assert unknown_region_message("KZ-99") == MESSAGE


def test_every_reader_of_a_region_code_agrees(world, client):
    a = world.a.facility.region
    assert find_region(" kz-35") == a and find_region("KZ-99") is None and find_region("KZ-ROADMAP") is None
    admin = world.clients["admin"]
    client.force_login(world.users["admin"])
    # Found in any case by the region page, the summary API and the filters.
    assert client.get("/regions/kz-35/").status_code == 200
    assert admin.get("/api/v1/summary/", {"region": "kz-35"}).json()["region"] == "KZ-35"
    codes = {f["code"] for f in admin.get("/api/v1/facilities/", {"region": "kz-35"}).json()["results"]}
    assert codes == {world.a.facility.code}
    # Refused alike: 404 for the page, the one message for the API, the filters and the import.
    assert client.get("/regions/KZ-99/").status_code == 404
    assert admin.get("/api/v1/summary/", {"region": "KZ-99"}).json()["region"] == [MESSAGE]
    assert admin.get("/api/v1/facilities/", {"region": "KZ-99"}).json()["region"] == [MESSAGE]
    rows = (
        b"code,name_en,kind,region\nNEW-1,New colony,colony,KZ-99\n",
        f"facility_code,home_region,count_date,persons\n{world.a.facility.code},KZ-99,2026-01-01,3\n".encode(),
    )
    for kind, data in zip(("facilities", "residence"), rows):
        out = imports.check_file(kind, data, user=world.users["admin"])
        assert [e["reason"] for e in out.errors] == [MESSAGE], (kind, out.errors)
