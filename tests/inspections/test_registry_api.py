"""The registry of recommendations through the API (issue 20, part 4): the findings endpoint's new fields,
recording a mechanism's recommendation (no inspection), source documents, actions (If-Match) and
judgements (only the mechanism that made the recommendation)."""

import datetime

from inspections import registry
from inspections.models import Action, Finding, Judgement


def test_the_findings_endpoint_exposes_the_registry_fields(registry_world):
    rec = registry_world.npm_rec
    registry.save_action(
        user=registry_world.world.users["editor_a"],
        finding=rec,
        data={"description": "Repair", "owner": "KUIS", "due_date": datetime.date(2025, 5, 1)},
    )
    api = registry_world.world.clients["prosecutor"]
    body = api.get(f"/api/v1/findings/{rec.pk}/").json()
    assert {
        k: body[k]
        for k in ("mechanism", "source_document", "paragraph", "scope", "region", "facility", "responsible_body")
    } == {
        "mechanism": "npm",
        "source_document": registry_world.npm_report.pk,
        "paragraph": "12",
        "scope": "facility",
        "region": "KZ-35",
        "facility": "F-A",
        "responsible_body": "Department of the penal correction system, Karaganda",
    }
    assert body["judgement"] == "" and body["judged_on"] is None
    (action,) = body["actions"]
    assert (action["owner"], action["due_date"], action["overdue"]) == ("KUIS", "2025-05-01", True)
    assert body["overdue"] is True  # one overdue action makes the recommendation overdue
    national = api.get(f"/api/v1/findings/{registry_world.spt_rec.pk}/").json()
    assert (national["scope"], national["region"], national["facility"], national["mechanism"]) == (
        "nation",
        None,
        None,
        "spt",
    )
    listed = api.get("/api/v1/findings/", {"mechanism": "spt"}).json()["results"]
    assert [row["id"] for row in listed] == [registry_world.spt_rec.pk]
    assert api.get("/api/v1/findings/", {"scope": "nation", "judgement": "not_judged"}).json()["count"] == 1


def test_a_monitor_records_a_recommendation_and_its_source_document(registry_world):
    api = registry_world.clients["npm_a"]
    document = api.post(
        "/api/v1/source-documents/",
        {"mechanism": "npm", "reference": "NPM-2025/9", "date": "2025-04-01"},
        format="json",
    )
    assert document.status_code == 201, document.content
    assert document["ETag"] == '"1"'
    assert api.get(f"/api/v1/source-documents/{document.json()['id']}/").json()["reference"] == "NPM-2025/9"
    answer = api.post(
        "/api/v1/findings/",
        {
            "mechanism": "npm",
            "source_document": document.json()["id"],
            "paragraph": "3",
            "scope": "facility",
            "facility_id": registry_world.world.a.facility.pk,
            "responsible_body": "Colony F-A",
            "description": "No hot water",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["facility"], answer.json()["region"], answer.json()["inspection"]) == ("F-A", "KZ-35", None)
    # Bad input: 400 naming the field and the reason, nothing written.
    before = Finding.objects.count()
    for body, field in [
        (
            {"mechanism": "npm", "source_document": document.json()["id"], "scope": "nation", "description": "x"},
            "scope",
        ),
        (
            {"mechanism": "npm", "source_document": document.json()["id"], "scope": "region", "description": "x"},
            "region",
        ),
        ({"mechanism": "npm", "source_document": 999999, "scope": "nation", "description": "x"}, "source_document"),
        ({"mechanism": "npm", "scope": "facility", "facility_id": registry_world.world.b.facility.pk}, "facility_id"),
    ]:
        refused = api.post("/api/v1/findings/", body, format="json")
        assert refused.status_code == 400 and field in refused.json(), (body, refused.content)
    assert Finding.objects.count() == before
    # Another mechanism's document or recommendation: 403.
    assert (
        api.post(
            "/api/v1/source-documents/", {"mechanism": "spt", "reference": "X", "date": "2025-01-01"}, format="json"
        ).status_code
        == 403
    )
    spt = {"mechanism": "spt", "source_document": registry_world.spt_report.pk, "scope": "nation", "description": "x"}
    assert api.post("/api/v1/findings/", spt, format="json").status_code == 403
    # A mechanism's recommendation is changed with If-Match; the inspection path's fields are refused.
    rec = Finding.objects.get(description="No hot water")
    stale = api.patch(f"/api/v1/findings/{rec.pk}/", {"paragraph": "4"}, format="json", HTTP_IF_MATCH='"7"')
    assert stale.status_code == 412
    changed = api.patch(f"/api/v1/findings/{rec.pk}/", {"paragraph": "4"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    assert Finding.objects.get(pk=rec.pk).paragraph == "4"


def test_an_inspection_finding_takes_no_registry_fields(registry_world):
    world = registry_world.world
    answer = world.clients["prosecutor"].post(
        "/api/v1/findings/",
        {"inspection": world.a.inspection.pk, "severity": "low", "description": "x", "scope": "nation"},
        format="json",
    )
    assert answer.status_code == 400 and "scope" in answer.json()
    answer = world.clients["prosecutor"].post(
        "/api/v1/findings/",
        {"inspection": world.a.inspection.pk, "severity": "low", "description": "x", "responsible_body": "KUIS"},
        format="json",
    )
    assert answer.status_code == 201 and answer.json()["mechanism"] == "prosecutor"
    assert answer.json()["responsible_body"] == "KUIS"


def test_actions_are_listed_created_and_updated_with_if_match(registry_world):
    rec = registry_world.npm_rec
    editor = registry_world.world.clients["editor_a"]
    url = f"/api/v1/findings/{rec.pk}/actions/"
    created = editor.post(url, {"description": "Repair", "owner": "KUIS", "due_date": "2025-05-01"}, format="json")
    assert created.status_code == 201, created.content
    action_id = created.json()["id"]
    assert [a["id"] for a in registry_world.clients["npm"].get(url).json()] == [action_id]
    bad = editor.post(url, {"description": "Repair", "owner": "KUIS", "due_date": "2025-13-01"}, format="json")
    assert bad.status_code == 400 and "due_date" in bad.json()
    detail = editor.get(f"/api/v1/actions/{action_id}/")
    assert detail.status_code == 200 and detail["ETag"] == '"1"'
    stale = editor.patch(f"/api/v1/actions/{action_id}/", {"status": "cancelled"}, format="json", HTTP_IF_MATCH='"5"')
    assert stale.status_code == 412 and Action.objects.get(pk=action_id).status == "planned"
    done = editor.patch(
        f"/api/v1/actions/{action_id}/",
        {"status": "done", "completed_on": "2025-04-20"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert done.status_code == 200 and done.json()["overdue"] is False and done["ETag"] == '"2"'
    # The monitor, the prosecutor and an editor of another region keep no actions here.
    assert registry_world.clients["npm"].post(url, {}, format="json").status_code == 403
    assert (
        registry_world.world.clients["prosecutor"].patch(f"/api/v1/actions/{action_id}/", {}, format="json").status_code
        == 403
    )
    assert editor.post(f"/api/v1/findings/{registry_world.spt_rec.pk}/actions/", {}, format="json").status_code == 403


def test_a_judgement_by_the_mechanism_and_refused_to_others(registry_world):
    rec = registry_world.npm_rec
    url = f"/api/v1/findings/{rec.pk}/judgements/"
    body = {"judgement": "achieved", "follow_up_date": "2025-06-01", "note": "All wings repaired"}
    for client in (registry_world.clients["spt"], registry_world.world.clients["prosecutor"]):
        refused = client.post(url, body, format="json")
        assert refused.status_code == 403 and set(refused.json()) == {"detail"}
    assert registry_world.clients["npm"].post(url, body, format="json", HTTP_IF_MATCH='"9"').status_code == 412
    assert not Judgement.objects.exists()
    answer = registry_world.clients["npm_a"].post(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert answer.status_code == 201, answer.content
    assert answer.json()["mechanism"] == "npm" and answer["ETag"] == '"2"'
    stored = registry_world.clients["npm"].get(f"/api/v1/findings/{rec.pk}/")
    assert (stored.json()["judgement"], stored.json()["judged_on"]) == ("achieved", "2025-06-01")
    assert [j["judgement"] for j in registry_world.world.clients["editor_a"].get(url).json()] == ["achieved"]
    bad = registry_world.clients["npm"].post(
        url, {"judgement": "perfect", "follow_up_date": "2025-06-01"}, format="json"
    )
    assert bad.status_code == 400 and "judgement" in bad.json()
    ro = registry_world.clients["npm"].patch(f"/api/v1/findings/{rec.pk}/", {"judgement": "achieved"}, format="json")
    assert ro.status_code == 400 and "judgements/" in ro.json()["judgement"][0]


def test_the_schema_tags_and_summarises_the_new_operations(registry_world):
    schema = registry_world.world.clients["admin"].get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert paths["/api/v1/source-documents/"]["post"]["tags"] == ["Source documents"]
    assert paths["/api/v1/actions/{id}/"]["patch"]["summary"] == "Update some fields of an action of a recommendation"
    assert paths["/api/v1/findings/{id}/judgements/"]["post"]["summary"] == (
        "Record a judgement of a recommendation's implementation"
    )
    assert any(p["name"] == "If-Match" for p in paths["/api/v1/findings/{id}/judgements/"]["post"]["parameters"])
