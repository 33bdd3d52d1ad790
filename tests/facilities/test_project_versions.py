"""Versions of conversion projects, blocks and facilities (issue 24): the project's plan edit (API and
page), ETags, If-Match on the project's writes (412, nothing written), the stale progress and plan pages,
the admin change forms of blocks, facilities and projects (core.admin.VersionedAdmin), and the schema."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from facilities import services
from facilities.models import ConversionProject, Facility, ResidentialBlock

TODAY = timezone.localdate()


def _snapshot(project_id):
    project = ConversionProject.objects.get(pk=project_id)
    return model_to_dict(project), project.version, project.history.count(), project.updates.count()


def _progress_body(project, **changes):
    return {
        "version": project.version,
        "date": TODAY.isoformat(),
        "status": "construction",
        "percent_complete": "70",
        "budget_spent_kzt": "700000",
        "note": "mine",
        **changes,
    }


def test_details_of_projects_and_blocks_answer_their_etag(world):
    api = world.clients["editor_a"]
    project = api.get(f"/api/v1/conversions/{world.a.project.pk}/")
    assert project["ETag"] == f'"{world.a.project.version}"'
    block = api.get(f"/api/v1/blocks/{world.a.block.pk}/")
    assert block.status_code == 200 and block["ETag"] == '"1"' and block.json()["version"] == 1


def test_the_plan_edit_writes_only_the_fields_sent(world):
    project = world.a.project
    url = f"/api/v1/conversions/{project.pk}/"
    ConversionProject.objects.filter(pk=project.pk).update(percent_complete=Decimal("61"))  # a progress meanwhile
    response = world.clients["editor_a"].patch(
        url, {"contractor": "KazStroy", "budget_planned_kzt": "1500000", "target_cells": 4}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{project.version + 1}"'
    stored = ConversionProject.objects.get(pk=project.pk)
    assert (stored.contractor, stored.budget_planned_kzt, stored.target_cells) == ("KazStroy", Decimal("1500000"), 4)
    assert stored.percent_complete == Decimal("61")  # not written back
    assert stored.history.first().history_user.username == "editor_a"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"status": "completed"}, "status", "progress updates only"),
        ({"percent_complete": "100"}, "percent_complete", "progress updates only"),
        ({"budget_spent_kzt": "1"}, "budget_spent_kzt", "progress updates only"),
        ({"version": 1}, "version", "If-Match"),
        ({"colour": "red"}, "colour", "Unknown field"),
        ({"planned_start": "2026-01-01", "planned_end": "2025-01-01"}, "non_field_errors", "planned end"),
        ({"budget_planned_kzt": "-1"}, "budget_planned_kzt", "greater than or equal to 0"),
    ],
)
def test_the_plan_edit_refuses_what_it_does_not_write(world, body, field, words):
    project = world.a.project
    before = _snapshot(project.pk)
    response = world.clients["editor_a"].patch(f"/api/v1/conversions/{project.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()[field]), response.json()
    assert _snapshot(project.pk) == before


def test_the_plan_edit_is_for_editors_of_the_region(world):
    project = world.b.project  # region B
    for role, expected in (("editor_a", 404), ("prosecutor", 403), ("api_client", 403), ("nobody", 403)):
        response = world.clients[role].patch(
            f"/api/v1/conversions/{project.pk}/", {"contractor": "x"}, format="json", HTTP_IF_MATCH='"abc"'
        )
        assert response.status_code == expected, (role, response.content)  # the role before the header
    assert (
        world.clients["admin"]
        .patch(f"/api/v1/conversions/{project.pk}/", {"contractor": "x"}, format="json")
        .status_code
        == 200
    )


@pytest.mark.parametrize("endpoint", ["plan", "progress"])
def test_a_stale_if_match_answers_412_and_writes_nothing(world, endpoint):
    project = world.a.project
    read = ConversionProject.objects.get(pk=project.pk)
    services.update_project(user=world.users["admin"], project=project, data={"contractor": "Theirs"})
    before = _snapshot(project.pk)
    url = f"/api/v1/conversions/{project.pk}/"
    api = world.clients["editor_a"]
    if endpoint == "plan":
        send = lambda version: api.patch(url, {"roadmap_phase": "II"}, format="json", HTTP_IF_MATCH=version)  # noqa: E731
    else:
        body = _progress_body(read)
        send = lambda version: api.post(url + "progress/", body, format="json", HTTP_IF_MATCH=version)  # noqa: E731
    response = send(f'"{read.version}"')
    assert response.status_code == 412, response.content
    answer = response.json()
    assert (answer["version"], answer["your_version"], answer["changed_by"]) == (
        read.version + 1,
        read.version,
        "admin_u",
    )
    assert answer["changes"] == [{"field": "contractor", "label": "contractor", "then": "", "now": "Theirs"}]
    assert _snapshot(project.pk) == before
    assert send('"x"').status_code == 412 and _snapshot(project.pk) == before
    fresh = send(f'"{read.version + 1}"')
    assert fresh.status_code in (200, 201), fresh.content
    assert fresh["ETag"] == f'"{read.version + 2}"'


def test_a_progress_update_raises_the_version_even_when_no_figure_changes(world):
    """The update is a write of the project (its log): a second client that read the same version is told."""
    project = world.a.project
    read = ConversionProject.objects.get(pk=project.pk)
    body = _progress_body(
        read, percent_complete=str(read.percent_complete), budget_spent_kzt=str(read.budget_spent_kzt)
    )
    api = world.clients["editor_a"]
    url = f"/api/v1/conversions/{project.pk}/progress/"
    assert api.post(url, body, format="json").status_code == 201
    assert ConversionProject.objects.get(pk=project.pk).version == read.version + 1
    again = api.post(url, body, format="json")
    assert again.status_code == 409 and project.updates.filter(note="mine").count() == 1


def test_progress_writes_only_what_it_changes_and_records_the_reason(world):
    project = world.a.project
    ConversionProject.objects.filter(pk=project.pk).update(contractor="Set meanwhile")
    read = ConversionProject.objects.get(pk=project.pk)
    services.record_progress(
        project=read,
        user=world.users["editor_a"],
        **{**_progress_body(read), "percent_complete": Decimal("70")}
        | {"budget_spent_kzt": Decimal("700000"), "date": TODAY},
    )
    stored = ConversionProject.objects.get(pk=project.pk)
    assert (stored.contractor, stored.percent_complete) == ("Set meanwhile", Decimal("70"))
    record = stored.history.first()
    assert (record.history_user.username, record.history_change_reason) == (
        "editor_a",
        "progress update: construction: mine",
    )


def _page_data(form):
    """The values a browser would post for ``form`` (an unbound Django form), as strings."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    return data


def test_a_stale_progress_page_writes_nothing_and_shows_both_values(world, client):
    project = world.a.project
    client.force_login(world.users["editor_a"])
    url = f"/conversions/{project.pk}/progress/"
    page = client.get(url)
    data = {**_page_data(page.context["form"]), "percent_complete": "72", "note": "my update"}
    services.update_project(user=world.users["admin"], project=project, data={"contractor": "Theirs"})
    before = _snapshot(project.pk)
    stale = client.post(url, data).content.decode()
    assert "was changed by admin_u" in stale
    assert '<th scope="row">contractor</th><td>Theirs</td><td>—</td>' in stale  # not a field of this form
    assert 'value="72"' in stale and "my update" in stale
    assert _snapshot(project.pk) == before
    assert client.post(url, {**data, "version": before[1]}).status_code == 302
    assert ConversionProject.objects.get(pk=project.pk).percent_complete == Decimal("72")


def test_a_stale_plan_page_writes_nothing_and_shows_both_values(world, client):
    project = world.a.project
    client.force_login(world.users["editor_a"])
    url = f"/conversions/{project.pk}/edit/"
    assert f'href="{url}"' in client.get(f"/blocks/{project.block_id}/").content.decode()  # linked from the block
    page = client.get(url)
    assert page.status_code == 200 and f'name="version" value="{project.version}"' in page.content.decode()
    data = {**_page_data(page.context["form"]), "contractor": "Mine", "target_places": "3"}
    services.update_project(user=world.users["admin"], project=project, data={"contractor": "Theirs"})
    before = _snapshot(project.pk)
    stale = client.post(url, data).content.decode()
    assert "was changed by admin_u" in stale
    assert '<th scope="row">contractor</th><td>Theirs</td><td>Mine</td>' in stale
    assert _snapshot(project.pk) == before
    assert client.post(url, {**data, "version": before[1]}).status_code == 302
    stored = ConversionProject.objects.get(pk=project.pk)
    assert (stored.contractor, stored.target_places) == ("Mine", 3)
    assert client.get(f"/conversions/{world.b.project.pk}/edit/").status_code == 404
    client.force_login(world.users["prosecutor"])
    assert client.get(url).status_code == 403


# ---------------------------------------------------------------------------------------------------
# The admin change forms (core.admin.VersionedAdmin)


@pytest.mark.parametrize(
    ("model", "attr", "field", "theirs", "mine"),
    [
        (Facility, "facility", "locality", "Theirs town", "My town"),
        (ResidentialBlock, "block", "floors", 3, 5),
    ],
)
def test_a_stale_admin_save_is_refused_with_the_changes(world, client, model, attr, field, theirs, mine):
    obj = getattr(world.a, attr)
    client.force_login(world.users["admin"])
    world.users["admin"].is_staff = world.users["admin"].is_superuser = True
    world.users["admin"].save()
    url = f"/admin/facilities/{model._meta.model_name}/{obj.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = {**_page_data(page.context["adminform"].form), field: str(mine)}
    assert data["seen_version"] == "1"
    stored = model.objects.get(pk=obj.pk)
    setattr(stored, field, theirs)
    stored.save(update_fields=[field])  # another editor, version 2
    before = model_to_dict(model.objects.get(pk=obj.pk))
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, not a redirect
    text = response.content.decode()
    assert "was changed by" in text and f"stored now {theirs}, yours {mine}" in text
    assert model_to_dict(model.objects.get(pk=obj.pk)) == before
    assert 'name="seen_version" value="2"' in text
    assert client.post(url, {**data, "seen_version": "2"}).status_code == 302
    saved = model.objects.get(pk=obj.pk)
    assert (getattr(saved, field), saved.version) == (mine, 3)
    assert saved.history.first().history_user == world.users["admin"]


def test_an_admin_save_records_only_what_the_form_changed(world, client):
    facility = world.a.facility
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = f"/admin/facilities/facility/{facility.pk}/change/"
    data = {**_page_data(client.get(url).context["adminform"].form), "locality": "Temirtau"}
    assert client.post(url, data).status_code == 302
    stored = Facility.objects.get(pk=facility.pk)
    assert (stored.locality, stored.version) == ("Temirtau", 2)
    entry = stored.history.first()
    delta = entry.diff_against(entry.prev_record, excluded_fields=["version"])
    assert [c.field for c in delta.changes] == ["locality"] and entry.history_user == admin


def test_the_project_admin_change_form_carries_the_version(world, client):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(f"/admin/facilities/conversionproject/{world.a.project.pk}/change/").content.decode()
    assert f'name="seen_version" value="{world.a.project.version}"' in page


# ---------------------------------------------------------------------------------------------------
# The schema


def test_the_schema_documents_if_match_412_and_an_example(world):
    schema = world.clients["admin"].get("/api/schema/", {"format": "json"}).json()
    operations = [
        ("/api/v1/inspections/{id}/", "patch"),
        ("/api/v1/inspections/{id}/", "put"),
        ("/api/v1/findings/{id}/", "patch"),
        ("/api/v1/findings/{id}/", "put"),
        ("/api/v1/findings/{id}/status/", "post"),
        ("/api/v1/conversions/{id}/", "patch"),
        ("/api/v1/conversions/{id}/progress/", "post"),
    ]
    for path, method in operations:
        operation = schema["paths"][path][method]
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in operation["parameters"]), path
        stale = operation["responses"]["412"]["content"]["application/json"]
        assert stale["schema"]["$ref"].endswith("/VersionConflict"), path
        assert stale["examples"]["StaleVersion"]["value"]["your_version"] == 7, path
        assert "409" in operation["responses"], path
    assert "put" not in schema["paths"]["/api/v1/conversions/{id}/"]
