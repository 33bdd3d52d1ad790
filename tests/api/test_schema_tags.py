"""Issue 18, item 8: the API documentation groups its operations by resource (tags) with a summary each
(core.schema.PortalAutoSchema), and the docs page is part of the portal (a link there and a way back)."""

import pytest

from core.schema import RESOURCES, SUB_RESOURCES

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def test_every_operation_has_a_resource_tag_and_a_summary(schema):
    known = {tag for tag, _plural, _one in RESOURCES.values()} | set(SUB_RESOURCES.values())
    missing = [
        (method, path, operation.get("tags"), operation.get("summary"))
        for method, path, operation in _operations(schema)
        if len(operation.get("tags") or []) != 1
        or operation["tags"][0] not in known
        or not (operation.get("summary") or "").strip()
    ]
    assert missing == []
    assert len(list(_operations(schema))) >= 60


def test_tags_and_summaries_of_some_operations(schema):
    found = {(m, p): (o["tags"], o["summary"]) for m, p, o in _operations(schema)}
    assert found[("GET", "/api/v1/cells/")] == (["Cells"], "List cells")
    assert found[("GET", "/api/v1/blocks/{id}/")] == (["Residential blocks"], "Read a residential block")
    assert found[("PATCH", "/api/v1/conversions/{id}/")] == (
        ["Conversion projects"],
        "Update some fields of a conversion project",
    )
    assert found[("POST", "/api/v1/cells/{id}/deactivate/")] == (["Cells"], "Take a cell temporarily out of use")
    assert found[("GET", "/api/v1/facilities/{id}/certificates/{number}/download/")] == (
        ["Cell certificates"],
        "Download one version of a cell certificate as CSV or XLSX",
    )
    assert found[("GET", "/api/v1/summary/")] == (["Summary"], "Dashboard figures, national or for one region")
    assert found[("GET", "/api/v1/findings/{id}/history/")] == (["Findings"], "History of a finding")


def test_summaries_are_distinct_within_a_tag(schema):
    seen = {}
    for method, path, operation in _operations(schema):
        key = (operation["tags"][0], operation["summary"])
        assert key not in seen, (method, path, seen.get(key))
        seen[key] = (method, path)


def test_the_facility_and_region_filters_are_documented_as_text(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/cells/"]["get"]["parameters"]}
    assert parameters["facility"]["schema"]["type"] == "string"
    assert parameters["facility"]["description"] == "the facility's code or id"
    assert parameters["region"]["schema"]["type"] == "string"
    assert parameters["region"]["description"] == "ISO 3166-2 code, e.g. KZ-35, or the region's id"


def test_the_docs_page_leads_back_to_the_portal(browser):
    page = browser.get("/api/docs/").content.decode()
    assert '<a class="brand" href="/" data-link="back-to-portal">← Back to the Roadmap Portal</a>' in page
    assert '<a href="/account/tokens/">API tokens</a>' in page
    assert "<title>API documentation · Roadmap Portal</title>" in page
    assert '<div id="swagger-ui"></div>' in page  # Swagger UI itself is still there


def test_the_portal_header_links_to_the_docs(browser):
    page = browser.get("/").content.decode()
    assert '<a href="/api/docs/">API</a>' in page
