"""Register imports under attack (issue 16, items 3, 4, 10, 16): no record left running for ever, the pages
take the background path, nothing is learnt of other regions, nothing written unchecked or twice, and
identifiers differing only in case are one record (in the file and against the database)."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cells.models import Cell
from facilities.models import Facility, ResidencePopulation, ResidentialBlock
from registers import services, tasks
from registers.models import ImportRecord
from tests.conftest import make_user, token_client
from tests.factories import BlockFactory, CellFactory, FacilityFactory

CELLS = (
    "facility_code,block_name,number,accommodation_type,living_space_m2,design_capacity\n"
    "F-1,Блок 1,S-1,single_occupancy_cell,6.6,1\n"
)


@pytest.fixture
def estate(standards, regions):
    facility = FacilityFactory(code="F-1", region__code="KZ-35")
    block = BlockFactory(facility=facility, name="Блок 1")
    CellFactory(block=block, number="A-1", accommodation_type="dormitory", design_capacity=10, occupancy=3)
    FacilityFactory(code="ЛА-155/6", region__code="KZ-10", name_ru="Секретная колония")
    editor = make_user("editor_h", "Ministry editors", regions=["KZ-35"])
    return facility, block, editor


def upload(user, data, kind="cells"):
    return services.upload(user=user, kind=kind, file_name=f"{kind}.csv", data=data.encode())


# --- item 3: a check that dies leaves a failed record with a reason --------------------------------


def test_a_check_stopped_by_the_time_limit_is_failed_with_the_reason(estate, monkeypatch):
    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("registers.imports.check_file", slow)
    record = upload(estate[2], CELLS)
    tasks.process_import(record.pk)
    record.refresh_from_db()
    assert record.status == "failed"
    assert record.message == "The file took longer than 15 minutes to process and was stopped; nothing was written."
    assert tasks.process_import.soft_time_limit == 900 and tasks.process_import.time_limit == 960


def test_a_confirm_that_raises_is_failed_and_writes_nothing(estate, monkeypatch):
    record = services.check(upload(estate[2], CELLS))
    record = services.start_confirm(record, user=estate[2])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("registers.imports._write_batch", broken)
    record = services.write_confirmed(record)
    assert (record.status, record.message) == (
        "failed",
        "The file could not be processed (RuntimeError); nothing was written.",
    )
    assert not Cell.objects.filter(number="S-1").exists()


@pytest.mark.parametrize("status", ["pending", "checking", "confirming"])
def test_the_sweep_fails_imports_stuck_in_a_step(estate, status):
    record = upload(estate[2], CELLS)
    fresh = upload(estate[2], CELLS)
    old = timezone.now() - services.STUCK_AFTER - datetime.timedelta(minutes=1)
    ImportRecord.objects.filter(pk=record.pk).update(status=status, step_started_at=old)
    ImportRecord.objects.filter(pk=fresh.pk).update(status=status)
    assert tasks.fail_stuck_imports() == 1
    record.refresh_from_db()
    assert record.status == "failed" and record.message.startswith("The import stopped without finishing (it was ")
    assert "nothing was written. Upload the file again." in record.message
    assert ImportRecord.objects.get(pk=fresh.pk).status == status  # still within its time
    # A message of the dead worker delivered again later finds the record failed: it does nothing.
    tasks.process_import(record.pk, confirm=(status == "confirming"))
    assert ImportRecord.objects.get(pk=record.pk).status == "failed" and not Cell.objects.filter(number="S-1").exists()


def test_the_sweep_is_in_the_beat_schedule():
    from roadmap_portal.celery import app

    assert app.conf.beat_schedule["fail-stuck-imports"]["task"] == "registers.tasks.fail_stuck_imports"


# --- item 4: the pages take the background path ----------------------------------------------------


def test_a_large_file_on_the_page_is_accepted_then_checked_and_confirmed_by_the_worker(
    estate, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_BYTES", 10)
    checked = []
    monkeypatch.setattr(services, "check", lambda record, **kw: checked.append(record.pk))  # the worker's part
    client.force_login(estate[2])
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = client.post("/imports/new/", {"kind": "cells", "file": SimpleUploadedFile("c.csv", CELLS.encode())})
    record = ImportRecord.objects.get()
    assert response["Location"] == f"/imports/{record.pk}/" and checked == [] and len(sent) == 1
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Waiting for the worker to check the file." in page
    monkeypatch.undo()
    monkeypatch.setattr(services, "BACKGROUND_BYTES", 10)
    services.check(record)  # the worker
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert "http-equiv" not in page and "Would be created" in page
    with django_capture_on_commit_callbacks(execute=False) as sent:
        client.post(f"/imports/{record.pk}/")
    record.refresh_from_db()
    assert record.status == "confirming" and len(sent) == 1 and not Cell.objects.filter(number="S-1").exists()
    from django.core.cache import cache

    cache.set(services.progress_key(record.pk), 2000)
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert "Writing: 2000 of 1 rows checked and written so far." in page and "http-equiv" in page
    sent[0]()  # the worker writes it
    record.refresh_from_db()
    assert record.status == "imported" and Cell.objects.filter(number="S-1").exists()


def test_in_the_eager_demo_a_large_file_is_done_when_the_page_answers(
    estate, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_BYTES", 10)
    client.force_login(estate[2])
    with django_capture_on_commit_callbacks(execute=True):  # the request's commit sends (eager: runs) the task
        response = client.post("/imports/new/", {"kind": "cells", "file": SimpleUploadedFile("c.csv", CELLS.encode())})
    assert ImportRecord.objects.get().status == "checked"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    assert ImportRecord.objects.get().status == "imported" and Cell.objects.filter(number="S-1").exists()


# --- item 10: nothing learnt of other regions, kinds refused up front, nothing unchecked written -----


def test_a_facility_code_of_another_region_is_refused_naming_nothing_of_it(estate):
    editor = estate[2]
    messages = []
    for code in ("ЛА-155/6", "ла-155/6"):
        data = f"code,kind,region,name_ru\n{code},colony,KZ-35,Новая\n"
        record = services.check(upload(editor, data, "facilities"))
        assert record.status == "rejected"
        messages.append(record.errors[0]["reason"])
    assert messages == [
        "The code 'ЛА-155/6' cannot be registered from your account; ask an administrator.",
        "The code 'ла-155/6' cannot be registered from your account; ask an administrator.",
    ]
    assert Facility.objects.get(code="ЛА-155/6").name_ru == "Секретная колония"
    # An administrator is told it is the existing facility (and changes it in place).
    admin = make_user("admin_h", "Administrators")
    record = services.process(
        upload(admin, "code,kind,region,name_ru\nла-155/6,colony,KZ-10,Новая\n", "facilities"), confirm=True
    )
    assert (record.status, record.updated, record.created) == ("imported", 1, 0)
    assert Facility.objects.filter(code__iexact="ЛА-155/6").count() == 1


def test_an_api_client_with_a_headcount_scope_is_refused_other_kinds_before_anything_is_stored(estate):
    client_user = make_user("hc_h", "API clients", headcount_regions=["KZ-35"])
    api = token_client(client_user)
    for kind, body in (("facilities", b"code\nX\n"), ("cells", CELLS.encode()), ("cells", b"x" * (21 * 1024 * 1024))):
        response = api.post(
            "/api/v1/imports/", {"kind": kind, "file": SimpleUploadedFile("f.csv", body)}, format="multipart"
        )
        assert response.status_code == 403, (kind, response.content[:200])
    assert not ImportRecord.objects.exists()
    response = api.post(
        "/api/v1/imports/",
        {
            "kind": "headcounts",
            "file": SimpleUploadedFile("h.csv", b"facility_code,occupancy,count_date\nF-1,5,2026-01-01\n"),
        },
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["status"] == "checked"


def test_the_page_confirms_only_a_checked_import(estate, client):
    editor = estate[2]
    client.force_login(editor)
    record = upload(editor, CELLS)  # pending: never checked
    response = client.post(f"/imports/{record.pk}/", follow=True)
    assert "Only a checked import without rejected rows can be confirmed; this one is waiting to be checked." in (
        response.content.decode()
    )
    assert ImportRecord.objects.get(pk=record.pk).status == "pending" and not Cell.objects.filter(number="S-1").exists()
    rejected = services.check(upload(editor, CELLS.replace("6.6", "-1")))
    assert rejected.status == "rejected"
    client.post(f"/imports/{rejected.pk}/")
    assert (
        ImportRecord.objects.get(pk=rejected.pk).status == "rejected" and not Cell.objects.filter(number="S-1").exists()
    )


def test_a_checked_file_that_changed_is_not_confirmed(estate, client):
    editor = estate[2]
    record = services.check(upload(editor, CELLS))
    assert record.status == "checked"
    name = record.file.name
    record.file.storage.delete(name)
    record.file.storage.save(name, ContentFile(CELLS.replace("S-1", "S-9").encode()))
    client.force_login(editor)
    response = client.post(f"/imports/{record.pk}/", follow=True)
    assert "The stored file is not the one that was checked; upload it again." in response.content.decode()
    assert ImportRecord.objects.get(pk=record.pk).status == "checked"
    assert not Cell.objects.filter(number__in=["S-1", "S-9"]).exists()
    assert record.checked_sha256 == hashlib.sha256(CELLS.encode()).hexdigest()


CASE_TWINS = [
    # (kind, file, what must hold afterwards)
    ("facilities", "code,kind,region\nNEW-1,colony,KZ-35\nnew-1,colony,KZ-35\n", None),
    ("blocks", "facility_code,name,accommodation_type\nF-1,Корпус А,dormitory\nf-1,корпус а,dormitory\n", None),
    (
        "cells",
        "facility_code,block_name,number,accommodation_type\nF-1,Блок 1,Q-1,dormitory\nF-1,блок 1,q-1,dormitory\n",
        None,
    ),
    (
        "headcounts",
        "facility_code,block_name,cell_number,occupancy,count_date\nF-1,Блок 1,A-1,4,2026-01-01\nF-1,БЛОК 1,a-1,5,2026-01-01\n",
        None,
    ),
    (
        "residence",
        "facility_code,home_region,count_date,persons\nF-1,KZ-10,2026-01-01,4\nf-1,kz-10,2026-01-01,5\n",
        None,
    ),
]


@pytest.mark.parametrize("kind,data,_unused", CASE_TWINS, ids=[t[0] for t in CASE_TWINS])
def test_rows_naming_one_record_in_two_letter_cases_are_a_duplicate(estate, kind, data, _unused):
    record = services.check(upload(estate[2], data, kind))
    assert (record.status, record.rejected) == ("rejected", 1)
    assert record.errors[0]["row"] == 3 and record.errors[0]["reason"].startswith("The same key as row 2")


def test_case_twins_of_records_in_the_database_are_those_records(estate):
    facility, block, editor = estate
    admin = make_user("admin_t", "Administrators")
    # A block named in another case is the block (updated in place, its name as stored).
    record = services.process(
        upload(editor, "facility_code,name,accommodation_type,floors\nf-1,БЛОК 1,dormitory,3\n", "blocks"), confirm=True
    )
    assert (record.status, record.created, record.updated) == ("imported", 0, 1)
    assert list(ResidentialBlock.objects.filter(facility=facility).values_list("name", "floors")) == [("Блок 1", 3)]
    # A cell numbered in another case, in a block named in another case, is the cell.
    record = services.process(
        upload(
            editor, "facility_code,block_name,number,accommodation_type,living_space_m2\nf-1,блок 1,a-1,dormitory,30\n"
        ),
        confirm=True,
    )
    assert (record.status, record.created, record.updated) == ("imported", 0, 1)
    assert list(Cell.objects.filter(block=block).values_list("number", "living_space_m2")) == [
        ("A-1", Decimal("30.00"))
    ]
    # A headcount of that cell in another case counts it.
    record = services.process(
        upload(
            editor,
            "facility_code,block_name,cell_number,occupancy,count_date\nf-1,блок 1,a-1,7,2026-01-01\n",
            "headcounts",
        ),
        confirm=True,
    )
    assert (record.status, record.updated) == ("imported", 1) and Cell.objects.get(number="A-1").occupancy == 7
    # A facility code in another case is the facility.
    record = services.process(
        upload(admin, "code,kind,region,locality\nf-1,colony,KZ-35,Town\n", "facilities"), confirm=True
    )
    assert (record.status, record.created, record.updated) == ("imported", 0, 1)
    assert list(Facility.objects.filter(code__in=["F-1", "f-1"]).values_list("code", "locality")) == [("F-1", "Town")]
    record = services.process(
        upload(editor, "facility_code,home_region,count_date,persons\nf-1,kz-10,2026-01-01,4\n", "residence"),
        confirm=True,
    )
    assert record.status == "imported" and ResidencePopulation.objects.get().facility == facility


# --- item 16: a second confirm is told what happened -----------------------------------------------


def test_a_second_confirm_is_409_with_what_happened(estate):
    editor = estate[2]
    record = services.check(upload(editor, CELLS))
    api = token_client(editor)
    first = api.post(f"/api/v1/imports/{record.pk}/confirm/")
    assert first.status_code == 200 and first.json()["status"] == "imported"
    second = api.post(f"/api/v1/imports/{record.pk}/confirm/")
    assert second.status_code == 409
    detail = second.json()["detail"]
    assert detail.startswith("This import was already confirmed on ") and second.json()["status"] == "imported"
    assert detail.endswith(" by editor_h: 1 rows written (1 created, 0 updated); nothing more was written.")
    assert Cell.objects.filter(number="S-1").count() == 1


def test_a_confirm_while_another_writes_is_409(estate, client):
    editor = estate[2]
    record = services.start_confirm(services.check(upload(editor, CELLS)), user=editor)  # the first one is writing
    response = token_client(editor).post(f"/api/v1/imports/{record.pk}/confirm/")
    assert response.status_code == 409 and response.json()["detail"].startswith("This import is being written since ")
    assert "confirmed by editor_h; nothing more was written." in response.json()["detail"]
    client.force_login(editor)
    page = client.post(f"/imports/{record.pk}/", follow=True).content.decode()
    assert "This import is being written since " in page
    assert (
        ImportRecord.objects.get(pk=record.pk).status == "confirming" and not Cell.objects.filter(number="S-1").exists()
    )


def test_the_broker_down_notice_tells_import_checks_from_recomputes(estate, browser):
    from core.models import PendingTask

    PendingTask.objects.create(task="cells.tasks.recalculate_compliance", kwargs={"facility_ids": [1]})
    for pk in (1, 2):
        PendingTask.objects.create(task=tasks.process_import.name, kwargs={"record_id": pk})
    page = browser.get("/").content.decode()
    assert "The background queue was unreachable: 1 recompute is waiting and will be sent when it is back." in page
    assert (
        "The background queue was unreachable: 2 register imports are waiting to be checked or written and will be "
        "sent when it is back." in page
    )
    assert "recomputes are waiting" not in page


def test_the_background_threshold_is_the_unpacked_content_not_the_packed_file(db):
    """An XLSX is a ZIP: 0.9 MB on disk held 400,000 rows (80 MB of sheet) and was checked inside the
    request. The threshold compares what the file holds once unpacked (core.tabular.unpacked_size)."""
    import io
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * (services.BACKGROUND_BYTES // 6 + 1))
    assert len(packed.getvalue()) < services.BACKGROUND_BYTES // 10  # small on disk
    record = ImportRecord(kind="cells")
    record.file.save("survey.xlsx", ContentFile(packed.getvalue()), save=False)
    assert services.in_background(record)
    small = ImportRecord(kind="cells")
    small.file.save("survey.csv", ContentFile(CELLS.encode()), save=False)
    assert not services.in_background(small)
