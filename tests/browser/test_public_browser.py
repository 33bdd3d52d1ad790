"""Issue 20, "Done when": a browser (Debian's Chromium driven by Playwright, as in
test_dashboard_browser.py) opens /public/ in each language without logging in, checks the national
figures shown against the release's JSON (/api/public/v1/nation/), and downloads the data package.
Skipped (with the reason) when Playwright or Chromium is missing; .ci/run installs both."""

import csv
import io
import json
import os
import re
import shutil
import zipfile

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRED = bool(os.environ.get("REQUIRE_BROWSER"))
if REQUIRED:
    import playwright.sync_api as playwright_api
else:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright: pip install playwright")
pytestmark = [
    pytest.mark.skipif(
        not REQUIRED and not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
        reason=f"needs Chromium at {CHROMIUM}: apt-get install chromium",
    ),
    pytest.mark.django_db(transaction=True),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIGURES = [
    "institutions",
    "places_certified",
    "places_operational",
    "persons_held",
    "occupancy_percent",
    "density_per_100_places",
    "persons_in_single_cells",
    "share_in_single_cells_percent",
    "share_near_home_percent",
]


@pytest.fixture(scope="module")
def chromium():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server, transactional_db, settings):
    """A browser page that has never logged in, on a live server with the demo's first release."""
    settings.DEBUG = False
    call_command("seed_demo", stdout=io.StringIO())
    from public import site_views
    from public.api import views as api_views

    site_views.clear_cache()
    api_views.clear_cache()
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.base = live_server.url
    yield page
    assert not context.cookies(), context.cookies()  # no session, no CSRF cookie for an anonymous visitor
    context.close()
    assert not errors, errors


def number(text: str, language: str) -> float:
    """A figure as the page writes it: ``37 000`` / ``101,6 %`` in kk and ru, ``37,000`` / ``101.6 %`` in en."""
    text = text.replace("%", "").replace("\xa0", " ").replace("\u202f", " ").strip()
    if language == "en":
        text = text.replace(",", "")
    else:
        text = text.replace(" ", "").replace(",", ".")
    return float(text.replace(" ", ""))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_national_page_shows_the_release_s_figures(page, language):
    page.goto(f"{page.base}/public/?lang={language}")
    page.wait_for_selector(f"html[lang='{language}']", state="attached")
    assert page.url.startswith(f"{page.base}/public/")  # no redirect to the login
    api = page.request.get(f"{page.base}/api/public/v1/nation/")
    assert api.ok
    nation = api.json()["nation"]
    release = api.json()["release"]
    assert page.query_selector("[data-figure=demo]")  # the demo release says so
    assert str(release["number"]) in page.inner_text("[data-figure=release]")
    for key in FIGURES:
        shown = page.inner_text(f"td[data-figure='{key}']")
        if nation.get(f"{key}_suppressed"):
            assert page.query_selector(f"td[data-figure='{key}'] abbr.suppressed")
        else:
            assert number(shown, language) == pytest.approx(nation[key]), (language, key, shown)
    for entry in nation["compliance"]:
        shown = page.inner_text(f"td[data-figure='compliant-share:{entry['profile']}']")
        assert number(shown, language) == pytest.approx(entry["share_percent"])
    for status, count in nation["projects"].items():
        assert int(page.inner_text(f"td[data-figure='projects:{status}']")) == count
    rows = page.query_selector_all("#regions tbody tr")
    assert len(rows) == 20
    # the language switcher is links, and following one keeps the page
    other = next(code for code in ("kk", "ru", "en") if code != language)
    page.click(f"[data-languages] a[data-lang='{other}']")
    page.wait_for_selector(f"html[lang='{other}']", state="attached")
    assert page.url.endswith(f"/public/?lang={other}")


def test_download_the_data_package(page):
    page.goto(f"{page.base}/public/?lang=en")
    nation = json.loads(page.request.get(f"{page.base}/api/public/v1/nation/").body())
    with page.expect_download() as info:
        page.click("a[data-link=zip]")
    download = info.value
    assert download.suggested_filename == "release-1.zip"
    with zipfile.ZipFile(download.path()) as archive:
        names = set(archive.namelist())
        assert {f"release-1/{n}" for n in ("datapackage.json", "nation.csv", "facilities.csv", "regions.csv")} <= names
        rows = list(csv.DictReader(io.StringIO(archive.read("release-1/nation.csv").decode("utf-8-sig"))))
    assert int(rows[0]["persons_held"]) == nation["nation"]["persons_held"]
    link = page.query_selector("a[data-link=datapackage]")
    assert link is not None
    href = link.get_attribute("href")
    response = page.request.get(f"{page.base}{href}")
    assert response.ok
    package = json.loads(response.body())
    assert package["resources"]
    assert re.search(r"\d", json.dumps(package))
