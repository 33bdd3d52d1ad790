"""Standards in the reader's language (issue 18, item 1): the loader stores the Russian and Kazakh texts
of data/standards.json, rules read as labels (never metric codes), and /standards/ and the standards API
show the texts, and whether each translation is official, in the reader's language."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from cells.models import StandardProfile, StandardRule
from cells.services import load_standards

DATA = json.loads((Path(settings.BASE_DIR) / "data" / "standards.json").read_text(encoding="utf-8"))
MANDELA_RU_SOURCE = next(p for p in DATA["profiles"] if p["code"] == "MANDELA-2015")["language_sources"]["ru"]["source"]


def in_language(language, text, **values):
    with translation.override(language):
        return translation.gettext(text) % values if values else translation.gettext(text)


def test_loader_stores_the_russian_and_kazakh_texts(standards):
    cpt = StandardProfile.objects.get(code="CPT-2015")
    assert cpt.title_ru == "Жизненное пространство на одного заключённого в пенитенциарных учреждениях: стандарты ЕКПП"
    assert cpt.title_kk == "Пенитенциарлық мекемелердегі бір қамаудағы адамға шаққандағы тұрғын алаң: CPT стандарттары"
    assert cpt.reference_ru.startswith("Европейский комитет по предупреждению пыток")
    assert cpt.language_sources["ru"]["official"] is False
    assert cpt.language_sources["kk"] == {"official": False, "source": "unofficial translation by the portal team"}
    icrc = StandardProfile.objects.get(code="ICRC-2012")
    assert (
        icrc.verification_note_ru == "цифры взяты из вторичных изложений руководства; их нужно сверить с текстом МККК"
    )
    assert icrc.verification_note_kk.startswith("сандар нұсқаулықтың қосалқы шолуларынан алынған")
    mandela = StandardProfile.objects.get(code="MANDELA-2015")
    assert mandela.language_sources["ru"]["official"] is True
    assert "A/RES/70/175" in mandela.language_sources["ru"]["source"]
    rule = StandardRule.objects.get(code="SMR-14")
    assert rule.summary_ru == (
        "окна должны иметь достаточные размеры для того, чтобы заключенные могли читать и работать при дневном свете"
    )
    assert rule.source_ru == "Правила Нельсона Манделы, правило 14(a)"
    assert rule.source_kk == "Нельсон Мандела қағидалары, 14(a)-қағида"
    annex = StandardRule.objects.get(code="CPT-2015-1")
    assert annex.summary_kk == "бір орындық камерада санитариялық торапты есептемегенде кемінде 6 м² тұрғын алаң"
    assert annex.source_ru == "CPT/Inf (2015) 44, пп. 9–10"
    # every rule and profile has both translations in the database
    assert (
        not StandardRule.objects.filter(summary_ru="").exists()
        and not StandardRule.objects.filter(summary_kk="").exists()
    )
    assert not StandardProfile.objects.filter(title_kk="").exists()
    again = load_standards()
    assert again.created == 0 and again.updated == 0


def test_language_source_of_the_active_language(standards):
    mandela = StandardProfile.objects.get(code="MANDELA-2015")
    assert mandela.language_source("ru") == {"official": True, "source": MANDELA_RU_SOURCE}
    assert mandela.language_source("kk") == {"official": False, "source": "unofficial translation by the portal team"}
    assert mandela.language_source("en") is None
    with translation.override("kk"):
        assert mandela.language_source()["official"] is False
    mandela.language_sources = {}
    assert mandela.language_source("ru") is None


def test_requirement_text_names_the_metric_by_its_label(standards):
    rules = {rule.code: rule for rule in StandardRule.objects.all()}
    assert rules["CPT-2015-3"].requirement_text() == "sanitary annex = yes"
    assert rules["CPT-2015-1"].requirement_text() == "living space ≥ 6.0 m²"
    assert rules["CPT-2015-2"].requirement_text() == "living space per person ≥ 4.0 m²"
    assert rules["SMR-12"].requirement_text() == "persons accommodated ≤ 1 person"
    assert rules["RM-1"].requirement_text() == "accommodation type = single-occupancy cell"
    with translation.override("ru"):
        assert rules["CPT-2015-3"].requirement_text() == "санитарный узел = да"
        assert rules["SMR-14"].requirement_text() == "естественное освещение = да"
        assert rules["CPT-2015-6"].requirement_text() == f"{translation.gettext('ceiling height')} ≥ 2,5 м"
    with translation.override("kk"):
        assert rules["CPT-2015-3"].requirement_text() == "санитариялық торап = иә"
        assert rules["CPT-2015-4"].requirement_text() == "санитариялық торап қалқамен толық бөлінген = иә"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_standards_page_in_the_readers_language(browser, standards, language):
    browser.cookies["django_language"] = language
    page = browser.get("/standards/").content.decode()
    assert f'lang="{language}"' in page
    cpt = StandardProfile.objects.get(code="CPT-2015")
    for rule in StandardRule.objects.select_related("profile"):
        assert escape(getattr(rule, f"summary_{language}")) in page, rule.code
        assert escape(getattr(rule, f"source_{language}")) in page, rule.code
        with translation.override(language):
            assert escape(rule.requirement_text()) in page, rule.code
    assert f"CPT-2015: {escape(getattr(cpt, f'title_{language}'))}</h2>" in page
    assert escape(getattr(cpt, f"reference_{language}")) in page
    icrc = StandardProfile.objects.get(code="ICRC-2012")
    assert escape(getattr(icrc, f"verification_note_{language}")) in page
    with translation.override(language):
        annex = f"{translation.gettext('sanitary annex')} = {translation.gettext('yes')}"
    assert annex in page and annex != "sanitary annex = yes"
    for code in ("has_sanitary_annex", "living_space_m2", "living_space_per_person_m2", "has_natural_light"):
        assert code not in page  # a metric is shown by its label, never its code
    assert "figures seen in secondary summaries" not in page  # the English note is not shown beside it
    unofficial = in_language(language, "Unofficial translation by the portal team")
    assert page.count(unofficial) == (5 if language == "kk" else 4)
    official = in_language(language, "Official translation: %(source)s", source=escape(MANDELA_RU_SOURCE))
    assert (official in page) is (language == "ru")


def test_standards_page_in_english_shows_the_texts_as_written(browser, standards):
    browser.cookies["django_language"] = "en"
    page = browser.get("/standards/").content.decode()
    assert "<h2>CPT-2015: CPT standards: living space per prisoner in prison establishments</h2>" in page
    assert "sanitary annex = yes" in page and "living space ≥ 6.0 m²" in page
    assert "figures seen in secondary summaries" in page
    assert 'class="language-source"' not in page


def test_standards_api_returns_the_translations_and_their_sources(api, standards):
    response = api.get("/api/v1/standards/")
    assert response.status_code == 200
    body = response.json()
    profile = next(p for p in body["results"] if p["code"] == "MANDELA-2015")
    assert profile["title_ru"] == (
        "Минимальные стандартные правила Организации Объединенных Наций в отношении обращения с заключенными "
        "(Правила Нельсона Манделы)"
    )
    assert profile["title_kk"].endswith("(Нельсон Мандела қағидалары)")
    assert profile["reference_ru"] == "Резолюция Генеральной Ассамблеи ООН 70/175 от 17 декабря 2015 г., правила 12–17"
    assert profile["verification_note_ru"] == "" and profile["verification_note_kk"] == ""
    assert profile["language_sources"] == {
        "ru": {"official": True, "source": MANDELA_RU_SOURCE},
        "kk": {"official": False, "source": "unofficial translation by the portal team"},
    }
    rule = next(r for r in profile["rules"] if r["code"] == "SMR-15")
    assert rule["summary_kk"].startswith("әрбір қамаудағы адамға жеткілікті")
    assert rule["source_ru"] == "Правила Нельсона Манделы, правило 15"
    assert rule["source_kk"] == "Нельсон Мандела қағидалары, 15-қағида"
    assert rule["requirement"] == "sanitary annex = yes"
    russian = api.get("/api/v1/standards/", HTTP_ACCEPT_LANGUAGE="ru").json()
    mandela = next(p for p in russian["results"] if p["code"] == "MANDELA-2015")
    rule = next(r for r in mandela["rules"] if r["code"] == "SMR-15")
    assert rule["requirement"] == "санитарный узел = да"
