"""core.versioning and core.http: versions raised by every save, changed fields only, what changed since a
version, and the If-Match header."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cells.models import Cell
from core.http import expected_version, parse_if_match
from core.versioning import StaleVersion, assign, changes_since, check_version, save_changes, write


def test_every_save_raises_the_version_by_one(world):
    cell = Cell.objects.get(pk=world.a.cell.pk)
    start = cell.version
    cell.save()
    cell.save(update_fields=["living_space_m2"])
    cell.save(update_fields=[])  # Django writes nothing: the version stays
    cell.refresh_from_db()
    assert cell.version == start + 2


def test_assign_sets_only_what_differs_and_save_changes_writes_only_that(world):
    cell = Cell.objects.get(pk=world.a.cell.pk)
    changed = assign(cell, {"number": cell.number, "living_space_m2": cell.living_space_m2 + 1})
    assert changed == ["living_space_m2"]
    Cell.objects.filter(pk=cell.pk).update(occupancy=77)  # written meanwhile by another path
    assert save_changes(cell, changed) == ["living_space_m2"]
    cell.refresh_from_db()
    assert cell.occupancy == 77  # not written back
    assert save_changes(cell, []) == []


def test_changes_since_names_each_field_changed_after_a_version(world):
    cell = Cell.objects.get(pk=world.a.cell.pk)
    read = cell.version
    _, changed = write(Cell, cell.pk, {"occupancy": 3, "has_natural_light": False})
    assert sorted(changed) == ["has_natural_light", "occupancy"]
    stored = Cell.objects.get(pk=cell.pk)
    changes = {c.field: (c.then, c.now) for c in changes_since(stored, read)}
    assert changes["occupancy"] == (str(world.a.cell.occupancy), "3")
    assert changes["has_natural_light"][1] == "no"
    with pytest.raises(StaleVersion) as stale:
        check_version(stored, read)
    body = stale.value.as_dict()
    assert body["version"] == read + 1 and body["your_version"] == read
    assert f'send yours with If-Match: "{read + 1}"' in body["detail"]  # a client is told the ETag to send
    assert "submit again" in str(stale.value)  # a page's message speaks of the form
    assert {c["field"] for c in body["changes"]} == set(changes)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("*", None),
        (" * ", None),
        ('"7"', [7]),
        ('"6", "7"', [6, 7]),  # a list: any of its ETags may match (RFC 9110 §13.1.1)
        (' "6" ,, W/"8","7" ', [6, 7]),  # empty elements ignored; a weak ETag never matches
        ('W/"7"', []),  # If-Match compares strongly: a weak ETag matches no version
        ('"07"', []),  # "07" is not the ETag "7"
        ('"0"', []),
        ("7", []),  # not an entity-tag (unquoted)
        ('"7', []),
        ('"7" "8"', []),
        ('"7", x', []),
        ('"abc"', []),
        ('"²"', []),
        ('"' + "9" * 5000 + '"', []),
        ('""', []),
        ('"-1"', []),
        ("", []),
    ],
)
def test_parse_if_match(header, expected):
    headers = {"HTTP_IF_MATCH": header} if header is not None else {}
    assert parse_if_match(Request(APIRequestFactory().patch("/", **headers))) == expected


def test_expected_version_refuses_another_or_a_malformed_version(world):
    cell = Cell.objects.get(pk=world.a.cell.pk)
    ok = Request(APIRequestFactory().patch("/", HTTP_IF_MATCH=f'"{cell.version}"'))
    assert expected_version(ok, cell) == cell.version
    listed = Request(APIRequestFactory().patch("/", HTTP_IF_MATCH=f'"{cell.version + 1}", "{cell.version}"'))
    assert expected_version(listed, cell) == cell.version
    for header in (f'"{cell.version + 1}"', '"x"', f'W/"{cell.version}"', f'"0{cell.version}"', str(cell.version)):
        with pytest.raises(StaleVersion):
            expected_version(Request(APIRequestFactory().patch("/", HTTP_IF_MATCH=header)), cell)
