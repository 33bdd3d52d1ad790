"""Whether an inspection was announced: one stored field (``type``), ``announced`` derived from it, so an
inspection of type unannounced can never be "announced" (issue 18, item 5.3)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from inspections.models import Inspection
from tests.factories import FacilityFactory, InspectionFactory

BEFORE = ("inspections", "0006_localised_texts")

TODAY = timezone.localdate()


def test_announced_follows_the_type(world):
    assert InspectionFactory(facility=world.a.facility, type="unannounced").announced is False
    assert InspectionFactory(facility=world.a.facility, type="scheduled").announced is True
    assert InspectionFactory(facility=world.a.facility, type="follow_up").announced is True
    assert "announced" not in {f.name for f in Inspection._meta.get_fields()}


def test_the_form_has_no_announced_box_and_the_detail_page_says_unannounced(world, client):
    client.force_login(world.users["prosecutor_a"])
    client.cookies["django_language"] = "en"
    page = client.get("/inspections/new/").content.decode()
    assert 'name="type"' in page and 'name="announced"' not in page
    assert "An unannounced visit is of the type unannounced; the others were announced." in page
    response = client.post(
        "/inspections/new/",
        {
            "facility": world.a.facility.pk,
            "date_start": (TODAY - datetime.timedelta(days=3)).isoformat(),
            "body": "prosecutor",
            "type": "unannounced",
            "announced": "on",  # an old page's ticked box: not a field any more, so it cannot contradict
            "lead_inspector": "",
            "summary": "",
        },
    )
    inspection = Inspection.objects.exclude(pk=world.a.inspection.pk).get(facility=world.a.facility)
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/"
    assert (inspection.type, inspection.announced) == ("unannounced", False)
    detail = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert '<dd id="announced">no: an unannounced visit</dd>' in detail
    scheduled = InspectionFactory(facility=world.a.facility, type="scheduled")
    detail = client.get(f"/inspections/{scheduled.pk}/").content.decode()
    assert '<dd id="announced">yes: the facility was told of the visit beforehand</dd>' in detail


def test_the_api_refuses_announced_and_renders_it_from_the_type(world):
    client = world.clients["prosecutor_a"]
    body = {"facility": world.a.facility.pk, "date_start": TODAY.isoformat(), "body": "prosecutor"}
    refused = client.post("/api/v1/inspections/", {**body, "type": "unannounced", "announced": True}, format="json")
    assert refused.status_code == 400
    assert refused.json()["announced"] == [
        'Read-only: whether an inspection was announced follows from its type (send "type": "unannounced" for '
        "an unannounced visit)."
    ]
    assert Inspection.objects.filter(facility=world.a.facility).count() == 1  # the world's own
    created = client.post("/api/v1/inspections/", {**body, "type": "unannounced"}, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["type"], created.json()["announced"]) == ("unannounced", False)
    follow_up = client.post("/api/v1/inspections/", {**body, "type": "follow_up"}, format="json")
    assert follow_up.json()["announced"] is True


@pytest.mark.django_db(transaction=True)
def test_the_migration_folds_announced_into_the_type():
    """A database with the ``announced`` column: a row "not announced" under another type becomes of type
    unannounced; the others keep their type; back, the column says what the type says."""
    facility = FacilityFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model("inspections", "Inspection")
        day = datetime.date(2025, 5, 1)
        rows = {
            kind: old.objects.create(
                facility_id=facility.pk, date_start=day, body="npm", type=kind, announced=announced
            )
            for kind, announced in [("scheduled", True), ("follow_up", False), ("unannounced", True)]
        }
        executor = MigrationExecutor(connection)
        executor.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        stored = {kind: Inspection.objects.get(pk=row.pk) for kind, row in rows.items()}
        assert {kind: (i.type, i.announced) for kind, i in stored.items()} == {
            "scheduled": ("scheduled", True),
            "follow_up": ("unannounced", False),  # that it was unannounced is kept
            "unannounced": ("unannounced", False),  # the contradiction is gone
        }
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
