"""Browser tests of reference data in the reader's language (issue 18, item 1): Debian's Chromium driven by
Playwright against a live server with the demo dataset. After switching the language to Kazakh and to
Russian, a rule's requirement text on /standards/ and the roadmap phases on the national dashboard read in
that language. Skipped (with the reason) when Playwright or /usr/bin/chromium is missing; .ci/run installs
both."""

import pytest
from django.utils import translation

from facilities.phases import phase_label
from tests.browser.test_dashboard_browser import REQUIRED, chromium, demo, page, playwright_api, pytestmark

__all__ = ["REQUIRED", "chromium", "demo", "page", "playwright_api", "pytestmark"]  # fixtures of the dashboard test


def switch_language(page, code):
    page.select_option("#lang", code)
    page.wait_for_load_state("load")
    page.wait_for_selector(f"html[lang='{code}']", state="attached")


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_rule_texts_and_phases_read_in_the_chosen_language(page, code):
    from cells.models import StandardRule

    switch_language(page, code)
    page.goto(f"{page.base}/standards/")
    page.wait_for_selector(f"html[lang='{code}']", state="attached")
    rule = StandardRule.objects.get(code="CPT-2015-3")
    with translation.override(code):
        requirement = rule.requirement_text()
        annex = f"{translation.gettext('sanitary annex')} = {translation.gettext('yes')}"
    assert requirement == annex == {"ru": "санитарный узел = да", "kk": "санитариялық торап = иә"}[code]
    assert page.inner_text("#CPT-2015-3 .requirement") == requirement
    row = page.inner_text("#CPT-2015-3")
    assert getattr(rule, f"summary_{code}") in row and getattr(rule, f"source_{code}") in row
    assert "has_sanitary_annex" not in page.inner_text("main")

    page.goto(f"{page.base}/")
    page.wait_for_selector("canvas[data-drawn]")
    phases = [cell.inner_text() for cell in page.query_selector_all("#targets-table tbody tr td:first-child")]
    expected = phase_label("Phase 1 (2021-2023)", code)
    assert phases.count(expected) == 2  # blocks and places converted by 2023 (data/roadmap_targets.json)
    assert "Phase 1 (2021-2023)" not in page.inner_text("main")  # the stored text is never shown as it is
    assert expected == {"ru": "Этап 1 (2021–2023)", "kk": "1-кезең (2021–2023)"}[code]
