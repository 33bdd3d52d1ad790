"""The register kind ``recommendations``: a mechanism's recommendations imported from CSV and XLSX through
the registers' import path (dry run, all or nothing, line-numbered errors, idempotent reruns, per-row
permission), with the SourceDocument rows it creates."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook

from facilities import decisions
from facilities.mechanisms import Mechanism
from facilities.models import StaffProfile
from inspections.models import Action, Finding, Judgement, SourceDocument
from registers import columns, imports, report, services
from registers.models import ImportRecord
from tests.conftest import make_user
from tests.factories import BlockFactory, CellFactory, FacilityFactory, InspectionFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "mechanism",
    "document_reference",
    "document_date",
    "document_title",
    "paragraph",
    "scope",
    "region",
    "facility_code",
    "block_name",
    "cell_number",
    "rule",
    "responsible_body",
    "recommendation_en",
    "recommendation_ru",
    "recommendation_kk",
    "deadline",
    "action",
    "action_owner",
    "action_due_date",
]
CPS = "Committee of the Penal Correction System"


def _row(**values) -> list[str]:
    base = {
        "mechanism": "npm",
        "document_reference": "NPM-35/2026-07",
        "document_date": "2026-03-12",
        "document_title": "Report on a preventive visit",
        "scope": "facility",
        "facility_code": "АҚ-159/7",
        "responsible_body": "Department of the Penal Correction System of Karaganda region",
        "recommendation_en": "Bring the living space to 4 m² per person.",
    }
    base.update(values)
    return [str(base.get(column, "")) for column in HEADER]


ROWS = [
    _row(paragraph="1", recommendation_ru="Обеспечить 4 м² на человека.", deadline="2026-12-31"),
    _row(
        paragraph="2",
        scope="block",
        region="KZ-35",
        block_name="Блок 1",
        rule="CPT-2015-2",
        action="Move persons to vacant places of block 2",
        action_owner="Administration of the institution",
        action_due_date="2026-06-30",
    ),
    _row(paragraph="3", scope="cell", block_name="Блок 1", cell_number="1-01", recommendation_en="Repair the window."),
    _row(
        mechanism="cat",
        document_reference="CAT/C/KAZ/CO/4",
        document_date="2014-12-12",
        document_title="Demo: concluding observations",
        paragraph="11",
        scope="nation",
        facility_code="",
        responsible_body=CPS,
        recommendation_en="",
        recommendation_kk="Демо ұсыныс мәтіні.",
    ),
    _row(
        mechanism="upr",
        document_reference="A/HRC/55/10",
        document_date="2024-01-22",
        document_title="",
        paragraph="140.12",
        scope="region",
        region="KZ-10",
        facility_code="",
        responsible_body=CPS,
    ),
]


def _csv(rows, header=HEADER, sep=",") -> bytes:
    def quote(value: str) -> str:
        return f'"{value}"' if (sep in value or '"' in value or "\n" in value) else value

    lines = [sep.join(header), *(sep.join(quote(v) for v in row) for row in rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _cell(column: str, value: str):
    """A value as a spreadsheet holds it: an ISO date as a date, an empty cell as none."""
    if column.endswith(("date", "deadline")) and value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value  # typed as text (a bad date stays what it is)
    return value or None


def _xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Recommendations"
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(header[i], v) for i, v in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def estate(standards, regions):
    facility = FacilityFactory(code="АҚ-159/7", region__code="KZ-35")
    block = BlockFactory(facility=facility, name="Блок 1")
    CellFactory(block=block, number="1-01")
    other = FacilityFactory(code="ЛА-155/6", region__code="KZ-10")
    BlockFactory(facility=other, name="Блок 1")
    admin = make_user("admin_r", "Administrators")
    return facility, block, admin


def monitor(username, mechanism, regions=()):
    user = make_user(username, "Monitors", regions=regions)
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    profile.mechanism = mechanism
    profile.save()
    return type(user).objects.get(pk=user.pk)  # without the profile cached before its mechanism


def run(data, user, confirm=True, name="recommendations.csv"):
    record = services.upload(user=user, kind="recommendations", file_name=name, data=data)
    return services.process(record, confirm=confirm)


def _errors(record) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in record.errors]


def _state():
    """Everything the import writes, to prove that nothing was (half-)written."""
    return (
        sorted(Finding.objects.values_list("pk", "version", "description")),
        sorted(SourceDocument.objects.values_list("pk", "version", "title")),
        sorted(Action.objects.values_list("pk", "owner", "due_date")),
    )


@pytest.mark.parametrize("build", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_import_creates_recommendations_documents_and_actions_then_reruns_unchanged(estate, build):
    facility, block, admin = estate
    data = build(ROWS)
    dry = run(data, admin, confirm=False, name="r." + build.__name__[1:])
    assert (dry.status, dry.rows, dry.created, dry.updated, dry.unchanged, dry.rejected) == ("checked", 5, 5, 0, 0, 0)
    assert not Finding.objects.exists() and not SourceDocument.objects.exists()  # a dry run writes nothing
    assert [c["row"] for c in dry.changes] == [2, 3, 4, 5, 6] and all(c["created"] for c in dry.changes)
    done = run(data, admin, name="r." + build.__name__[1:])
    assert (done.status, done.created, done.updated, done.unchanged) == ("imported", 5, 0, 0), done.errors
    documents = {d.reference: d for d in SourceDocument.objects.all()}
    assert set(documents) == {"NPM-35/2026-07", "CAT/C/KAZ/CO/4", "A/HRC/55/10"}  # one per document
    npm = documents["NPM-35/2026-07"]
    assert (npm.mechanism, npm.date, npm.title, npm.is_demo) == (
        "npm",
        datetime.date(2026, 3, 12),
        "Report on a preventive visit",
        False,
    )
    found = {f.paragraph: f for f in Finding.objects.select_related("source_document", "rule", "cell")}
    assert (found["1"].scope, found["1"].facility, found["1"].region_id, found["1"].deadline) == (
        "facility",
        facility,
        facility.region_id,
        datetime.date(2026, 12, 31),
    )
    assert (found["1"].description, found["1"].description_ru) == (
        "Bring the living space to 4 m² per person.",
        "Обеспечить 4 м² на человека.",
    )
    assert (found["2"].scope, found["2"].block, found["2"].rule.code) == ("block", block, "CPT-2015-2")
    assert (found["3"].scope, found["3"].cell.number, found["3"].block) == ("cell", "1-01", block)
    assert (found["11"].scope, found["11"].region, found["11"].facility, found["11"].mechanism) == (
        "nation",
        None,
        None,
        "cat",
    )
    # No English: the first text as written in the base field, and in its own language's.
    assert found["11"].description == found["11"].description_kk == "Демо ұсыныс мәтіні."
    assert (found["1"].recommendation, found["1"].recommendation_ru, found["11"].recommendation_kk) == (
        found["1"].description,
        "Обеспечить 4 м² на человека.",
        "Демо ұсыныс мәтіні.",
    )
    assert (found["140.12"].scope, found["140.12"].region.code, found["140.12"].facility) == ("region", "KZ-10", None)
    assert all(f.status == "open" and f.inspection_id is None and f.version == 1 for f in found.values())
    assert {f.source_document.reference for f in found.values()} == set(documents)
    (action,) = Action.objects.all()
    assert (action.finding, action.owner, action.due_date, action.created_by) == (
        found["2"],
        "Administration of the institution",
        datetime.date(2026, 6, 30),
        admin,
    )
    history = found["2"].history.first()
    assert (
        history.history_change_reason == f"import #{done.pk} (r.{build.__name__[1:]})" and history.history_user == admin
    )
    # The same file again: nothing created, nothing updated, no version raised.
    again = run(data, admin)
    assert (again.status, again.created, again.updated, again.unchanged) == ("imported", 0, 0, 5)
    assert {f.version for f in Finding.objects.all()} == {1} and Action.objects.count() == 1
    assert SourceDocument.objects.count() == 3 and {d.version for d in SourceDocument.objects.all()} == {1}


def test_a_changed_row_updates_the_recommendation_with_versioned_history(estate):
    facility, block, admin = estate
    run(_csv(ROWS), admin)
    title = "Report on the preventive visit of March 2026"
    changed = [*ROWS]
    changed[0] = _row(
        paragraph="1",
        recommendation_en="Bring the living space to 4.5 m² per person.",
        deadline="2027-03-31",
        document_title=title,
    )
    changed[1] = _row(
        paragraph="2",
        scope="block",
        block_name="Блок 1",
        rule="CPT-2015-2",
        action="Move persons to vacant places of block 2",
        action_owner="Department of the Penal Correction System",
        action_due_date="2026-09-30",
        document_title="",  # empty: as the first row of its document says
    )
    changed[2] = ROWS[2][:3] + [title] + ROWS[2][4:]
    data = _csv(changed)
    dry = run(data, admin, confirm=False)
    assert (dry.created, dry.updated, dry.unchanged, dry.rejected) == (0, 2, 3, 0), dry.errors
    entries = {e["row"]: e for e in report.entries("recommendations", dry.changes)}
    assert entries[2]["lines"] == [
        "recommendation (English): Bring the living space to 4 m² per person. -> "
        "Bring the living space to 4.5 m² per person.",
        "deadline: 31.12.2026 -> 31.03.2027",
        "document title: Report on a preventive visit -> Report on the preventive visit of March 2026",
    ]
    assert entries[2]["object"] == "recommendation npm / NPM-35/2026-07 / 1"
    assert entries[3]["lines"] == [
        "action owner: Administration of the institution -> Department of the Penal Correction System",
        "action due date: 30.06.2026 -> 30.09.2026",
    ]
    done = run(data, admin)
    assert (done.status, done.created, done.updated, done.unchanged) == ("imported", 0, 2, 3), done.errors
    first = Finding.objects.get(paragraph="1")
    assert (first.description, first.deadline, first.version) == (
        "Bring the living space to 4.5 m² per person.",
        datetime.date(2027, 3, 31),
        2,
    )
    assert first.description_ru == "Обеспечить 4 м² на человека."  # an empty cell leaves the stored value
    assert [h.description for h in first.history.order_by("history_id")] == [
        "Bring the living space to 4 m² per person.",
        "Bring the living space to 4.5 m² per person.",
    ]
    assert Finding.objects.get(paragraph="2").version == 1  # its document and action changed, not it
    document = SourceDocument.objects.get(reference="NPM-35/2026-07")
    assert (document.title, document.version) == ("Report on the preventive visit of March 2026", 2)
    (action,) = Action.objects.all()
    assert (action.owner, action.due_date) == ("Department of the Penal Correction System", datetime.date(2026, 9, 30))
    assert (run(data, admin).created, run(data, admin).updated) == (0, 0)


BAD = [
    _row(paragraph="1"),  # row 2: fine
    _row(mechanism="ombudsman", paragraph="2"),  # row 3: unknown mechanism
    _row(paragraph="3", region="KZ-10"),  # row 4: the facility is not in that region
    _row(paragraph="4", recommendation_en=""),  # row 5: no text
    _row(paragraph="5", document_date="31.02.2026"),  # row 6: bad date
    _row(mechanism="prosecutor", document_reference="PR-1", paragraph="1"),  # row 7: the prosecutor's
    _row(paragraph="6", rule="XX-1"),  # row 8: unknown rule
    _row(paragraph="7", scope="cell", block_name="Блок 1"),  # row 9: a cell scope without the cell
    _row(paragraph="8", action="Repair", action_owner="Administration"),  # row 10: an action without a due date
    _row(paragraph="9", document_date="2026-03-13"),  # row 11: another date of the document of row 2
    _row(paragraph="1"),  # row 12: the key of row 2 again
]


@pytest.mark.parametrize("build", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_every_refused_row_is_named_with_its_line_and_column_and_nothing_is_written(estate, build):
    facility, block, admin = estate
    before = _state()
    record = run(build(BAD), admin)
    assert record.status == "rejected" and record.rejected == 10 and record.rows == 11
    assert _errors(record) == [
        (3, "mechanism"),
        (6, "document_date"),
        (12, "paragraph"),
        (4, "region"),
        (5, "recommendation_en"),
        (7, "mechanism"),
        (8, "rule"),
        (9, "cell_number"),
        (10, "action_due_date"),
        (11, "document_date"),
    ]
    reasons = {e["row"]: e["reason"] for e in record.errors}
    assert reasons[3].startswith("'ombudsman' is not one of: prosecutor")
    assert reasons[4] == "The facility АҚ-159/7 is in region KZ-35, not in KZ-10."
    assert "at least one language" in reasons[5]
    assert "is not a date" in reasons[6]
    assert "prosecutor's findings are not imported" in reasons[7] and "inspection" in reasons[7]
    assert reasons[8] == "No standard rule 'XX-1'."
    assert reasons[11].startswith("Row 2 gives this document another value (2026-03-12)")
    assert reasons[12].startswith("The same key as row 2")
    assert _state() == before  # nothing half-written: the good row neither
    assert not Finding.objects.exists() and not SourceDocument.objects.exists()


def test_a_monitor_imports_only_their_own_mechanism_in_their_regions(estate):
    facility, block, admin = estate
    npm_35 = monitor("npm_35", "npm", regions=["KZ-35"])
    assert decisions.may_import(npm_35, "recommendations") and decisions.may_import(npm_35)
    assert not decisions.may_import(npm_35, "cells") and not decisions.may_import(npm_35, "headcounts")
    assert decisions.importable_kinds(npm_35, ImportRecord.Kind.choices) == [
        ("recommendations", ImportRecord.Kind.RECOMMENDATIONS.label)
    ]
    rows = [
        _row(paragraph="1"),  # row 2: their own, in their region
        _row(mechanism="spt", document_reference="CAT/OP/KAZ/ROSP/1", paragraph="5"),  # row 3: another mechanism
        _row(paragraph="2", scope="region", region="KZ-10", facility_code=""),  # row 4: outside their regions
        _row(paragraph="3", scope="nation", facility_code=""),  # row 5: national: not with regions
        _row(paragraph="4", facility_code="ЛА-155/6"),  # row 6: a facility they do not see
    ]
    record = run(_csv(rows), npm_35)
    assert record.status == "rejected" and record.rejected == 4
    assert _errors(record) == [(3, "mechanism"), (4, "region"), (5, "scope"), (6, "facility_code")]
    assert record.errors[0]["reason"] == (
        "You record only your own mechanism's recommendations (npm); this row is of spt."
    )
    assert record.errors[1]["reason"].startswith("Outside the regions of your responsibility")
    assert not Finding.objects.exists()
    done = run(_csv(rows[:1]), npm_35)
    assert (done.status, done.created) == ("imported", 1)
    assert Finding.objects.get().mechanism == "npm"
    # Another kind is refused before anything is stored, with the monitor's message.
    with pytest.raises(PermissionDenied, match="A monitor imports only their own mechanism's recommendations."):
        services.upload(user=npm_35, kind="cells", file_name="c.csv", data=b"facility_code\n")
    assert not ImportRecord.objects.filter(kind="cells").exists()


def test_who_may_import_recommendations(estate):
    facility, block, admin = estate
    editor = make_user("editor_r", "Ministry editors", regions=["KZ-35"])
    prosecutor = make_user("pros_r", "Prosecutors")
    no_mechanism = make_user("mon_none", "Monitors")
    assert decisions.may_import(admin, "recommendations")
    for user in (editor, prosecutor, no_mechanism):
        assert not decisions.may_import(user, "recommendations"), user
        with pytest.raises(PermissionDenied, match="Only monitors"):
            services.upload(user=user, kind="recommendations", file_name="r.csv", data=_csv(ROWS))
    assert decisions.may_import(editor, "cells") and not decisions.may_import(prosecutor)
    assert not ImportRecord.objects.exists()


def test_a_national_monitor_records_national_recommendations(estate):
    cat = monitor("cat_nat", "cat")
    record = run(_csv([ROWS[3]]), cat)
    assert (record.status, record.created) == ("imported", 1), record.errors
    # An existing recommendation of another user's scope is matched, never duplicated.
    assert run(_csv([ROWS[3]]), cat).unchanged == 1 and Finding.objects.count() == 1


def test_the_key_ignores_case_and_a_prosecutors_finding_is_left_alone(estate):
    facility, block, admin = estate
    inspection = InspectionFactory(facility=facility)
    finding = Finding.objects.create(inspection=inspection, description="Prosecutor's finding")
    run(_csv(ROWS[:1]), admin)
    lower = _row(
        document_reference="npm-35/2026-07",
        paragraph="1",
        recommendation_ru="Обеспечить 4 м² на человека.",
        deadline="2026-12-31",
    )
    again = run(_csv([lower]), admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert SourceDocument.objects.get().reference == "NPM-35/2026-07"  # the stored spelling stays
    finding.refresh_from_db()
    assert (finding.version, finding.mechanism) == (1, "prosecutor")


def test_templates_in_three_languages_read_back(estate):
    facility, block, admin = estate
    FacilityFactory(code="АК-159/7", region=facility.region)  # the template's example: a known institution
    for language in columns.LANGUAGES:
        header = columns.template_header("recommendations", language)
        example = columns.template_example("recommendations", language)
        assert len(header) == len(example) == len(columns.COLUMNS["recommendations"])
        dry = run(_csv([example], header=header, sep=";"), admin, confirm=False)
        assert (dry.status, dry.created, dry.rejected) == ("checked", 1, 0), (language, dry.errors, dry.message)
    assert columns.template_header("recommendations", "ru")[:3] == [
        "механизм *",
        "номер документа *",
        "дата документа *",
    ]
    with translation.override("kk"):
        npm = str(Mechanism.NPM.label)
    assert columns.template_example("recommendations", "kk")[0] == npm != "npm"


def test_the_command_imports_recommendations(estate, tmp_path, capsys):
    facility, block, admin = estate
    path = tmp_path / "recs.csv"
    path.write_bytes(_csv(ROWS))
    call_command("import_register", "recommendations", str(path), "--dry-run", "--user", admin.username)
    assert "5 rows, 5 created, 0 updated, 0 unchanged, 0 rejected (dry run" in capsys.readouterr().out
    call_command("import_register", "recommendations", str(path), "--user", admin.username)
    assert Finding.objects.count() == 5
    call_command("import_register", "recommendations", str(path), "--user", admin.username)
    assert "0 created, 0 updated, 5 unchanged" in capsys.readouterr().out


def test_the_upload_page_offers_a_monitor_only_recommendations(estate, client):
    npm_35 = monitor("npm_page", "npm", regions=["KZ-35"])
    client.force_login(npm_35)
    page = client.get("/imports/new/")
    assert page.status_code == 200
    kinds = [value for value, _label in page.context["form"].fields["kind"].choices]
    assert kinds == ["recommendations"] and [k for k, _l, _c in page.context["columns"]] == ["recommendations"]
    template = client.get("/imports/template/recommendations.csv")
    text = b"".join(template.streaming_content).decode("utf-8-sig")
    assert template.status_code == 200 and "document reference *" in text and "document_reference" not in text
    assert imports.COLUMNS["recommendations"][0].name == "mechanism"


def test_dates_before_the_source_document_are_refused_with_their_line(estate):
    """The deadline and an action's due date cannot come before the document (Finding.clean, Action.clean:
    the same rule as the API), and a re-import cannot date the document after a follow-up."""
    facility, block, admin = estate
    before = _state()
    record = run(
        _csv(
            [
                _row(paragraph="1", deadline="2020-01-01"),
                _row(paragraph="2", action="Inspect", action_owner=CPS, action_due_date="2020-01-01"),
            ]
        ),
        admin,
    )
    assert record.status == "rejected" and _state() == before
    reasons = {e["row"]: e["reason"] for e in record.errors}
    assert reasons[2] == "The deadline cannot be before the source document (2026-03-12)."
    assert reasons[3].startswith("This date cannot be before the recommendation's source (2026-03-12)")

    assert run(_csv([_row(paragraph="1")]), admin).status == "imported"
    finding = Finding.objects.get(paragraph="1")
    Judgement.objects.create(
        finding=finding, mechanism="npm", judgement="achieved", follow_up_date=datetime.date(2026, 6, 1)
    )
    later = run(_csv([_row(paragraph="1", document_date="2026-11-01")]), admin)
    assert later.status == "rejected"
    assert SourceDocument.objects.get().date == datetime.date(2026, 3, 12)
