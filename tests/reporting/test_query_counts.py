"""The number of SQL queries of the dashboard, the summary API and the lists does not depend on the page
size nor on the size of the estate (bench/run.py measures their time; this guards the shape)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cells.services import recalculate_compliance
from tests.conftest import token_client
from tests.factories import BlockFactory, CellFactory, FacilityFactory

URLS = [
    "/api/v1/summary/",
    "/api/v1/facilities/?page_size={n}",
    "/api/v1/cells/?facility=F-0&page_size={n}",
    "/api/v1/blocks/?page_size={n}",
    "/api/v1/findings/?page_size={n}",
]
PAGES = ["/", "/facilities/", "/regions/KZ-35/", "/residence/"]


def grow(facilities: int, cells: int, start: int = 0):
    for f in range(start, start + facilities):
        facility = FacilityFactory(code=f"F-{f}", region__code=("KZ-35", "KZ-75")[f % 2])
        for name in ("N", "S"):
            block = BlockFactory(facility=facility, name=name)
            CellFactory.create_batch(cells, block=block)
    recalculate_compliance()


def count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_query_counts_are_constant(standards, regions, user, client):
    api = token_client(user)
    client.force_login(user)
    grow(3, 4)
    small = {url: count(api, url.format(n=10)) for url in URLS}
    small_pages = {url: count(client, url) for url in PAGES}
    assert {url: count(api, url.format(n=100)) for url in URLS} == small  # page size
    grow(12, 20, start=3)
    assert {url: count(api, url.format(n=100)) for url in URLS} == small  # 15 facilities, 40 cells each
    assert {url: count(client, url) for url in PAGES} == small_pages
