"""Reference data is complete in every language (issue 18, item 1): each text of a standard profile, a
rule and a roadmap target in data/standards.json and data/roadmap_targets.json has a non-empty Russian
(``F_ru``) and Kazakh (``F_kk``) version, and each profile says where those versions come from."""

import json
from pathlib import Path

from django.conf import settings

DATA = Path(settings.BASE_DIR) / "data"
PROFILE_TEXTS = ("title", "reference", "verification_note")
RULE_TEXTS = ("summary", "source")
TARGET_TEXTS = ("source", "note")


def missing_translations(row: dict, fields: tuple[str, ...], where: str) -> list[str]:
    """``where.F_ru`` / ``where.F_kk`` for each text ``F`` of ``row`` (present and not empty) whose
    translation is absent or blank."""
    return [
        f"{where}.{field}_{language}"
        for field in fields
        if str(row.get(field) or "").strip()
        for language in ("ru", "kk")
        if not str(row.get(f"{field}_{language}") or "").strip()
    ]


def test_every_standard_text_has_russian_and_kazakh():
    data = json.loads((DATA / "standards.json").read_text(encoding="utf-8"))
    missing = []
    for profile in data["profiles"]:
        missing += missing_translations(profile, PROFILE_TEXTS, profile["code"])
        for rule in profile["rules"]:
            missing += missing_translations(rule, RULE_TEXTS, rule["code"])
    assert missing == []
    assert len(data["profiles"]) == 5 and sum(len(p["rules"]) for p in data["profiles"]) == 16


def test_every_profile_says_where_its_translations_come_from():
    data = json.loads((DATA / "standards.json").read_text(encoding="utf-8"))
    wrong = [
        f"{profile['code']}.{language}"
        for profile in data["profiles"]
        for language in ("ru", "kk")
        if not isinstance((entry := profile.get("language_sources", {}).get(language)), dict)
        or not isinstance(entry.get("official"), bool)
        or not str(entry.get("source") or "").strip()
    ]
    assert wrong == []


def test_every_roadmap_target_text_has_russian_and_kazakh():
    data = json.loads((DATA / "roadmap_targets.json").read_text(encoding="utf-8"))
    missing = []
    for item in data["targets"]:
        missing += missing_translations(item, TARGET_TEXTS, f"{item['metric']}@{item['target_date']}")
    assert missing == []
    assert len(data["targets"]) == 5


def test_the_check_fails_for_a_missing_translation():
    assert missing_translations({"summary": "x", "summary_ru": "y", "summary_kk": " "}, RULE_TEXTS, "R") == [
        "R.summary_kk"
    ]
    assert missing_translations({"source": "x"}, RULE_TEXTS, "R") == ["R.source_ru", "R.source_kk"]
    assert missing_translations({"note": ""}, TARGET_TEXTS, "T") == []
