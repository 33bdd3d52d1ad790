"""The data package of a published release (public.package, public.package_views): a valid Frictionless
Data Package (``frictionless validate``), CSV as published (UTF-8 with a BOM, suppressed -> empty cell
and a reason), safe for spreadsheets, the demo flag in every file, immutable files (ETag, 304, a year's
cache), and nothing for drafts."""

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from public import package, services
from public.models import Release

from .conftest import publish_now


def files_of(client, number: int) -> dict[str, bytes]:
    out = {}
    for name in package.FILES:
        response = client.get(reverse("release-file", kwargs={"number": number, "name": name}))
        assert response.status_code == 200, name
        out[name] = response.content
    response = client.get(reverse("release-datapackage", kwargs={"number": number}))
    assert response.status_code == 200
    out[package.PACKAGE] = response.content
    return out


def rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def released(estate):
    estate.c.name_en = '=HYPERLINK("http://x")'
    estate.c.save()
    return publish_now(note="the package")


def test_frictionless_validate_reports_valid(released, client, tmp_path: Path):
    for name, data in files_of(client, released.number).items():
        (tmp_path / name).write_bytes(data)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", "datapackage.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    assert report["valid"] is True, json.dumps(report, indent=1)[:4000]
    assert done.returncode == 0
    assert len(report["tasks"]) == len(package.FILES)


def test_frictionless_refuses_a_tampered_file(released, client, tmp_path: Path):
    """The validation is not vacuous: a changed byte breaks the declared hash and a bad value the schema."""
    files = files_of(client, released.number)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    nation = files["nation.csv"].decode("utf-8-sig")
    assert nation.endswith(",false\r\n")
    (tmp_path / "nation.csv").write_bytes(("\ufeff" + nation[: -len("false\r\n")] + "maybe\r\n").encode())
    done = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", "datapackage.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert json.loads(done.stdout)["valid"] is False


def test_descriptor(released, client, settings):
    files = files_of(client, released.number)
    descriptor = json.loads(files[package.PACKAGE])
    assert descriptor["version"] == str(released.number) and descriptor["name"] == "roadmap-portal-release-1"
    assert descriptor["created"] == released.published_at.isoformat()
    assert descriptor["licenses"] == [settings.PUBLIC_LICENCE]
    assert descriptor["sources"] and descriptor["title_ru"] and descriptor["title_kk"]
    assert descriptor["disclosure"]["threshold"] == 10 and descriptor["disclosure"]["rounding_base"] == 5
    assert set(descriptor["disclosure"]["reasons"]) == {"threshold", "secondary", "derived"}
    for language in ("", "_ru", "_kk"):
        text = descriptor[f"description{language}"]
        assert "10" in text and "5" in text and "threshold" in text and settings.PUBLIC_LICENCE["name"] in text
    assert [r["path"] for r in descriptor["resources"]] == list(package.FILES)
    for resource in descriptor["resources"]:
        assert resource["encoding"] == "utf-8" and resource["format"] in ("csv", "json") and resource["mediatype"]
        assert resource["hash"].startswith("sha256:") and resource["bytes"] == len(files[resource["path"]])
        if resource["format"] == "csv":
            schema = resource["schema"]
            assert schema["missingValues"] == [""]
            for field in schema["fields"]:
                assert {"name", "type", "title", "description", "title_ru", "title_kk", "description_ru"} <= set(field)
            header = rows(files[resource["path"]])[0].keys() if rows(files[resource["path"]]) else []
            assert list(header) == [f["name"] for f in schema["fields"]] or not header
    dictionary = rows(files["dictionary.csv"])
    held = next(r for r in dictionary if r["file"] == "facilities.csv" and r["field"] == "persons_held")
    assert held["unit"] == "persons" and held["title_ru"] and held["description_kk"]


def test_values_as_published_suppressed_empty_with_reason(released, client):
    files = files_of(client, released.number)
    facilities = {r["code"]: r for r in rows(files["facilities.csv"])}
    assert "F-E" not in facilities  # published without detail
    assert facilities["F-B"]["persons_held"] == "" and facilities["F-B"]["persons_held_suppressed"] == "threshold"
    assert facilities["F-A"]["persons_held"] == "50" and facilities["F-A"]["persons_held_suppressed"] == ""
    regions = {r["code"]: r for r in rows(files["regions.csv"])}
    assert regions["KZ-10"]["institutions"] == "2"  # F-E counted in its region
    nation = rows(files["nation.csv"])[0]
    content = released.content["nation"]
    assert nation["persons_held"] == str(content["persons_held"])
    suppressions = rows(files["suppressions.csv"])
    assert {(s["code"], s["column"], s["reason"]) for s in suppressions} >= {("F-B", "persons_held", "threshold")}
    assert len(suppressions) == len(released.suppressions)
    assert all(set(s) == {"table", "code", "column", "reason", "demo"} for s in suppressions)  # never the value
    every = b"".join(files.values()).decode("utf-8", "replace")
    assert '"withheld"' not in every and "value_withheld" not in every


def test_safe_for_spreadsheets(released, client):
    facilities = {r["code"]: r for r in rows(files_of(client, released.number)["facilities.csv"])}
    assert facilities["F-C"]["name_en"] == '\'=HYPERLINK("http://x")'


def test_demo_flag_in_every_file(demo_release, client):
    files = files_of(client, demo_release.number)
    for name in package.CSV_FILES:
        table = rows(files[name])
        assert table and all(r["demo"] == "true" for r in table), name
    assert json.loads(files["release.json"])["release"]["demo"] is True
    descriptor = json.loads(files[package.PACKAGE])
    assert descriptor["demo"] is True and "demo" in descriptor["title"]


def test_zip_holds_every_file(released, client):
    files = files_of(client, released.number)
    response = client.get(reverse("release-zip", kwargs={"number": released.number}))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert reverse("release-zip", kwargs={"number": 1}) == "/public/releases/1/release-1.zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(f"release-1/{n}" for n in files)
        for name, data in files.items():
            assert archive.read(f"release-1/{name}") == data
    package._files.cache_clear()
    assert client.get(reverse("release-zip", kwargs={"number": 1})).content == response.content  # same bytes


def test_immutable_caching_and_304(released, client):
    url = reverse("release-file", kwargs={"number": released.number, "name": "facilities.csv"})
    response = client.get(url)
    assert response["ETag"] == f'"{released.etag}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    again = client.get(url, HTTP_IF_NONE_MATCH=f'"{released.etag}"')
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == f'"{released.etag}"'
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    for other in (reverse("release-datapackage", kwargs={"number": 1}), reverse("release-zip", kwargs={"number": 1})):
        assert client.get(other, HTTP_IF_NONE_MATCH=f'W/"{released.etag}"').status_code == 304
    assert client.post(url).status_code == 405


def test_only_published_releases_are_served(estate, client):
    draft = services.prepare(None)
    services.review(None, draft)
    assert Release.objects.get(pk=draft.pk).number is None
    for url in (
        "/public/releases/1/datapackage.json",
        "/public/releases/1/facilities.csv",
        "/public/releases/1/release-1.zip",
        f"/public/releases/{draft.pk}/datapackage.json",
    ):
        assert client.get(url).status_code == 404, url
    release = publish_now()
    assert client.get(f"/public/releases/{release.number}/facilities.csv").status_code == 200
    for url in (
        f"/public/releases/{release.number}/secret.csv",
        f"/public/releases/{release.number}/release-2.zip",
        f"/public/releases/{release.number}/../settings.py",
    ):
        assert client.get(url).status_code == 404, url
