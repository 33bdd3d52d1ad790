"""Roadmap phases in the reader's language (facilities.phases.phase_label) and the roadmap targets'
translations filled by load_targets without overwriting an administrator's text (issue 18, item 1)."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from facilities import phases
from facilities.models import RoadmapTarget
from facilities.phases import phase_label
from facilities.services import load_targets

TARGETS = json.loads((Path(settings.BASE_DIR) / "data" / "roadmap_targets.json").read_text(encoding="utf-8"))


def test_phase_label_in_english_and_other_texts_unchanged():
    assert phase_label("Phase 1 (2021-2023)", "en") == "Phase 1 (2021–2023)"
    assert phase_label("phase 3 (2027 - 2029)", "en") == "Phase 3 (2027–2029)"
    assert phase_label("Phase 2 (2024)", "en") == "Phase 2 (2024)"
    assert phase_label("Pilot of 2022") == "Pilot of 2022"
    assert phase_label("Этап 1 (2021–2023)") == "Этап 1 (2021–2023)"
    assert phase_label("Phase 1") == "Phase 1"
    assert phase_label("") == "" and phase_label(None) == ""


@pytest.mark.parametrize(
    ("language", "pattern", "expected"),
    [
        ("ru", "Этап %(number)s (%(years)s)", "Этап 1 (2021–2023)"),
        ("kk", "%(number)s-кезең (%(years)s)", "1-кезең (2021–2023)"),
    ],
)
def test_phase_label_formats_the_translated_message(monkeypatch, language, pattern, expected):
    """The number and the years go into the message of the language (the catalogs' ru and kk forms)."""
    seen = []

    def fake_gettext(message):
        seen.append((translation.get_language(), message))
        return pattern

    monkeypatch.setattr(phases, "gettext", fake_gettext)
    assert phase_label("Phase 1 (2021-2023)", language) == expected
    assert seen == [(language, "Phase %(number)s (%(years)s)")]
    with translation.override(language):
        assert phase_label("Phase 1 (2021-2023)") == expected


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_phase_label_uses_the_catalog_of_the_language(language):
    with translation.override(language):
        expected = translation.gettext("Phase %(number)s (%(years)s)") % {"number": "2", "years": "2024–2026"}
        assert phase_label("Phase 2 (2024-2026)") == expected
    assert phase_label("Phase 2 (2024-2026)", language) == expected


def test_load_targets_stores_the_translations(db):
    counts = load_targets()
    assert counts.created == 5
    blocks = RoadmapTarget.objects.get(metric="blocks_converted")
    assert blocks.source_ru.startswith("acca.media (2020), заместитель Генерального прокурора")
    assert blocks.source_kk.startswith("acca.media (2020), Бас прокурордың орынбасары")
    assert blocks.note_ru == "Около 5 % потребности, как указано в том же источнике."
    assert blocks.note_kk == "Сол дереккөзде айтылғандай, қажеттіліктің шамамен 5 %-ы."
    places = RoadmapTarget.objects.get(metric="places_converted")
    assert places.note == places.note_ru == places.note_kk == ""


def test_load_targets_fills_empty_translations_only(db):
    load_targets()
    RoadmapTarget.objects.update(source_ru="", source_kk="", note_ru="", note_kk="")
    blocks = RoadmapTarget.objects.get(metric="blocks_converted")
    blocks.source_ru = "Текст администратора"  # an administrator's translation
    blocks.save()
    share = RoadmapTarget.objects.get(metric="share_in_single_cells")
    share.note = "Official figure pending."  # an administrator rewrote the English note
    share.save()
    counts = load_targets()
    assert counts.created == 0 and counts.updated == 5 and counts.unchanged == 0
    blocks.refresh_from_db()
    assert blocks.source_ru == "Текст администратора"
    assert blocks.source_kk.startswith("acca.media (2020), Бас прокурордың орынбасары")
    assert blocks.note_ru == "Около 5 % потребности, как указано в том же источнике."
    share.refresh_from_db()
    assert share.note == "Official figure pending." and share.note_ru == "" and share.note_kk == ""
    assert share.source_ru == "Допущение демо-версии: опубликованная цель по доле лиц в одиночных камерах не найдена"
    by_key = {(t.metric, t.target_date): t for t in RoadmapTarget.objects.all()}
    for item in TARGETS["targets"]:
        target = by_key[(item["metric"], datetime.date.fromisoformat(item["target_date"]))]
        if target.metric != "blocks_converted":
            assert target.source_ru == item["source_ru"] and target.source_kk == item["source_kk"]
    again = load_targets()
    assert again.created == 0 and again.updated == 0 and again.unchanged == 5
    assert RoadmapTarget.objects.get(metric="blocks_converted").source_ru == "Текст администратора"
