"""The demo's recommendations of the other mechanisms (demo.recommendations): deterministic, labelled demo,
idempotent, removed by --reset, and in the first release's content["recommendations"]."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from PIL import Image

from demo import recommendations, texts
from demo.estate import build_dataset
from inspections.models import Action, Finding, FindingAttachment, FindingUpdate, Judgement, SourceDocument
from public.models import Release

DAY = datetime.date(2026, 12, 8)  # the figures below are of this day (overdue depends on the day)


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_generator_is_deterministic_and_every_text_is_a_demo_paraphrase():
    facilities = build_dataset().facilities
    data = recommendations.build_recommendations(facilities)
    assert data == recommendations.build_recommendations(facilities)
    assert Counter(r["mechanism"] for r in data.recommendations) == {"npm": 12, "spt": 5, "cat": 5, "upr": 4}
    assert {r["scope"] for r in data.recommendations if r["mechanism"] == "npm"} == {"facility"}
    assert {r["scope"] for r in data.recommendations if r["mechanism"] != "npm"} == {"nation"}
    references = {d["mechanism"]: d["reference"] for d in data.documents}
    assert references["spt"] == "CAT/OP/KAZ/ROSP/1"
    # The real references' documents are said to be the demo's paraphrases in every language; the
    # paragraphs are the demo's own (D1, D2, ...), never the real document's numbers.
    for document in data.documents:
        assert document["title"].startswith("Demo:") and document["title_ru"].startswith("Демо:")
        assert document["title_kk"].startswith("Демо:")
        if document["mechanism"] != "npm":
            assert "not its text" in document["title"] or "not their text" in document["title"]
    assert {r["paragraph"] for r in data.recommendations if r["mechanism"] != "npm"} == {f"D{n}" for n in range(1, 6)}
    for rec in data.recommendations:
        assert rec["description"] and rec["description_ru"] and rec["description_kk"], rec
        keys = [a["description"] for a in rec["actions"]]
        assert len(keys) == len(set(keys)), rec  # actions are matched on their text
        responses = [r["response"] for r in rec["reports"]]
        assert len(responses) == len(set(responses)), rec
        assert all(not a["owner"][0].islower() for a in rec["actions"])  # units, never a person
    # The texts catalogue covers them (tests/demo/test_texts.py checks every entry's three languages).
    assert len(texts.recommendation_catalogue()) == 4 + 4 + 2 + 1 + 3 + 6 * 3 + 5 + 5 + 4


def test_evidence_files_are_made_in_code_and_never_change():
    png_type, png = recommendations.evidence_file("png", "ДЕМО-НПМ-2025/01 1")
    pdf_type, pdf = recommendations.evidence_file("pdf", "x")
    assert (png_type, pdf_type) == ("image/png", "application/pdf")
    assert Image.open(io.BytesIO(png)).size == (320, 200) and pdf.startswith(b"%PDF")
    assert recommendations.evidence_file("pdf", "x") == (pdf_type, pdf)  # its dates are fixed


@pytest.mark.django_db
def test_seed_demo_writes_them_once_labels_them_and_publishes_them():
    output = _seed()
    assert "Recommendations of the other mechanisms (generated demo data): cat 5, npm 12, spt 5, upr 4;" in output, (
        output
    )
    demo = Finding.objects.filter(source_document__isnull=False)
    assert dict(Counter(demo.values_list("mechanism", flat=True))) == {"npm": 12, "spt": 5, "cat": 5, "upr": 4}
    assert not demo.filter(is_demo=False).exists() and not SourceDocument.objects.filter(is_demo=False).exists()
    assert not Action.objects.filter(is_demo=False).exists() and not Judgement.objects.filter(is_demo=False).exists()
    assert SourceDocument.objects.count() == 6
    spt = SourceDocument.objects.get(reference="CAT/OP/KAZ/ROSP/1")
    assert (spt.mechanism, spt.date, spt.url) == ("spt", datetime.date(2025, 4, 7), "")
    assert spt.title.startswith("Demo: recommendations modelled on") and "not its text" in spt.title
    # Scope: the NPM's at a demo institution, the UN mechanisms' national.
    assert not demo.filter(mechanism="npm").exclude(scope="facility").exists()
    assert not demo.filter(mechanism="npm", facility__is_demo=False).exists()
    assert set(demo.exclude(mechanism="npm").values_list("scope", "region", "facility")) == {("nation", None, None)}
    figures = recommendations.figures(DAY)
    assert figures == {
        "per_mechanism": {"cat": 5, "npm": 12, "spt": 5, "upr": 4},
        "overdue": 12,
        "implemented": 2,
        "judged": 5,
        "public_evidence": 1,
    }
    assert set(demo.exclude(judgement="").values_list("judgement", flat=True)) == {
        "achieved",
        "partially_achieved",
        "not_achieved",
    }
    assert Action.objects.filter(finding__in=demo).overdue(DAY).count() >= 8
    assert Action.objects.filter(finding__in=demo, due_date__gte=DAY).exists()  # and some still to come
    assert FindingUpdate.objects.filter(finding__in=demo, author__isnull=True).count() >= 10
    public, private = (FindingAttachment.objects.get(finding__in=demo, public=flag) for flag in (True, False))
    assert (public.content_type, private.content_type) == ("image/png", "application/pdf")
    assert public.update is not None and bytes(public.content)[:8] == b"\x89PNG\r\n\x1a\n"
    # The first release carries them: counts per mechanism, the items and only the public evidence.
    content = Release.objects.current().content["recommendations"]
    by_mechanism = {row["mechanism"]: row for row in content["by_mechanism"]}
    for mechanism in ("spt", "cat", "upr"):
        assert by_mechanism[mechanism]["total"] == {"spt": 5, "cat": 5, "upr": 4}[mechanism]
    assert (
        by_mechanism["npm"]["total"] == 12 + Finding.objects.filter(mechanism="npm", inspection__isnull=False).count()
    )
    assert (
        by_mechanism["cat"]["judgements"]["achieved"] == 1
        and by_mechanism["spt"]["judgements"]["partially_achieved"] == 1
    )
    items = {item["id"]: item for item in content["items"]}
    assert {items[f.pk]["document"] for f in demo} == set(SourceDocument.objects.values_list("reference", flat=True))
    evidence = [e for item in content["items"] for e in item["evidence"]]
    assert evidence == [{"id": public.pk, "content_type": "image/png", "size": public.size}]

    # A second seed writes nothing.
    history = Finding.history.count(), Action.history.count(), SourceDocument.history.count()
    versions = sorted(demo.values_list("pk", "version"))
    again = _seed()
    assert "cat 5, npm 12, spt 5, upr 4;" in again and "Rows: 0 created, 0 updated, 85 unchanged." in again, again
    assert (Finding.history.count(), Action.history.count(), SourceDocument.history.count()) == history
    assert sorted(demo.values_list("pk", "version")) == versions
    assert FindingAttachment.objects.count() == 2 and Judgement.objects.count() == 5

    # A recommendation a user wrote on is kept as they left it; --reset removes and regenerates them all.
    edited = demo.get(mechanism="cat", paragraph="D4")
    edited.deadline = datetime.date(2027, 1, 31)
    edited.save()
    kept = _seed()
    assert "1 demo recommendation(s) that users wrote on kept as they left them." in kept
    edited.refresh_from_db()
    assert (edited.version, edited.deadline) == (2, datetime.date(2027, 1, 31))
    reset = _seed("--reset")
    assert "Rows: 85 created, 0 updated, 0 unchanged." in reset, reset
    assert demo.count() == 26 and SourceDocument.objects.count() == 6 and FindingAttachment.objects.count() == 2
    regenerated = demo.get(mechanism="cat", paragraph="D4")
    assert (regenerated.version, regenerated.deadline) == (1, None)
