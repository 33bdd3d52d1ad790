"""The one registry of recommendations (issue 20, part 4): recommendations of every mechanism with their
source documents and scope, actions with due dates (overdue per action), progress reports with public and
private evidence, judgements by the mechanism that made them; the pages, the export and the labels."""

import contextlib
import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import trans_real
from openpyxl import load_workbook

from core.versioning import StaleVersion
from inspections import decisions, registry, services
from inspections.models import Action, Finding, FindingAttachment, FindingUpdate, Judgement, SourceDocument
from tests.inspections.test_attachments import PDF, text_png, upload

JUNE = datetime.date(2025, 6, 1)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_facility_recommendation_of_the_npm_and_a_national_one_of_the_spt(registry_world):
    npm, spt = registry_world.npm_rec, registry_world.spt_rec
    a = registry_world.world.a
    assert (npm.mechanism, npm.scope, npm.facility_id, npm.region_id) == (
        "npm",
        "facility",
        a.facility.pk,
        a.facility.region_id,
    )
    assert npm.inspection_id is None and npm.source_document.reference == "NPM-2024/17"
    assert npm.source_label() == "NPM-2024/17, para. 12 (2025-03-01)"
    assert (spt.mechanism, spt.scope, spt.region_id, spt.facility_id) == ("spt", "nation", None, None)
    assert FindingUpdate.objects.filter(finding=spt, response="recommendation recorded").count() == 1
    # A regional NPM monitor reads the national recommendation and the one of their region.
    visible = set(Finding.objects.visible_to(registry_world.monitors["npm_a"]).values_list("pk", flat=True))
    assert {npm.pk, spt.pk} <= visible


@pytest.mark.parametrize(
    "place, field",
    [
        ({"scope": "facility"}, "facility"),
        ({"scope": "nation", "facility": "A"}, "facility"),
        ({"scope": "region"}, "region"),
        ({"scope": "cell", "cell": "B"}, "facility"),  # region B's cell: outside the regional monitor's scope
        ({"scope": "galaxy"}, "scope"),
    ],
)
def test_a_place_that_does_not_match_its_scope_writes_nothing(registry_world, place, field):
    world = registry_world.world
    values = {"A": world.a.facility, "B": world.b.cell}
    data = {k: values.get(v, v) for k, v in place.items()}
    before = Finding.objects.count()
    with pytest.raises(ValidationError) as refused:
        registry.save_recommendation(
            user=registry_world.monitors["npm_a"],
            data={"mechanism": "npm", "source_document": registry_world.npm_report, "description": "x", **data},
        )
    assert field in refused.value.message_dict
    assert Finding.objects.count() == before


def test_a_mechanism_records_only_its_own_recommendations_and_documents(registry_world):
    npm = registry_world.monitors["npm"]
    with pytest.raises(PermissionDenied):
        registry.save_recommendation(
            user=npm,
            data={
                "mechanism": "spt",
                "source_document": registry_world.spt_report,
                "scope": "nation",
                "description": "x",
            },
        )
    with pytest.raises(ValidationError) as refused:
        registry.save_recommendation(
            user=npm,
            data={
                "mechanism": "npm",
                "source_document": registry_world.spt_report,
                "scope": "nation",
                "description": "x",
            },
        )
    assert "source_document" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        registry.save_source_document(user=npm, data={"mechanism": "cat", "reference": "CAT/C/KAZ/CO/4", "date": JUNE})
    with pytest.raises(PermissionDenied):  # a ministry editor records no recommendation at all
        registry.save_source_document(
            user=registry_world.world.users["editor_a"], data={"mechanism": "npm", "reference": "X", "date": JUNE}
        )
    with pytest.raises(ValidationError) as duplicate:
        registry.save_source_document(user=npm, data={"mechanism": "npm", "reference": "NPM-2024/17", "date": JUNE})
    assert "__all__" in duplicate.value.message_dict or "reference" in duplicate.value.message_dict


def test_overdue_is_computed_per_action_and_the_daily_check_agrees(registry_world):
    finding = registry_world.npm_rec  # deadline 2025-12-31: not passed on JUNE
    editor = registry_world.world.users["editor_a"]
    done = registry.save_action(
        user=editor,
        finding=finding,
        data={
            "description": "Move 10 persons",
            "owner": "Colony F-A",
            "due_date": datetime.date(2025, 4, 1),
            "status": "done",
            "completed_on": datetime.date(2025, 3, 30),
        },
    )
    later = registry.save_action(
        user=editor,
        finding=finding,
        data={"description": "Build", "owner": "KUIS", "due_date": datetime.date(2025, 9, 1)},
    )
    assert not done.is_overdue(JUNE) and not later.is_overdue(JUNE)
    assert not finding.is_overdue(JUNE)
    assert finding not in Finding.objects.overdue(JUNE)
    late = registry.save_action(
        user=editor,
        finding=finding,
        data={"description": "Repair", "owner": "KUIS", "due_date": datetime.date(2025, 5, 1)},
    )
    assert late.is_overdue(JUNE) and Action.objects.overdue(JUNE).get() == late
    finding.refresh_from_db()
    assert finding.is_overdue(JUNE)
    assert list(Finding.objects.overdue(JUNE).filter(pk__in=[finding.pk, registry_world.spt_rec.pk])) == [finding]
    check = services.check_overdue(JUNE)
    finding.refresh_from_db()
    assert finding.overdue_since == JUNE and check.newly_overdue >= 1
    overdue_ids = set(Finding.objects.overdue(JUNE).values_list("pk", flat=True))
    assert overdue_ids == set(Finding.objects.filter(overdue_since__isnull=False).values_list("pk", flat=True))
    # The late action done: the recommendation is no longer overdue, and the next check clears the mark.
    registry.save_action(user=editor, action=late, data={"status": "done"}, version=late.version)
    assert not Finding.objects.get(pk=finding.pk).is_overdue(JUNE)
    services.check_overdue(JUNE)
    assert Finding.objects.get(pk=finding.pk).overdue_since is None


def test_an_action_edit_checks_the_version_and_its_dates(registry_world):
    editor = registry_world.world.users["editor_a"]
    action = registry.save_action(
        user=editor,
        finding=registry_world.npm_rec,
        data={"description": "Repair", "owner": "KUIS", "due_date": datetime.date(2025, 5, 1)},
    )
    registry.save_action(user=editor, action=action, data={"owner": "Colony F-A"}, version=1)
    with pytest.raises(StaleVersion):
        registry.save_action(user=editor, action=action, data={"owner": "Someone else"}, version=1)
    with pytest.raises(ValidationError) as refused:
        registry.save_action(user=editor, action=action, data={"completed_on": JUNE}, version=2)
    assert "completed_on" in refused.value.message_dict
    assert Action.objects.get(pk=action.pk).owner == "Colony F-A"
    with pytest.raises(PermissionDenied):  # a monitor keeps no actions: they are the responsible body's
        registry.save_action(user=registry_world.monitors["npm"], action=action, data={"owner": "x"})
    with pytest.raises(PermissionDenied):  # a national recommendation: only users with the national scope
        registry.save_action(
            user=editor, finding=registry_world.spt_rec, data={"description": "x", "owner": "y", "due_date": JUNE}
        )
    registry.save_action(
        user=registry_world.world.users["admin"],
        finding=registry_world.spt_rec,
        data={"description": "National plan", "owner": "KUIS", "due_date": JUNE},
    )


def test_progress_with_a_public_and_a_private_attachment(registry_world, client):
    world = registry_world.world
    editor = world.users["editor_a"]
    finding = registry_world.npm_rec
    action = registry.save_action(
        user=editor, finding=finding, data={"description": "Repair", "owner": "KUIS", "due_date": JUNE}
    )
    public = registry.report_progress(
        user=editor,
        action=action,
        response="Half the dormitory repaired",
        status="in_progress",
        attachments=[upload("wing.png", text_png())],
        public=True,
        version=action.version,
    )
    private = registry.report_progress(
        user=editor, action=action, response="Invoice", attachments=[upload("invoice.pdf", PDF)], public=False
    )
    assert (public.action_id, public.status) == (action.pk, finding.status)  # a report never moves the status
    assert Action.objects.get(pk=action.pk).status == "in_progress"
    flags = dict(FindingAttachment.objects.filter(finding=finding).values_list("name", "public"))
    assert flags == {"wing.png": True, "invoice.pdf": False}
    assert b"Location" not in bytes(FindingAttachment.objects.get(name="wing.png").content)  # metadata stripped
    # Bad files are refused before anything is written.
    with pytest.raises(ValidationError):
        registry.report_progress(user=editor, action=action, response="x", attachments=[upload("a.exe", b"MZ...")])
    assert FindingUpdate.objects.filter(action=action).count() == 2
    with pytest.raises(PermissionDenied):
        registry.report_progress(user=registry_world.monitors["npm"], action=action, response="x")
    # The page shows the action, the reports with the action they report on, and each file's flag.
    client.force_login(editor)
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert f'data-action="{action.pk}"' in page and "Half the dormitory repaired" in page
    assert page.count("evidence-public") == 1 and page.count("evidence-private") == 1
    # The editor makes the invoice public, then private again.
    invoice = FindingAttachment.objects.get(name="invoice.pdf")
    url = f"/findings/{finding.pk}/attachments/{invoice.pk}/visibility/"
    assert client.post(url, {"public": "true"}).status_code == 302
    assert FindingAttachment.objects.get(pk=invoice.pk).public is True
    assert client.post(url, {"public": "maybe"}).status_code == 400
    client.force_login(registry_world.monitors["npm"])
    assert client.post(url, {"public": "false"}).status_code == 403
    assert FindingAttachment.objects.get(pk=invoice.pk).public is True
    assert private.attachments.count() == 1


def test_a_judgement_by_the_mechanism_that_made_it(registry_world):
    finding = registry_world.npm_rec
    npm = registry_world.monitors["npm"]
    first = registry.record_judgement(
        user=npm, finding=finding, judgement="not_achieved", follow_up_date=datetime.date(2025, 5, 1), version=1
    )
    assert first.mechanism == "npm"
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.judgement, stored.judged_on, stored.version) == ("not_achieved", datetime.date(2025, 5, 1), 2)
    registry.record_judgement(
        user=registry_world.monitors["npm_a"],
        finding=finding,
        judgement="partially_achieved",
        follow_up_date=datetime.date(2025, 9, 1),
    )
    # An earlier follow-up recorded later does not replace the latest judgement.
    registry.record_judgement(user=npm, finding=finding, judgement="achieved", follow_up_date=datetime.date(2025, 4, 1))
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.judgement, stored.judged_on) == ("partially_achieved", datetime.date(2025, 9, 1))
    assert Finding.objects.filter(pk=finding.pk).implemented().count() == 0
    with pytest.raises(StaleVersion):
        registry.record_judgement(
            user=npm, finding=finding, judgement="achieved", follow_up_date=datetime.date(2025, 10, 1), version=1
        )
    for refused in (registry_world.monitors["spt"], registry_world.world.users["prosecutor"]):
        with pytest.raises(PermissionDenied):
            registry.record_judgement(
                user=refused, finding=finding, judgement="achieved", follow_up_date=datetime.date(2025, 10, 1)
            )
    with pytest.raises(ValidationError) as early:
        registry.record_judgement(
            user=npm, finding=finding, judgement="achieved", follow_up_date=datetime.date(2024, 1, 1)
        )
    assert "follow_up_date" in early.value.message_dict
    with pytest.raises(ValidationError) as bad:
        registry.record_judgement(user=npm, finding=finding, judgement="perfect", follow_up_date=None)
    assert set(bad.value.message_dict) == {"judgement", "follow_up_date"}
    assert Judgement.objects.filter(finding=finding).count() == 3


def test_national_recommendations_are_verified_and_answered_only_with_the_national_scope(registry_world):
    users = registry_world.world.users
    document = registry.save_source_document(
        user=users["prosecutor"], data={"mechanism": "prosecutor", "reference": "GP-1", "date": JUNE}
    )
    national = registry.save_recommendation(
        user=users["prosecutor"],
        data={"mechanism": "prosecutor", "source_document": document, "scope": "nation", "description": "All colonies"},
    )
    assert national.region_id is None
    for user in (users["prosecutor_a"], users["editor_a"], registry_world.monitors["npm"]):
        assert decisions.allowed_moves(user, national) == []
        with pytest.raises(PermissionDenied):
            decisions.check_may_change_finding(user, national)
    assert decisions.allowed_moves(users["prosecutor"], national) == ["rejected"]
    assert decisions.may_answer_finding(users["admin"], national)
    # Another mechanism's recommendation: the prosecutor does not verify it; the responsible body answers.
    npm = registry_world.npm_rec
    assert decisions.allowed_moves(users["prosecutor"], npm) == []
    assert decisions.allowed_moves(users["editor_a"], npm) == ["in_progress", "resolved"]
    assert decisions.allowed_moves(registry_world.monitors["npm"], npm) == []
    services.change_finding_status(user=users["editor_a"], finding=npm, status="in_progress", response="started")
    assert Finding.objects.get(pk=npm.pk).status == "in_progress"


def test_a_finding_recorded_the_old_way_is_the_prosecutors_recommendation_of_its_facility(world):
    """The registry migrated findings in place: a finding recorded through the inspection service (and the
    factory's, as the migration left them) has the prosecutor's mechanism and its inspection's region and
    facility."""
    a = world.a
    finding = services.save_finding(
        user=world.users["prosecutor"],
        inspection=a.inspection,
        data={"severity": "high", "description": "Overcrowded", "block": a.block},
    )
    finding.refresh_from_db()
    assert (finding.mechanism, finding.scope, finding.facility_id, finding.region_id) == (
        "prosecutor",
        "block",
        a.facility.pk,
        a.facility.region_id,
    )
    assert finding.source_label() == str(a.inspection)
    for old in Finding.objects.filter(inspection__isnull=False):
        assert (old.facility_id, old.region_id) == (old.inspection.facility_id, old.inspection.facility.region_id)
    assert Finding.objects.get(pk=a.finding.pk).mechanism == "prosecutor"


def test_the_registry_page_filters_and_columns(registry_world, client):
    world = registry_world.world
    client.force_login(world.users["prosecutor"])
    page = client.get("/findings/").content.decode()
    assert "<h1>Recommendations and findings</h1>" in page
    for header in ("Mechanism", "Source", "Scope", "Responsible body", "Judgement", "Status"):
        assert f'<th scope="col">{header}</th>' in page
    assert "CAT/OP/KAZ/ROSP/1, para. 45 (2024-01-10)" in page
    spt = client.get("/findings/", {"mechanism": "spt"}).content.decode()
    assert f'href="/findings/{registry_world.spt_rec.pk}/"' in spt
    assert f'href="/findings/{registry_world.npm_rec.pk}/"' not in spt
    national = client.get("/findings/", {"scope": "nation"}).content.decode()
    assert national.count('data-mechanism="') == 1
    registry.record_judgement(
        user=registry_world.monitors["npm"],
        finding=registry_world.npm_rec,
        judgement="achieved",
        follow_up_date=datetime.date(2025, 5, 1),
    )
    judged = client.get("/findings/", {"judgement": "achieved"}).content.decode()
    assert judged.count('data-mechanism="npm"') == 1 and "Achieved" not in judged.split("<tbody>")[0]
    unjudged = client.get("/findings/", {"judgement": "not_judged", "mechanism": ["npm", "spt"]}).content.decode()
    assert unjudged.count('data-mechanism="') == 1 and 'data-mechanism="spt"' in unjudged
    assert client.get("/findings/", {"mechanism": "martian"}).status_code == 200
    region_b = client.get("/findings/", {"region": "KZ-10"}).content.decode()
    assert 'data-mechanism="npm"' not in region_b


def test_the_detail_page_shows_the_source_scope_body_actions_and_judgements(registry_world, client):
    finding = registry_world.npm_rec
    registry.save_action(
        user=registry_world.world.users["editor_a"],
        finding=finding,
        data={"description": "Repair the roof", "owner": "KUIS", "due_date": datetime.date(2025, 5, 1)},
    )
    registry.record_judgement(
        user=registry_world.monitors["npm"],
        finding=finding,
        judgement="partially_achieved",
        follow_up_date=datetime.date(2025, 5, 2),
        note="Two of three wings",
    )
    client.force_login(registry_world.monitors["npm"])
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    for text in (
        "NPM-2024/17, para. 12 (2025-03-01)",
        "Visit to F-A",
        "Department of the penal correction system, Karaganda",
        "Repair the roof",
        "badge overdue",
        "Two of three wings",
        "partially achieved",
        f'href="/findings/{finding.pk}/judgements/new/"',
    ):
        assert text in page, text
    assert f"/findings/{finding.pk}/actions/new/" not in page  # the monitor keeps no actions
    client.force_login(registry_world.monitors["spt"])
    assert (
        f'href="/findings/{finding.pk}/judgements/new/"' not in client.get(f"/findings/{finding.pk}/").content.decode()
    )
    assert client.get(f"/findings/{finding.pk}/judgements/new/").status_code == 403


def test_the_forms_record_a_recommendation_an_action_progress_and_a_judgement(registry_world, client):
    world = registry_world.world
    client.force_login(registry_world.monitors["npm_a"])
    assert client.get("/findings/new/").status_code == 200
    answer = client.post(
        "/findings/new/",
        {
            "mechanism": "npm",
            "new_reference": "NPM-2025/3",
            "new_date": "2025-04-02",
            "new_url": "https://ombudsman.kz/npm/2025-3",
            "paragraph": "4",
            "scope": "facility",
            "facility": world.a.facility.pk,
            "responsible_body": "Colony F-A",
            "description": "No natural light in block 2",
            "description_ru": "Нет естественного света",
            "description_kk": "Табиғи жарық жоқ",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    created = Finding.objects.get(description="No natural light in block 2")
    assert created.source_document.reference == "NPM-2025/3" and created.mechanism == "npm"
    assert created.description_kk == "Табиғи жарық жоқ"
    # Outside the regional monitor's region: a form error, nothing written.
    refused = client.post(
        "/findings/new/",
        {"mechanism": "npm", "source_document": registry_world.npm_report.pk, "scope": "nation", "description": "x"},
    )
    assert refused.status_code == 200 and "Only a user with the national scope" in refused.content.decode()
    assert SourceDocument.objects.filter(mechanism="npm").count() == 2
    # The editor of region A adds an action and reports progress on it with public evidence.
    client.force_login(world.users["editor_a"])
    assert client.get(f"/findings/{created.pk}/actions/new/").status_code == 200
    answer = client.post(
        f"/findings/{created.pk}/actions/new/",
        {"description": "Install windows", "owner": "KUIS", "due_date": "2025-08-01", "status": "planned"},
    )
    assert answer.status_code == 302
    action = created.actions.get()
    answer = client.post(
        f"/findings/{created.pk}/actions/{action.pk}/progress/",
        {
            "response": "Windows ordered",
            "status": "in_progress",
            "public": "on",
            "version": action.version,
            "attachments": [upload("order.pdf", PDF)],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    assert FindingAttachment.objects.get(finding=created).public is True
    stale = client.post(
        f"/findings/{created.pk}/actions/{action.pk}/edit/",
        {
            "description": "Install windows",
            "owner": "Other",
            "due_date": "2025-08-01",
            "status": "planned",
            "version": 1,
        },
    )
    assert stale.status_code == 200 and Action.objects.get(pk=action.pk).owner == "KUIS"
    # The monitor of the mechanism judges it.
    client.force_login(registry_world.monitors["npm_a"])
    created.refresh_from_db()
    answer = client.post(
        f"/findings/{created.pk}/judgements/new/",
        {"judgement": "not_achieved", "follow_up_date": "2025-05-01", "version": created.version},
    )
    assert answer.status_code == 302
    assert Finding.objects.get(pk=created.pk).judgement == "not_achieved"


def test_the_export_has_the_registry_columns(registry_world, client):
    registry.record_judgement(
        user=registry_world.monitors["npm"],
        finding=registry_world.npm_rec,
        judgement="achieved",
        follow_up_date=datetime.date(2025, 5, 1),
    )
    client.force_login(registry_world.world.users["admin"])
    text = _body(client.get("/findings/", {"export": "csv", "mechanism": "npm"})).decode("utf-8-sig")
    columns, row = list(csv.reader(io.StringIO(text)))[:2]
    for name in ("Mechanism", "Source", "Scope", "Responsible body", "Judgement", "Date of the follow-up", "Overdue"):
        assert name in columns, name
    values = dict(zip(columns, row, strict=True))
    assert values["Mechanism"] == "national preventive mechanism"
    assert values["Source"] == "NPM-2024/17, para. 12 (2025-03-01)"
    assert (values["Scope"], values["Judgement"], values["Date of the follow-up"]) == (
        "facility",
        "achieved",
        "2025-05-01",
    )
    workbook = load_workbook(io.BytesIO(client.get("/findings/", {"export": "xlsx", "scope": "nation"}).getvalue()))
    rows = list(workbook.active.iter_rows(values_only=True))
    header = list(rows[0])
    assert rows[1][header.index("Mechanism")] == "UN Subcommittee on Prevention of Torture"
    assert rows[1][header.index("Responsible body")] == "Committee of the Penal Correction System"


@contextlib.contextmanager
def russian(entries: dict[str, str]):
    """The Russian catalogue with ``entries`` added for the block (the new msgids reach locale/ when the
    lead merges i18n-incoming): proves the labels go through gettext, whatever locale/ holds now."""
    catalog = trans_real.translation("ru")._catalog
    saved = {key: catalog.get(key) for key in entries}
    for key, value in entries.items():
        catalog[key] = value
    try:
        with translation.override("ru"):
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                for layer in catalog._catalogs:
                    layer.pop(key, None)
            else:
                catalog[key] = value


def test_the_new_labels_are_translated(registry_world, client):
    entries = {
        "Recommendations and findings": "Рекомендации и замечания",
        "Responsible body": "Ответственный орган",
        "Mechanism": "Механизм",
        "UN Subcommittee on Prevention of Torture": "Подкомитет ООН по предупреждению пыток",
        "Record a judgement": "Записать оценку",
    }
    client.force_login(registry_world.monitors["spt"])
    with russian(entries):
        page = client.get("/findings/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        detail = client.get(f"/findings/{registry_world.spt_rec.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        text = _body(client.get("/findings/", {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="ru")).decode("utf-8-sig")
    assert "<h1>Рекомендации и замечания</h1>" in page and "Ответственный орган" in page
    assert "Подкомитет ООН по предупреждению пыток" in page
    assert "Записать оценку" in detail and "Механизм" in detail
    assert "Механизм" in text.splitlines()[0] and "Ответственный орган" in text.splitlines()[0]
