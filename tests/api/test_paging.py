"""Paging is stable: rows whose sort keys are all equal appear exactly once across the pages.

For every paginated API list and every ordering it accepts (ascending and descending, and the default),
many rows are created with identical sort keys, every page is walked, and the union of the pages must be
the whole set without a duplicate. The HTML lists (facilities, inspections, findings, a block's cells,
imports) are walked the same way. A database returns rows with equal keys in any order it likes (and not the
same order for two LIMIT/OFFSET queries), so this fails wherever an ordering lacks a unique tie-breaker.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db.models.functions import Now

from cells.models import Cell, CertificationLine, CertificationRequest, Movement
from facilities.models import ConversionProject, Facility, ResidentialBlock
from inspections.models import Finding, Inspection, SourceDocument
from registers.models import ImportRecord
from tests.factories import BlockFactory, FacilityFactory

N = 23  # rows with equal keys; pages of 6 leave a partial last page
PAGE = 6


@pytest.fixture
def twins(world):
    """N facilities, blocks, cells, projects, inspections, findings and imports in region A whose sortable
    fields are all equal (codes and names excepted where the database requires them unique)."""
    region = world.a.facility.region
    facilities = [
        FacilityFactory(code=f"TW-{i:02d}", region=region, design_capacity=100, population=50, year_built=1970)
        for i in range(N)
    ]
    blocks = [
        BlockFactory(facility=facility, name="Twin", year_built=1970, accommodation_type="dormitory")
        for facility in facilities
    ]
    twin_block = blocks[0]
    Cell.objects.bulk_create(
        [
            Cell(
                block=twin_block,
                number=f"T{i:02d}",
                accommodation_type="dormitory",
                living_space_m2=Decimal("40"),
                design_capacity=8,
                occupancy=8,
            )
            for i in range(N)
        ]
    )
    ConversionProject.objects.bulk_create(
        [
            ConversionProject(
                block=block,
                status="design",
                percent_complete=Decimal("10"),
                planned_end=datetime.date(2027, 1, 1),
                budget_planned_kzt=Decimal("1000"),
            )
            for block in blocks
        ]
    )
    inspections = Inspection.objects.bulk_create(
        [
            Inspection(
                facility=facilities[0], date_start=datetime.date(2025, 1, 1), body="prosecutor", type="scheduled"
            )
            for _ in range(N)
        ]
    )
    Finding.objects.bulk_create(
        [
            Finding(
                inspection=inspections[0],
                facility=facilities[0],
                region_id=facilities[0].region_id,
                severity="low",
                description="same",
                deadline=datetime.date(2026, 1, 1),
            )
            for _ in range(N)
        ]
    )
    ImportRecord.objects.bulk_create(
        [ImportRecord(kind="cells", file_name="same.csv", user=world.users["admin"]) for _ in range(N)]
    )
    ImportRecord.objects.update(created_at=Now())  # one timestamp for all
    SourceDocument.objects.bulk_create(
        [SourceDocument(mechanism="npm", reference=f"NPM-{i}", date=datetime.date(2025, 1, 1)) for i in range(N)]
    )
    twin_cells = list(Cell.objects.filter(block=twin_block).order_by("id"))
    requests = CertificationRequest.objects.bulk_create(
        [
            CertificationRequest(
                facility=facilities[0], kind="capacity_change", reason="same", requested_by=world.users["editor_a"]
            )
            for _ in range(N)
        ]
    )
    CertificationRequest.objects.update(requested_at=Now())
    CertificationLine.objects.bulk_create(
        [
            CertificationLine(request=r, cell=c, action="change", certified_capacity=6, before_status="in_use")
            for r, c in zip(requests, twin_cells, strict=True)
        ]
    )
    Movement.objects.bulk_create(
        [
            Movement(
                date=datetime.date(2026, 1, 1),
                from_cell=twin_cells[0],
                to_cell=twin_cells[1],
                persons=1,
                reason="same",
            )
            for _ in range(N)
        ]
    )
    return world


LISTS = {
    "regions": (None, ["code", "name_en"]),
    "facilities": (
        Facility,
        ["code", "design_capacity", "population", "year_built", "region__code", "persons", "places"],
    ),
    "blocks": (ResidentialBlock, ["name", "year_built", "facility__code"]),
    "cells": (Cell, ["number", "living_space_m2", "occupancy", "design_capacity"]),
    "conversions": (ConversionProject, ["status", "percent_complete", "planned_end", "budget_planned_kzt"]),
    "standards": (None, ["code", "position"]),
    "inspections": (Inspection, ["date_start", "body", "type"]),
    "findings": (Finding, ["deadline", "severity", "status"]),
    "imports": (ImportRecord, ["created_at"]),
    "certification-requests": (CertificationRequest, ["requested_at", "decided_at", "status"]),
    "movements": (Movement, ["date", "persons"]),
    "source-documents": (SourceDocument, ["date", "reference"]),
}


def walk(client, path: str, params: dict) -> list[int]:
    """The ids of every page of ``path`` in order."""
    ids, page = [], 1
    while True:
        body = client.get(f"/api/v1/{path}/", {**params, "page": page, "page_size": PAGE}).json()
        ids.extend(row["id"] for row in body["results"])
        if not body["next"]:
            return ids
        page += 1


def test_the_orderings_under_test_are_the_views_own():
    """If a view gains an ordering field, this list (and so the test below) must cover it."""
    from roadmap_portal.urls import api_router as router

    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "list"):  # no list to page (actions: one at a time, listed by their finding)
            continue
        assert sorted(viewset.ordering_fields) == sorted(LISTS[prefix][1]), prefix


@pytest.mark.parametrize("path", list(LISTS))
def test_every_api_list_pages_rows_with_equal_keys_once(twins, subtests, path):
    client = twins.clients["admin"]
    expected = walk(client, path, {})
    assert len(expected) == len(set(expected))
    model, fields = LISTS[path]
    if model is not None:
        assert len(expected) == model.objects.count() and len(expected) >= N
    for ordering in ["", *fields, f"-{fields[-1]}", ",".join(fields)]:
        with subtests.test(ordering=ordering):
            ids = walk(client, path, {"ordering": ordering} if ordering else {})
            assert len(ids) == len(set(ids)), f"duplicates across pages with ordering={ordering!r}"
            assert sorted(ids) == sorted(expected), f"rows missing across pages with ordering={ordering!r}"


def _html_ids(client, url: str, pattern: str, params: dict | None = None) -> list[str]:
    found, page = [], 1
    while True:
        response = client.get(url, {**(params or {}), "page": page})
        found.extend(re.findall(pattern, response.content.decode()))
        if f"page={page + 1}" not in response.content.decode():
            return found
        page += 1


def test_html_lists_page_rows_with_equal_keys_once(client, twins, subtests):
    """The pages list 50 (cells: 100) rows per page: enough twins are added to fill several pages."""
    a = twins.a
    Inspection.objects.bulk_create(
        [
            Inspection(facility=a.facility, date_start=datetime.date(2025, 1, 1), body="prosecutor", type="scheduled")
            for _ in range(60)
        ]
    )
    first = Inspection.objects.filter(facility=a.facility).order_by("pk").first()
    Finding.objects.bulk_create(
        [
            Finding(
                inspection=first,
                facility=a.facility,
                region_id=a.facility.region_id,
                severity="low",
                description="same",
                deadline=datetime.date(2026, 1, 1),
            )
            for _ in range(60)
        ]
    )
    ImportRecord.objects.bulk_create(
        [ImportRecord(kind="cells", file_name="same.csv", user=twins.users["admin"]) for _ in range(60)]
    )
    ImportRecord.objects.update(created_at=Now())
    client.force_login(twins.users["admin"])
    cases = [
        ("/inspections/", r'href="/inspections/(\d+)/"', Inspection.objects.count()),
        ("/findings/", r'href="/findings/(\d+)/"', Finding.objects.count()),
        ("/imports/", r'href="/imports/(\d+)/"', ImportRecord.objects.count()),
    ]
    for url, pattern, total in cases:
        with subtests.test(url=url):
            ids = _html_ids(client, url, pattern)
            assert len(set(ids)) == total, (url, len(set(ids)), total)
            assert len(ids) == len(set(ids)), f"{url}: a row on two pages"
