"""The demo's recommendations of the other mechanisms (issue 20, items 4 and 5): visit reports of the national
preventive mechanism (facility scope), and recommendations modelled on the UN Subcommittee's report
CAT/OP/KAZ/ROSP/1, the Committee against Torture's concluding observations CAT/C/KAZ/CO/3 and the Universal
Periodic Review A/HRC/28/10 (national scope), with actions (owners are units), progress reports, judgements
by the mechanism at a follow-up, and two evidence files made here (a public PNG, a private PDF).

The references of the UN documents are real; nothing else of them is: the paragraphs are the demo's own
(``D1``, ``D2``, ...), the texts are demo paraphrases (demo/texts.py, in English, Russian and Kazakh), and
every document's title says "Demo: ... (paraphrased for the demo, not its text)". Every row is marked
``is_demo`` (documents, recommendations, actions, judgements; progress reports and attachments belong to
demo recommendations and have no author).

``build_recommendations(facilities)`` returns plain dicts from the demo estate's facilities (no database,
no randomness: the same estate gives the same rows); ``seed_recommendations`` writes them idempotently by
natural keys (documents: mechanism and reference; recommendations: document and paragraph; actions:
recommendation and text; judgements: recommendation and follow-up date; progress reports: recommendation
and text; attachments: recommendation and file name), so a second seed_demo writes nothing. A demo
recommendation that users wrote on (a version above 1, a history row with a user, a report or judgement
with an author, an action not marked demo) is left as they left it, with everything under it.
"""

import datetime
import io
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from cells.models import StandardRule
from core.sync import SyncCounts, sync_rows
from facilities.models import Facility, Region
from inspections.models import Action, Finding, FindingAttachment, FindingUpdate, Judgement, SourceDocument

from .texts import (
    JUDGEMENT_NOTES,
    NATIONAL_ACTIONS,
    NATIONAL_RECOMMENDATIONS,
    NPM_FOLLOW_UP_ACTION,
    NPM_RECOMMENDATIONS,
    PROGRESS_REPORTS,
    RECOMMENDATION_DOCUMENTS,
    RESPONSIBLE_BODIES,
    fields,
    texts,
)

REASON = "seed_demo (generated demo recommendations)"
D = datetime.date

# The national preventive mechanism's visits: (region, kind of institution, date of the report, the indexes
# of NPM_RECOMMENDATIONS it makes). The institution is the region's first generated one of that kind.
NPM_VISITS: list[tuple[str, str, datetime.date, tuple[int, ...]]] = [
    ("KZ-35", "colony", D(2025, 4, 15), (0, 1, 2, 3)),
    ("KZ-63", "colony", D(2025, 9, 23), (4, 5, 0, 1)),
    ("KZ-75", "pre_trial_centre", D(2026, 5, 19), (2, 3, 4, 5)),
]
# What became of each of a visit's four recommendations, visit by visit: (status, judgement or "", days from
# the report to the follow-up, [(action status, days from the report to its due date)], evidence).
NPM_OUTCOMES: list[list[tuple[Any, ...]]] = [
    [
        ("resolved", "achieved", 220, [("done", 120)], "public"),
        ("in_progress", "partially_achieved", 220, [("done", 90), ("in_progress", 350)], ""),
        ("in_progress", "", 0, [("planned", 150)], ""),
        ("open", "", 0, [("planned", 120)], ""),
    ],
    [
        ("in_progress", "", 0, [("in_progress", 130)], ""),
        ("resolved", "", 0, [("done", 100)], "private"),
        ("open", "not_achieved", 260, [("cancelled", 90)], ""),
        ("open", "", 0, [], ""),
    ],
    [
        ("in_progress", "", 0, [("done", 60), ("planned", 400)], ""),
        ("open", "", 0, [("planned", 134)], ""),
        ("in_progress", "", 0, [("in_progress", 500)], ""),
        ("open", "", 0, [("planned", 420)], ""),
    ],
]
NPM_DEADLINE_DAYS = 365  # the mechanism asks for implementation within a year of its report

# The UN documents: mechanism -> (reference, date). Their recommendations set no deadline (they are late
# only by their actions' due dates).
NATIONAL_DOCUMENTS = {
    "spt": ("CAT/OP/KAZ/ROSP/1", D(2025, 4, 7)),
    "cat": ("CAT/C/KAZ/CO/3", D(2014, 12, 12)),
    "upr": ("A/HRC/28/10", D(2014, 12, 10)),
}
# Per recommendation of NATIONAL_RECOMMENDATIONS (in order): (responsible body, status, judgement or "",
# follow-up date, [(action, owner, status, due date)]).
NATIONAL_OUTCOMES: dict[str, list[tuple[Any, ...]]] = {
    "spt": [
        (
            "committee",
            "in_progress",
            "",
            None,
            [("plan", "committee", "done", D(2025, 10, 1)), ("train", "committee", "in_progress", D(2026, 6, 30))],
        ),
        (
            "government",
            "in_progress",
            "partially_achieved",
            D(2026, 4, 10),
            [("law", "interior", "in_progress", D(2026, 12, 31))],
        ),
        ("committee", "in_progress", "", None, [("plan", "committee", "in_progress", D(2027, 12, 31))]),
        ("interior", "open", "", None, [("law", "interior", "planned", D(2026, 3, 31))]),
        ("government", "open", "", None, []),
    ],
    "cat": [
        (
            "prosecutor",
            "in_progress",
            "",
            None,
            [("law", "prosecutor", "done", D(2016, 6, 30)), ("report", "prosecutor", "planned", D(2025, 12, 31))],
        ),
        ("committee", "resolved", "achieved", D(2022, 11, 15), [("plan", "committee", "done", D(2020, 12, 31))]),
        ("interior", "resolved", "", None, [("report", "interior", "done", D(2017, 3, 1))]),
        ("health", "open", "", None, [("law", "health", "planned", D(2027, 6, 30))]),
        ("prosecutor", "in_progress", "", None, [("report", "prosecutor", "in_progress", D(2024, 12, 31))]),
    ],
    "upr": [
        (
            "government",
            "in_progress",
            "",
            None,
            [("law", "government", "done", D(2018, 7, 1)), ("report", "committee", "in_progress", D(2027, 3, 31))],
        ),
        ("government", "open", "", None, [("law", "government", "planned", D(2026, 9, 30))]),
        ("health", "in_progress", "", None, [("plan", "health", "in_progress", D(2027, 12, 31))]),
        ("committee", "open", "", None, []),
    ],
}


@dataclass
class RecommendationData:
    """The generated rows: plain dicts keyed as their models' fields, references by natural key
    (``mechanism`` and ``reference`` of a document, ``facility_code``, ``region``, ``rule``)."""

    documents: list[dict] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)


def _institution(facilities: list[dict], region: str, kind: str) -> dict:
    """The first generated institution in operation of ``kind`` in ``region`` (by code), else the first
    generated one in operation anywhere."""
    generated = sorted(
        (f for f in facilities if f["code"].startswith("ДЕМО") and f["status"] == "operating"), key=lambda f: f["code"]
    )
    return next((f for f in generated if f["region"] == region and f["kind"] == kind), generated[0])


def _action(entry: dict, owner: str, status: str, due: datetime.date) -> dict:
    return {
        **fields("description", entry),
        "owner": owner,
        "due_date": due,
        "status": status,
        "completed_on": due - datetime.timedelta(days=14) if status == "done" else None,
    }


def build_recommendations(facilities: list[dict]) -> RecommendationData:
    """The demo's recommendations of the other mechanisms for the estate's ``facilities`` (the dicts of
    demo.estate.build_dataset). No database access."""
    data = RecommendationData()
    for visit, (region, kind, date, indexes) in enumerate(NPM_VISITS, start=1):
        facility = _institution(facilities, region, kind)
        code = facility["code"]
        reference = f"ДЕМО-НПМ-{date:%Y}/{visit:02d}"
        data.documents.append(
            {
                "mechanism": "npm",
                "reference": reference,
                "date": date,
                "url": "",
                **fields("title", RECOMMENDATION_DOCUMENTS["npm"], facility=code),
            }
        )
        for paragraph, (index, outcome) in enumerate(zip(indexes, NPM_OUTCOMES[visit - 1]), start=1):
            rule, text, action_text, report_text = NPM_RECOMMENDATIONS[index]
            status, judgement, follow_up, actions, evidence = outcome
            owner = RESPONSIBLE_BODIES["medical" if index == 2 else "institution"].format(code=code)
            planned = [  # the recommendation's own action, then the report to the mechanism on it
                _action(
                    NPM_FOLLOW_UP_ACTION if number else action_text,
                    owner,
                    action_status,
                    date + datetime.timedelta(days=days),
                )
                for number, (action_status, days) in enumerate(actions)
            ]
            reports = []
            for number, action in enumerate(planned):
                if action["status"] in ("done", "in_progress"):
                    report = report_text if action["status"] == "done" else PROGRESS_REPORTS["under_way"]
                    reports.append({"action": number, "status": "in_progress", "response": texts(report)["en"]})
            if status == "resolved" and reports:
                reports[-1]["status"] = "resolved"
            data.recommendations.append(
                {
                    "mechanism": "npm",
                    "reference": reference,
                    "paragraph": str(paragraph),
                    "scope": "facility",
                    "facility_code": code,
                    "region": facility["region"],
                    "rule": rule,
                    "responsible_body": RESPONSIBLE_BODIES["institution"].format(code=code),
                    **fields("description", text),
                    "deadline": date + datetime.timedelta(days=NPM_DEADLINE_DAYS),
                    "status": status,
                    "judgements": [(judgement, date + datetime.timedelta(days=follow_up))] if judgement else [],
                    "actions": planned,
                    "reports": reports,
                    "evidence": [(len(reports) - 1, evidence)] if evidence and reports else [],
                }
            )
    for mechanism, (reference, date) in NATIONAL_DOCUMENTS.items():
        data.documents.append(
            {
                "mechanism": mechanism,
                "reference": reference,
                "date": date,
                "url": "",
                **fields("title", RECOMMENDATION_DOCUMENTS[mechanism]),
            }
        )
        for number, (text, outcome) in enumerate(
            zip(NATIONAL_RECOMMENDATIONS[mechanism], NATIONAL_OUTCOMES[mechanism]), start=1
        ):
            body, status, judgement, follow_up, actions = outcome
            planned = [
                _action(NATIONAL_ACTIONS[action], RESPONSIBLE_BODIES[owner], action_status, due)
                for action, owner, action_status, due in actions
            ]
            reports = [
                {
                    "action": index,
                    "status": "resolved" if status == "resolved" and index == len(planned) - 1 else "in_progress",
                    "response": texts(PROGRESS_REPORTS["done" if a["status"] == "done" else "under_way"])["en"],
                }
                for index, a in enumerate(planned)
                if a["status"] in ("done", "in_progress")
            ]
            data.recommendations.append(
                {
                    "mechanism": mechanism,
                    "reference": reference,
                    "paragraph": f"D{number}",
                    "scope": "nation",
                    "facility_code": None,
                    "region": None,
                    "rule": None,
                    "responsible_body": RESPONSIBLE_BODIES[body],
                    **fields("description", text),
                    "deadline": None,
                    "status": status,
                    "judgements": [(judgement, follow_up)] if judgement else [],
                    "actions": planned,
                    "reports": reports,
                    "evidence": [],
                }
            )
    return data


def evidence_file(kind: str, label: str) -> tuple[str, bytes]:
    """A small evidence file made here with Pillow (never a file of the repository): ``kind`` "png" (a
    plan-like picture marked DEMO) or "pdf" (the same picture as a one-page PDF, its dates fixed so that
    its bytes never change). Returns (content type, bytes)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 309, 189), outline="black", width=3)
    for x in range(10, 310, 60):
        draw.line((x, 10, x, 189), fill="gray")
    draw.rectangle((40, 60, 280, 140), fill=(230, 230, 230), outline="black")
    draw.text((60, 80), "DEMO", fill="red")
    draw.text((60, 105), label[:40], fill="black")
    buffer = io.BytesIO()
    if kind == "pdf":
        fixed = time.gmtime(1767225600)  # 2026-01-01 00:00 UTC, not the time of the run
        image.save(buffer, "PDF", resolution=72.0, creationDate=fixed, modDate=fixed)
        return "application/pdf", buffer.getvalue()
    image.save(buffer, "PNG", optimize=False)
    return "image/png", buffer.getvalue()


@dataclass
class SeedOutcome:
    """What seed_recommendations wrote: the counts, the keys of the demo recommendations left as users left
    them, and the documents skipped because a document that is not the demo's holds their reference."""

    counts: SyncCounts
    kept: int = 0
    skipped_documents: list[str] = field(default_factory=list)


def _touched(findings) -> set[int]:
    """The ids of ``findings`` that users wrote on (the module's rule)."""
    user_history = Finding.history.filter(history_user__isnull=False).values("id")
    action_history = Action.history.filter(history_user__isnull=False).values("finding_id")
    return set(
        findings.filter(
            Q(version__gt=1)
            | Q(pk__in=user_history)
            | Q(updates__author__isnull=False)
            | Q(judgements__author__isnull=False)
            | Q(actions__is_demo=False)
            | Q(pk__in=action_history)
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def seed_recommendations(facilities: list[dict]) -> SeedOutcome:
    """Write build_recommendations(facilities) (see the module), after the estate is synchronised (its
    facilities exist). Returns the SeedOutcome."""
    data = build_recommendations(facilities)
    facility_ids = {code: (pk, region) for pk, code, region in Facility.objects.values_list("pk", "code", "region_id")}
    regions = dict(Region.objects.values_list("code", "pk"))
    rules = dict(StandardRule.objects.values_list("code", "pk"))
    outcome = SeedOutcome(counts=SyncCounts())
    foreign = set(
        SourceDocument.objects.filter(is_demo=False).values_list("mechanism", "reference")
    )  # references held by documents that are not the demo's
    documents = []
    for row in data.documents:
        if (row["mechanism"], row["reference"]) in foreign:
            outcome.skipped_documents.append(row["reference"])
        else:
            documents.append({**row, "is_demo": True})
    synced = sync_rows(
        SourceDocument, ("mechanism", "reference"), documents, SourceDocument.objects.filter(is_demo=True), REASON
    )
    counts = synced
    document_ids = {key: obj.pk for key, obj in synced.objects.items()}
    demo_findings = Finding.objects.filter(source_document__is_demo=True)
    touched = _touched(demo_findings)
    keys = {(d, p): pk for pk, d, p in demo_findings.values_list("pk", "source_document_id", "paragraph")}
    rows, children = [], []
    for rec in data.recommendations:
        document_id = document_ids.get((rec["mechanism"], rec["reference"]))
        if document_id is None:
            continue
        if keys.get((document_id, rec["paragraph"])) in touched:
            outcome.kept += 1
            continue
        facility = facility_ids.get(rec["facility_code"]) if rec["facility_code"] else None
        if rec["facility_code"] and facility is None:
            continue  # the institution is not in this database
        judgement, judged_on = rec["judgements"][-1] if rec["judgements"] else ("", None)
        rows.append(
            {
                "source_document_id": document_id,
                "paragraph": rec["paragraph"],
                "inspection_id": None,
                "mechanism": rec["mechanism"],
                "scope": rec["scope"],
                "region_id": facility[1] if facility else regions.get(rec["region"]) if rec["region"] else None,
                "facility_id": facility[0] if facility else None,
                "rule_id": rules.get(rec["rule"]) if rec["rule"] else None,
                "responsible_body": rec["responsible_body"],
                **{name: rec[name] for name in ("description", "description_ru", "description_kk")},
                # The same text as the recommendation (registers.recommendations writes an import alike).
                **{
                    f"recommendation{name[11:]}": rec[name]
                    for name in ("description", "description_ru", "description_kk")
                },
                "deadline": rec["deadline"],
                "status": rec["status"],
                "judgement": judgement,
                "judged_on": judged_on,
                "is_demo": True,
            }
        )
        children.append((document_id, rec))
    findings = sync_rows(Finding, ("source_document_id", "paragraph"), rows, demo_findings, REASON)
    counts = counts + findings
    finding_ids = {key: obj.pk for key, obj in findings.objects.items()}
    action_rows, judgement_rows = [], []
    for document_id, rec in children:
        finding_id = finding_ids[(document_id, rec["paragraph"])]
        action_rows += [{**a, "finding_id": finding_id, "is_demo": True} for a in rec["actions"]]
        note = {j: texts(JUDGEMENT_NOTES[j])["en"] for j in JUDGEMENT_NOTES}
        judgement_rows += [
            {
                "finding_id": finding_id,
                "mechanism": rec["mechanism"],
                "judgement": judgement,
                "follow_up_date": date,
                "note": note.get(judgement, ""),
                "is_demo": True,
            }
            for judgement, date in rec["judgements"]
        ]
    ids = list(finding_ids.values())
    actions = sync_rows(
        Action, ("finding_id", "description"), action_rows, Action.objects.filter(finding_id__in=ids), REASON
    )
    judgements = sync_rows(
        Judgement, ("finding_id", "follow_up_date"), judgement_rows, Judgement.objects.filter(finding_id__in=ids)
    )
    counts = counts + actions + judgements
    report_rows, evidence = [], []
    for document_id, rec in children:
        finding_id = finding_ids[(document_id, rec["paragraph"])]
        for report in rec["reports"]:
            action = rec["actions"][report["action"]]
            report_rows.append(
                {
                    "finding_id": finding_id,
                    "action_id": actions.objects[(finding_id, action["description"])].pk,
                    "status": report["status"],
                    "response": report["response"],
                }
            )
        for report_index, public in rec["evidence"]:
            evidence.append((finding_id, rec, rec["reports"][report_index]["response"], public))
    reports = sync_rows(
        FindingUpdate,
        ("finding_id", "response"),
        report_rows,
        FindingUpdate.objects.filter(finding_id__in=ids, author__isnull=True),
    )
    counts = counts + reports
    counts = counts + _attachments(evidence, reports)
    outcome.counts = counts
    return outcome


def _attachments(evidence: list[tuple[int, dict, str, str]], reports: SyncCounts) -> SyncCounts:
    """The evidence files (made by evidence_file), matched on their recommendation and file name, their
    bytes compared as bytes (a database returns a memoryview)."""
    counts = SyncCounts()
    for finding_id, rec, response, public in evidence:
        kind = "png" if public == "public" else "pdf"
        name = f"demo-evidence-{rec['reference'].replace('/', '-')}-{rec['paragraph']}.{kind}"
        content_type, content = evidence_file(kind, f"{rec['reference']} {rec['paragraph']}")
        values: dict[str, Any] = {
            "update_id": reports.objects[(finding_id, response)].pk,
            "content_type": content_type,
            "size": len(content),
            "public": public == "public",
        }
        stored = FindingAttachment.objects.filter(finding_id=finding_id, name=name).first()
        if stored is None:
            FindingAttachment.objects.create(finding_id=finding_id, name=name, content=content, **values)
            counts.created += 1
            continue
        changed = [k for k, v in values.items() if getattr(stored, k) != v]
        if bytes(stored.content) != content:
            stored.content = content
            changed.append("content")
        if changed:
            for k in changed:
                if k != "content":
                    setattr(stored, k, values[k])
            stored.save(update_fields=changed)
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def figures(today: datetime.date | None = None) -> dict[str, Any]:
    """The demo recommendations of the other mechanisms as seed_demo reports them: per mechanism the
    number, and in all how many are overdue (FindingQuerySet.overdue) and implemented
    (FindingQuerySet.implemented) on ``today`` (default: today, Asia/Almaty)."""
    rows = Finding.objects.filter(source_document__is_demo=True)
    per_mechanism = dict(_count_by(rows, "mechanism"))
    return {
        "per_mechanism": per_mechanism,
        "overdue": rows.overdue(today).count(),
        "implemented": rows.implemented().count(),
        "judged": rows.exclude(judgement="").count(),
        "public_evidence": FindingAttachment.objects.filter(finding__in=rows, public=True).count(),
    }


def _count_by(rows, name: str) -> list[tuple[str, int]]:
    return [(v[name], v["n"]) for v in rows.values(name).order_by(name).annotate(n=Count("id"))]
