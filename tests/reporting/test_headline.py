"""The headline profile (reporting.figures.headline_profile): KZ-ROADMAP when active, else none; the
default profile of lists and filters (default_profile) falls back to the first active profile."""

import pytest

from cells.models import StandardProfile
from demo.history import reconstruct_demo_history
from reporting import figures, selectors, trends

INACTIVE_NOTE = "The headline profile KZ-ROADMAP is inactive"


def test_headline_is_kz_roadmap_when_active(world, client):
    assert figures.headline_profile().code == "KZ-ROADMAP" == figures.default_profile().code
    client.force_login(world.users["admin"])
    assert INACTIVE_NOTE not in client.get("/").content.decode()
    assert world.clients["admin"].get("/api/v1/facilities/").json()["results"][0]["profile"] == "KZ-ROADMAP"


@pytest.mark.django_db
def test_inactive_kz_roadmap_means_no_headline_but_a_default_profile(world, client):
    StandardProfile.objects.filter(code="KZ-ROADMAP").update(is_active=False)
    first_active = StandardProfile.objects.filter(is_active=True).order_by("position").first()
    assert figures.headline_profile() is None
    assert figures.headline_of(StandardProfile.objects.all()) is None
    assert figures.default_profile() == first_active
    # Every caller of the headline: summary, series, forecasts, dashboards, facility page, demo history.
    assert selectors.summary()["headline"] == {
        "label": "persons in single-occupancy cells compliant with KZ-ROADMAP",
        "persons": None,
        "share": None,
    }
    assert trends.series() == [] and reconstruct_demo_history() == 0
    client.force_login(world.users["admin"])
    for url in ("/", f"/regions/{world.a.facility.region.code}/"):
        page = client.get(url)
        assert INACTIVE_NOTE in page.content.decode(), url
        assert page.context["profile"] is None
    facility_page = client.get(f"/facilities/{world.a.facility.pk}/")
    assert facility_page.context["profile"] is None
    assert "Persons in accommodation compliant with" not in facility_page.content.decode()
    # The filter's and the API's default is a default choice: the first active profile.
    api = world.clients["admin"]
    assert api.get("/api/v1/facilities/").json()["results"][0]["profile"] == first_active.code
    assert api.get("/api/v1/summary/").json()["headline"]["share"] is None
