"""The public site's pages (issue 20, part 1): served from the latest published release without login,
with its figures, definitions and dates, disclosure said on the page, caching headers, no cookie, three
languages, one query, facilities published without detail counted only in the totals, public evidence."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from core import numbers
from facilities.models import Facility
from inspections.models import Finding, FindingAttachment
from public import labels
from tests.public.site.conftest import publish_fresh

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pages(content):
    """Every public page of a release's content."""
    yield "/public/"
    for region in content["regions"]:
        yield f"/public/regions/{region['code']}/"
    for facility in content["facilities"]:
        yield f"/public/facilities/{facility['code']}/"
    yield "/public/recommendations/"
    yield "/public/releases/"
    yield "/public/releases/1/"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_national_page_shows_the_release_and_its_figures(public_demo):
    content = public_demo.content
    page = text(Client().get("/public/?lang=en"))
    assert "Release 1, figures as of " in page
    assert public_demo.note in page
    assert "Demo release: generated demo data, not official figures." in page
    assert "Counts of persons are rounded to the nearest 5; totals are computed from the unrounded data" in page
    assert "Counts of persons below 10 are suppressed" in page
    nation = content["nation"]
    with translation.override("en"):
        held = numbers.grouped(nation["persons_held"])
        density = numbers.grouped(nation["density_per_100_places"], 1)
        occupancy = numbers.percent(nation["occupancy_percent"], 1)
    assert f'data-figure="persons_held">{held}</td>' in page
    assert f'data-figure="density_per_100_places">{density}</td>' in page
    assert f'data-figure="occupancy_percent">{occupancy}</td>' in page
    assert f'data-figure="institutions">{nation["institutions"]}</td>' in page
    # each figure names its definition and date
    assert "Persons held per 100 certified places (Council of Europe, SPACE I)." in page
    assert page.count('<td class="definition">') == len(labels.FIGURES)
    # every verified profile with its title and reference, marked verified
    for profile in content["profiles"]:
        assert profile["title"]["en"] in page
        assert profile["reference"]["en"] in page
    assert page.count("(verified)") == len(content["profiles"])
    # the table of regions with links that keep the language
    for region in content["regions"]:
        assert f'href="/public/regions/{region["code"]}/?lang=en"' in page
        assert region["name"]["en"] in page
    # projects by status and recommendations
    assert f'data-figure="projects:completed">{nation["projects"]["completed"]}</td>' in page
    assert f'data-figure="recommendations_overdue">{nation["recommendations_overdue"]}</dd>' in page
    # the legend of suppression reasons
    for symbol, explanation in labels.REASONS.values():
        assert symbol in page and str(explanation) in page


def test_a_suppressed_cell_shows_its_reason_symbol(public_demo):
    content = public_demo.content
    suppressed = next(f for f in content["facilities"] if f["persons_in_single_cells_suppressed"])
    page = text(Client().get(f"/public/facilities/{suppressed['code']}/?lang=en"))
    reason = suppressed["persons_in_single_cells_suppressed"]
    symbol = labels.REASONS[reason][0]
    assert re.search(
        rf'data-figure="persons_in_single_cells"><abbr class="suppressed" data-suppressed="{reason}" title="[^"]+">{symbol}</abbr>',
        page,
    )
    # the share computed from it is suppressed as derived
    assert 'data-figure="share_in_single_cells_percent"><abbr class="suppressed" data-suppressed="derived"' in page


def test_every_page_is_cacheable_sets_no_cookie_and_answers_304(public_demo):
    client = Client()
    for path in pages(public_demo.content):
        response = client.get(path, {"lang": "ru"})
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["ETag"] == f'"{public_demo.etag}-ru-1"'
        assert "Accept-Language" in response["Vary"]
        assert not response.cookies, (path, response.cookies)
        assert "Set-Cookie" not in response
        again = client.get(path, {"lang": "ru"}, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, path
        assert again.content == b""
        assert again["ETag"] == response["ETag"]
    # another language is another entity
    assert client.get("/public/", {"lang": "kk"})["ETag"] != client.get("/public/", {"lang": "en"})["ETag"]
    assert client.get("/public/", {"lang": "kk"}, HTTP_IF_NONE_MATCH=f'"{public_demo.etag}-ru-1"').status_code == 200


def test_without_lang_the_language_follows_accept_language_and_varies(public_demo):
    response = Client().get("/public/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response["ETag"] == f'"{public_demo.etag}-ru-1"'
    assert response["Content-Language"] == "ru"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_lang_works_in_each_language(public_demo, language):
    with translation.override(language):
        word = gettext("Certified places")
        region = gettext("Region")
    if language != "en":
        assert word != "Certified places"  # the catalogue translates it
    for path in ("/public/", "/public/regions/KZ-10/", "/public/recommendations/"):
        page = text(Client().get(path, {"lang": language}))
        assert f'<html lang="{language}">' in page
        assert word in page or region in page, path
    page = text(Client().get("/public/", {"lang": language}))
    assert public_demo.content["regions"][0]["name"][language] in page
    assert public_demo.content["profiles"][0]["title"][language] in page
    # the switcher is made of links that keep the page
    for other in ("kk", "ru", "en"):
        if other != language:
            assert f'href="/public/?lang={other}"' in page
    assert "<form" not in page


def test_an_unknown_language_is_the_default(public_demo):
    response = Client().get("/public/", {"lang": "xx"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_a_page_reads_the_release_with_one_query(public_demo, django_assert_num_queries):
    client = Client()
    client.get("/public/")  # the first request of a process parses the content once
    for path in ("/public/", "/public/regions/KZ-10/", "/public/recommendations/"):
        client.get(path)
        with django_assert_num_queries(1):
            assert client.get(path).status_code == 200


def test_a_facility_not_in_the_release_is_404(public_demo):
    response = Client().get("/public/facilities/NO-SUCH/")
    assert response.status_code == 404
    assert "No such page" in response.content.decode() or "no such page" in response.content.decode()
    assert not response.cookies
    assert Client().get("/public/regions/KZ-99/").status_code == 404
    assert Client().get("/public/releases/99/").status_code == 404


def test_a_facility_published_without_detail_counts_only_in_the_totals(public_demo):
    first = public_demo.content
    hidden = Facility.objects.get(code=first["facilities"][0]["code"])
    region = hidden.region.code
    Facility.objects.filter(pk=hidden.pk).update(publish_detail=False)
    fresh = publish_fresh("without detail")
    content = fresh.content
    assert hidden.code not in [f["code"] for f in content["facilities"]]
    client = Client()
    assert client.get(f"/public/facilities/{hidden.code}/").status_code == 404
    region_page = text(client.get(f"/public/regions/{region}/", {"lang": "en"}))
    assert "The region's totals include 1 institution published without detail." in region_page
    assert hidden.name not in region_page and hidden.code not in region_page
    assert hidden.code not in text(client.get("/public/", {"lang": "en"}))
    assert hidden.code not in text(client.get("/public/recommendations/", {"lang": "en"}))
    # its persons are still in the region's and the nation's totals (the same figures as release 1)
    before = next(r for r in first["regions"] if r["code"] == region)
    after = next(r for r in content["regions"] if r["code"] == region)
    for name in ("institutions", "places_certified", "places_operational", "persons_held"):
        assert after[name] == before[name], name
        assert content["nation"][name] == first["nation"][name], name
    assert (
        f'data-figure="persons_held">{numbers.grouped(after["persons_held"])}</td>' in region_page
        or after["persons_held"] is None
    )


def test_the_releases_page_lists_every_release(public_demo):
    fresh = publish_fresh("second")
    page = text(Client().get("/public/releases/", {"lang": "en"}))
    assert 'data-release="1"' in page and f'data-release="{fresh.number}"' in page
    assert "second" in page
    past = text(Client().get("/public/releases/1/", {"lang": "en"}))
    assert "This is release 1, kept as it was published." in past


def test_the_empty_state_before_any_release(public_demo):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE public_release CASCADE")  # rolled back with the test's transaction
    from public import site_views

    site_views.clear_cache()
    response = Client().get("/public/")
    assert response.status_code == 200
    assert "No release has been published yet." in response.content.decode()
    assert not response.cookies
    assert Client().get("/public/regions/KZ-10/").status_code == 404
    api = Client().get("/api/public/v1/nation/")
    assert api.status_code == 404
    assert api.json() == {"detail": "No release has been published yet."}


def test_public_evidence_is_served_under_a_generic_name(public_demo):
    finding = Finding.objects.filter(facility__publish_detail=True).first()
    shown = FindingAttachment.objects.create(
        finding=finding,
        name="secret-inspector-notes.png",
        content_type="image/png",
        size=len(PNG),
        content=PNG,
        public=True,
    )
    private = FindingAttachment.objects.create(
        finding=finding, name="private.png", content_type="image/png", size=len(PNG), content=PNG, public=False
    )
    publish_fresh("with evidence")
    later = FindingAttachment.objects.create(
        finding=finding, name="later.png", content_type="image/png", size=len(PNG), content=PNG, public=True
    )
    client = Client()
    response = client.get(f"/public/evidence/{shown.pk}/")
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Disposition"] == f'inline; filename="evidence-{shown.pk}.png"'
    assert "secret" not in str(response.headers)
    assert not response.cookies
    assert client.get(f"/public/evidence/{private.pk}/").status_code == 404
    assert client.get(f"/public/evidence/{later.pk}/").status_code == 404  # not in the current release
    page = text(client.get("/public/recommendations/", {"lang": "en"}))
    assert f'href="/public/evidence/{shown.pk}/"' in page
    assert "secret-inspector-notes" not in page
    FindingAttachment.objects.filter(pk=shown.pk).update(public=False)  # no longer public: not served
    assert client.get(f"/public/evidence/{shown.pk}/").status_code == 404


def test_public_pages_and_files_answer_get_and_head_only(public_demo, client):
    for path in ("/public/", "/public/recommendations/", f"/public/releases/{public_demo.number}/datapackage.json"):
        assert client.head(path).status_code == 200, path
        for method in ("post", "put", "delete", "options", "trace"):
            assert getattr(client, method)(path).status_code == 405, (method, path)
