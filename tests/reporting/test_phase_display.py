"""Roadmap phases, and the targets' sources and notes, on the dashboards and project pages in the reader's
language (issue 18, item 1)."""

import pytest
from django.utils import translation
from django.utils.html import escape

from facilities.models import RoadmapTarget
from facilities.phases import phase_label
from facilities.services import load_targets
from tests.factories import BlockFactory, ConversionProjectFactory, FacilityFactory


@pytest.fixture
def targets(standards, regions):
    load_targets()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_national_dashboard_shows_phases_sources_and_notes_in_the_language(browser, targets, language):
    browser.cookies["django_language"] = language
    page = browser.get("/").content.decode()
    for raw in ("Phase 1 (2021-2023)", "Phase 2 (2024-2026)", "Phase 3 (2027-2029)"):
        assert f"<td>{phase_label(raw, language)}</td>" in page
        assert raw not in page
    blocks = RoadmapTarget.objects.get(metric="blocks_converted")
    assert escape(getattr(blocks, f"source_{language}")) in page
    assert escape(getattr(blocks, f"note_{language}")) in page
    assert escape(blocks.source) not in page and escape(blocks.note) not in page
    with translation.override(language):
        export = browser.get("/", {"table": "targets", "export": "csv"})
    text = (
        b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else export.content.decode("utf-8-sig")
    )
    assert phase_label("Phase 1 (2021-2023)", language) in text and "Phase 1 (2021-2023)" not in text
    assert getattr(blocks, f"note_{language}") in text


def test_block_page_shows_the_projects_phase_in_the_language(browser, targets):
    facility = FacilityFactory(region__code="KZ-35")
    block = BlockFactory(facility=facility, name="North")
    ConversionProjectFactory(block=block, roadmap_phase="Phase 2 (2024-2026)")
    browser.cookies["django_language"] = "ru"
    page = browser.get(f"/blocks/{block.pk}/").content.decode()
    assert f" · {phase_label('Phase 2 (2024-2026)', 'ru')}</dd>" in page
    facility_page = browser.get(f"/facilities/{facility.pk}/").content.decode()
    assert f"<small>({phase_label('Phase 2 (2024-2026)', 'ru')})</small>" in facility_page
