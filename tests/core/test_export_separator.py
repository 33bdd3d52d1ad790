"""Issue 18, item 9: CSV that opens right in a Russian or Kazakh Excel. Every CSV export takes
``?sep=semicolon|comma``; without it the separator follows the page's language (``;`` in ru and kk, ``,``
in en); a semicolon file writes fractional numbers with a decimal comma; all keep the UTF-8 BOM and the
formula neutralisation (core.export)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from core.export import Column, csv_response, csv_separator, default_separator
from tests.factories import InspectionFactory

BOM = "\ufeff"


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith(BOM.encode())  # UTF-8 with BOM, whatever the separator
    return raw.decode("utf-8")


def test_the_default_separator_follows_the_language():
    assert (default_separator("ru"), default_separator("kk"), default_separator("en")) == (";", ";", ",")
    with translation.override("ru"):
        assert csv_separator({}) == ";"
        assert csv_separator({"sep": "comma"}) == ","
    with translation.override("kk"):
        assert csv_separator({"sep": ""}) == ";"
    with translation.override("en"):
        assert csv_separator({}) == ","
        assert csv_separator({"sep": "SEMICOLON"}) == ";"
    with pytest.raises(ValueError, match=r"^Unknown separator 'tab': use comma or semicolon\.$"):
        csv_separator({"sep": "tab"})


def test_a_semicolon_file_writes_a_decimal_comma_and_keeps_neutralising():
    columns = [Column("name"), Column("area", "number"), Column("count", "number"), Column("date", "date")]
    rows = [["=SUM(A1)", Decimal("3.50"), 7, datetime.date(2026, 11, 1)], ["a;b", 2.25, None, None]]
    semicolon = _text(csv_response("x", columns, rows, sep=";"))
    assert semicolon == BOM + 'name;area;count;date\r\n\'=SUM(A1);3,50;7;2026-11-01\r\n"a;b";2,25;;\r\n'
    comma = _text(csv_response("x", columns, rows, sep=","))
    assert comma == BOM + "name,area,count,date\r\n'=SUM(A1),3.50,7,2026-11-01\r\na;b,2.25,,\r\n"


@pytest.fixture
def inspections(world):
    InspectionFactory(facility=world.a.facility, lead_inspector="+Иванов, А.")
    return world


@pytest.mark.parametrize(
    "language, params, sep",
    [
        ("ru", {}, ";"),
        ("kk", {}, ";"),
        ("en", {}, ","),
        ("ru", {"sep": "comma"}, ","),
        ("kk", {"sep": "comma"}, ","),
        ("en", {"sep": "semicolon"}, ";"),
    ],
)
def test_list_exports_by_language_and_parameter(client, inspections, language, params, sep):
    client.force_login(inspections.users["admin"])
    client.cookies["django_language"] = language
    response = client.get("/inspections/", {"export": "csv", **params})
    assert response.status_code == 200
    lines = _text(response)[1:].splitlines()
    header = lines[0].split(sep)
    assert len(header) > 3 and all(";" not in h and "," not in h for h in header)
    row = next(line for line in lines if "Иванов" in line)
    assert f"{sep}'+Иванов, А.{sep}" in row or f'{sep}"\'+Иванов, А."{sep}' in row  # neutralised, quoted if needed


@pytest.mark.parametrize(
    "url",
    [
        "/inspections/",
        "/findings/",
        "/facilities/",
        "/",
        "/residence/",
        "/regions/KZ-35/",
    ],
)
def test_every_export_answers_400_for_an_unknown_separator(client, inspections, url):
    client.force_login(inspections.users["admin"])
    params = {"export": "csv", "sep": "tab"}
    if url in ("/", "/regions/KZ-35/"):
        params["table"] = "trend"
    if url == "/residence/":
        params["table"] = "hosts"
    response = client.get(url, params)
    assert response.status_code == 400
    assert response.content.decode() == "Unknown separator 'tab': use comma or semicolon."


def test_dashboard_and_facility_exports_follow_the_language(client, inspections):
    client.force_login(inspections.users["admin"])
    facility = inspections.a.facility
    client.cookies["django_language"] = "ru"
    for url, params in (
        ("/", {"table": "capacity"}),
        ("/residence/", {"table": "hosts"}),
        (f"/facilities/{facility.pk}/", {}),
        (f"/blocks/{inspections.a.cell_block.pk}/", {}),
    ):
        first = _text(client.get(url, {"export": "csv", **params}))[1:].splitlines()[0]
        assert ";" in first and "," not in first, url
        first = _text(client.get(url, {"export": "csv", "sep": "comma", **params}))[1:].splitlines()[0]
        assert "," in first and ";" not in first, url


def test_register_files_take_the_separator(client, inspections):
    client.force_login(inspections.users["admin"])
    assert _text(client.get("/imports/template/cells.csv", {"sep": "semicolon"})).count(";") >= 3
    template = _text(client.get("/imports/template/cells.csv", {"sep": "comma"}))
    assert ";" not in template and template.count(",") >= 3
    assert client.get("/imports/template/cells.csv", {"sep": "x"}).status_code == 400
