"""The certification pages (issue 17, item 3): the new-request form of an editor, the request page with the
results of the proposal and the decision forms (only for who may decide; one's own request says why not),
the certificate versions with their downloads, and the facility page's line. World: tests/conftest.py
(F-A: D1 40 places under reconstruction, E1 40 places in use holding 50, C-A 1 place in use)."""

import csv
import io

import pytest
from django.utils import timezone

from cells import certification
from cells.models import Cell, CellCertificate, CertificationRequest

pytestmark = pytest.mark.django_db


def _request(world, user="editor_a", places=30):
    return certification.open_request(
        user=world.users[user],
        facility=world.a.facility,
        reason="fewer places after the survey",
        lines=[{"cell": world.a.room, "action": "change", "certified_capacity": places}],
    )


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


def test_editor_opens_a_request_from_the_form(client, world):
    client.force_login(world.users["editor_a"])
    url = f"/facilities/{world.a.facility.pk}/certification/new/"
    page = client.get(url).content.decode()
    assert "D1" in page and "E1" in page and "C-A" in page
    room = world.a.room.pk
    response = client.post(url, {"reason": "", f"c{room}_action": "change", f"c{room}_capacity": "30"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not CertificationRequest.objects.exists()
    response = client.post(url, {"reason": "survey", f"c{room}_action": "change"})
    assert "The line for cell D1 changes nothing." in response.content.decode()
    response = client.post(url, {"reason": "survey", f"c{room}_action": "change", f"c{room}_capacity": "30"})
    opened = CertificationRequest.objects.get()
    assert response.status_code == 302 and response.url == f"/certification/{opened.pk}/"
    assert [(line.cell_id, line.certified_capacity, line.before_certified_capacity) for line in opened.lines.all()] == [
        (room, 30, 40)
    ]
    again = client.post(url, {"reason": "again", f"c{room}_action": "change", f"c{room}_capacity": "20"})
    assert f"Cell D1 is already on pending certification request #{opened.pk}" in again.content.decode()
    assert CertificationRequest.objects.count() == 1


def test_only_editors_of_the_region_open_requests(client, world):
    for role, code in (("reviewer_a", 403), ("prosecutor", 403), ("api_client", 403), ("editor_a", 200)):
        client.force_login(world.users[role])
        assert client.get(f"/facilities/{world.a.facility.pk}/certification/new/").status_code == code, role
    client.force_login(world.users["editor_a"])
    assert client.get(f"/facilities/{world.b.facility.pk}/certification/new/").status_code == 404


def test_request_page_shows_results_and_decision_forms_only_to_who_may_decide(client, world):
    opened = _request(world)
    url = f"/certification/{opened.pk}/"
    response, page = _page(client, world.users["reviewer_a"], url)
    assert response.status_code == 200
    assert 'name="decision" value="approve"' in page and 'name="decision" value="reject"' in page
    assert 'name="version" value="1"' in page and "csrfmiddlewaretoken" in page
    assert "40 &rarr; <strong>30</strong>" in page
    # D1 at 30 places: 4.00 m² per person passes CPT and ICRC; a dormitory fails the roadmap's RM-1.
    for profile in ("CPT-2015", "ICRC-2012", "MANDELA-2015"):
        assert f"<strong>{profile}</strong>: compliant" in page
    assert "<strong>KZ-ROADMAP</strong>: non-compliant <span" in page and "✗ RM-1" in page
    _, page = _page(client, world.users["editor_a"], url)
    assert 'value="approve"' not in page and 'name="decision" value="withdraw"' in page
    _, page = _page(client, world.users["prosecutor"], url)
    assert '<form method="post" class="stacked' not in page
    response, _ = _page(client, world.users["reviewer_b"], url)
    assert response.status_code == 404
    client.force_login(world.users["editor_a"])
    assert client.post(url, {"decision": "approve", "version": "1", "note": ""}).status_code == 403
    assert CertificationRequest.objects.get(pk=opened.pk).status == "pending"


def test_own_request_says_why_not(client, world):
    opened = _request(world, user="admin")
    _, page = _page(client, world.users["admin"], f"/certification/{opened.pk}/")
    assert "You made this certification request: another certification reviewer must decide it." in page
    assert 'value="approve"' not in page
    assert client.post(f"/certification/{opened.pk}/", {"decision": "approve", "version": "1"}).status_code == 403


def test_approval_from_the_page_issues_the_next_version(client, world):
    opened = _request(world)
    client.force_login(world.users["reviewer_a"])
    stale = client.post(f"/certification/{opened.pk}/", {"decision": "approve", "version": "9", "note": ""})
    assert stale.status_code == 200
    assert "Nothing was saved" in stale.content.decode()
    assert CertificationRequest.objects.get(pk=opened.pk).status == "pending"
    response = client.post(f"/certification/{opened.pk}/", {"decision": "approve", "version": "1", "note": "ok"})
    assert response.status_code == 302
    assert Cell.objects.get(pk=world.a.room.pk).certified_capacity == 30
    current = CellCertificate.objects.get(facility=world.a.facility, number=2)
    assert (current.places_certified, current.places_operational, current.approved_by.username) == (
        71,
        41,
        "reviewer_a",
    )
    page = client.get(f"/facilities/{world.a.facility.pk}/").content.decode()
    assert f"Cell certificate v2 ({timezone.localtime(current.issued_at):%d.%m.%Y})" in page
    assert "3 cells, 71 certified places, 41 operational" in page
    listing = client.get(f"/facilities/{world.a.facility.pk}/certificates/").content.decode()
    assert "v2</a>" in listing and "v1</a>" in listing and "baseline" in listing
    detail = client.get(f"/facilities/{world.a.facility.pk}/certificates/1/").content.decode()
    assert "superseded" in detail
    download = client.get(f"/facilities/{world.a.facility.pk}/certificates/2/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [row[5] for row in rows[1:-1]] == ["C-A", "D1", "E1"]
    assert rows[1][:4] == ["F-A", "2", f"{timezone.localtime(current.issued_at):%Y-%m-%d %H:%M}", "reviewer_a"]
    assert rows[2][10] == "30" and rows[-1][9:11] == ["81", "71"]
    assert client.get(f"/facilities/{world.a.facility.pk}/certificates/2/?export=pdf").status_code == 400


def test_rejection_from_the_page_needs_a_note(client, world):
    opened = _request(world)
    client.force_login(world.users["reviewer_a"])
    response = client.post(f"/certification/{opened.pk}/", {"decision": "reject", "version": "1", "note": ""})
    assert "Give the reason for the rejection." in response.content.decode()
    response = client.post(f"/certification/{opened.pk}/", {"decision": "reject", "version": "1", "note": "no"})
    assert response.status_code == 302
    assert CertificationRequest.objects.get(pk=opened.pk).status == "rejected"
    assert Cell.objects.get(pk=world.a.room.pk).certified_capacity == 40
    assert not CellCertificate.objects.exists()


def test_request_list_filters(client, world):
    opened = _request(world)
    client.force_login(world.users["prosecutor"])
    page = client.get("/certification/?facility=F-A&status=pending").content.decode()
    assert f"#{opened.pk}</a>" in page and "1 request" in page
    assert "1 request" not in client.get("/certification/?status=approved").content.decode()
    client.force_login(world.users["editor_a"])
    assert "New certification request" in client.get("/certification/?facility=F-A").content.decode()
    # the facility by its id too (facilities.filters.FacilityRefFilter), and none outside the editor's region
    assert "New certification request" in client.get(f"/certification/?facility={world.a.facility.pk}").content.decode()
    assert "New certification request" not in client.get("/certification/?facility=F-B").content.decode()
    exported = client.get("/certification/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows[1][:4] == [str(opened.pk), "F-A", "change of certified capacity", "pending"]


def test_request_page_with_a_new_cell_and_a_decommissioning(client, world):
    from tests.factories import CellFactory

    draft = CellFactory(block=world.a.cell_block, number="N1", status="draft", occupancy=0, certified_capacity=None)
    opened = certification.open_request(
        user=world.users["editor_a"],
        facility=world.a.facility,
        reason="a new cell replaces the room",
        lines=[
            {"cell": draft, "action": "bring_into_use", "certified_capacity": 1},
            {"cell": world.a.room, "action": "decommission"},
        ],
    )
    assert opened.kind == CertificationRequest.Kind.MIXED
    _, page = _page(client, world.users["reviewer_a"], f"/certification/{opened.pk}/")
    assert "bring into use (new cell)" in page and "decommission permanently" in page
    assert "leaves the record" in page
    assert page.count("<strong>KZ-ROADMAP</strong>: compliant") == 1  # the new single cell
    client.post(f"/certification/{opened.pk}/", {"decision": "approve", "version": "1"})
    current = CellCertificate.objects.get(facility=world.a.facility, number=2)
    # D1 (40 places, not operational) leaves; N1 (1 place, in use) comes: 3 cells, 42 certified, 42 operational.
    assert (current.cells, current.places_certified, current.places_operational) == (3, 42, 42)


def test_the_navigation_tells_a_reviewer_how_many_requests_await_them(client, world):
    from cells import certification

    certification.open_request(
        user=world.users["editor_a"],
        facility=world.a.facility,
        reason="fewer places",
        lines=[{"cell": world.a.crowded, "action": "change", "certified_capacity": 30}],
    )
    client.force_login(world.users["reviewer_a"])
    page = client.get("/").content.decode()
    assert 'href="/certification/?status=pending">Certification <span class="badge"' in page
    assert 'awaiting your decision">1</span>' in page
    client.force_login(world.users["reviewer_b"])  # another region: nothing awaits
    assert 'href="/certification/">Certification</a>' in client.get("/").content.decode()
