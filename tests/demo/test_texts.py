"""The demo's texts: every catalogue entry in English, Russian and Kazakh; the generator writes all three."""

import re
import string

import pytest

from demo import texts
from demo.estate import build_dataset


def _placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("entry", texts.catalogue(), ids=lambda e: e["en"][:40])
def test_every_catalogue_entry_has_the_three_languages(entry):
    assert set(entry) == {"en", "ru", "kk"}
    assert all(entry[language].strip() for language in ("en", "ru", "kk")), entry
    # The same placeholders in every version, so that each one is filled alike.
    assert _placeholders(entry["ru"]) == _placeholders(entry["kk"]) == _placeholders(entry["en"]), entry
    # The Russian and Kazakh versions are in Cyrillic, not copies of the English.
    assert re.search("[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі]", entry["ru"]) and re.search("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]|[а-я]", entry["kk"])
    assert entry["ru"] != entry["en"] and entry["kk"] != entry["en"] and entry["ru"] != entry["kk"]


def test_the_catalogue_covers_every_kind_of_text():
    # block kinds, known notes, bodies, steps, findings; then the other mechanisms' recommendations
    assert len(texts.catalogue()) == 3 + 3 + 4 + 8 + 2 * 5 + len(texts.recommendation_catalogue())
    assert texts.block_name("cell", 3) == {
        "name": "Cell block 3",
        "name_ru": "Камерный корпус 3",
        "name_kk": "3-камералық корпус",
    }


def test_a_catalogue_entry_without_a_language_fails():
    broken = {"en": "Block {n}", "ru": "Жилой корпус {n}"}
    with pytest.raises(KeyError):
        texts.fields("name", broken, n=1)


def test_the_generator_writes_every_text_in_three_languages():
    data = build_dataset()
    for finding in data.findings:
        for field in ("description", "recommendation"):
            assert finding[field] and finding[f"{field}_ru"] and finding[f"{field}_kk"], finding
    assert all(i["summary"] and i["summary_ru"] and i["summary_kk"] for i in data.inspections)
    assert all(u["note"] and u["note_ru"] and u["note_kk"] for u in data.updates)
    assert all(b["name"] and b["name_ru"] and b["name_kk"] for b in data.blocks)
    assert all(f["name_en"] and f["name_ru"] and f["name_kk"] for f in data.facilities)
    # Proper names in Cyrillic, needing no translation.
    assert {p["contractor"] for p in data.projects} <= set(texts.CONTRACTORS)
    assert all(re.fullmatch(r"[А-ЯЁ]\. [А-ЯЁ][а-яё]+", i["lead_inspector"]) for i in data.inspections)
    finding = next(f for f in data.findings if f["rule"] == "SMR-14")
    room = finding["description"].removeprefix("Insufficient natural light in ").removesuffix(".")
    assert finding["description_ru"] == f"Недостаточное естественное освещение в помещении {room}."
    assert finding["description_kk"] == f"{room} үй-жайында табиғи жарық жеткіліксіз."


def test_known_institutions_are_named_in_three_languages():
    names = {f["code"]: f for f in build_dataset().facilities}
    assert names["АК-159/7"]["name_en"] == "Institution АК-159/7 (former Karlag site)"
    assert names["АК-159/7"]["name_ru"] == "Учреждение АК-159/7 (бывший Карлаг)"
    assert names["АК-159/7"]["name_kk"] == "АК-159/7 мекемесі (бұрынғы Қарлаг)"
    assert names["No. 34"]["name_ru"] == "Учреждение № 34"
