"""Browser tests: Debian's Chromium driven by Playwright against a live server with the demo dataset.

They log in, check that every chart on the national dashboard has drawn and shows the summary API's
numbers, switch the language to Kazakh and Russian, filter the facility list and download its CSV.
Skipped (with the reason) when Playwright or /usr/bin/chromium is missing; .ci/run installs both.
"""

import csv
import io
import os
import shutil

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.conftest import token_client

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRED = bool(os.environ.get("REQUIRE_BROWSER"))  # set by .ci/run: a missing browser fails, never skips
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

# Pixels drawn on a canvas: a chart that has drawn has non-transparent pixels.
DRAWN_PIXELS = """canvas => {
  const ctx = canvas.getContext('2d');
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) n++; }
  return n;
}"""


@pytest.fixture(scope="module")
def chromium():
    # Playwright's sync API runs an event loop in this thread; Django's ORM then needs this flag. It is
    # removed afterwards so that no later test runs with it.
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
def demo(transactional_db, settings):
    settings.DEBUG = False
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def page(chromium, live_server, demo):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # what the content security policy blocks is reported on the console: none may be blocked
    page.on(
        "console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "prosecutor")
    page.fill("#id_password", "prosecutor-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.base = live_server.url
    yield page
    context.close()
    assert not errors, errors


def summary_api():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="api-client")
    response = token_client(user).get("/api/v1/summary/")
    assert response.status_code == 200
    return response.json()


def number(text: str) -> float:
    """A figure as shown in English (1,234 or 12.5 %)."""
    return float(text.replace(",", "").replace("%", "").strip())


def test_dashboard_charts_draw_the_api_numbers(page):
    page.wait_for_selector("canvas[data-drawn]")
    canvases = page.query_selector_all("canvas[data-chart]")
    assert len(canvases) >= 9
    for canvas in canvases:
        assert canvas.get_attribute("data-drawn") == "true", canvas.get_attribute("data-chart")
        assert canvas.evaluate(DRAWN_PIXELS) > 50, f"{canvas.get_attribute('data-chart')} drew nothing"
        assert canvas.get_attribute("aria-label")
    api = summary_api()
    figures = {el.get_attribute("data-figure"): el.inner_text() for el in page.query_selector_all("[data-figure]")}
    assert number(figures["facilities"]) == api["facilities"] == 78
    assert number(figures["population"]) == api["population"] == 37_000
    assert number(figures["places"]) == api["places"]
    assert number(figures["occupancy"]) == api["occupancy_rate"]
    assert number(figures["single"]) == api["share_in_single_cells"]
    assert number(figures["headline"]) == api["headline"]["share"]
    assert number(figures["overdue"]) == api["findings_overdue"]

    def last(chart_id, dataset=0):
        return page.evaluate(f"""() => {{
            const data = Chart.getChart(document.querySelector('canvas[data-chart="{chart_id}"]')).data;
            const values = data.datasets[{dataset}].data;
            const v = values[values.length - 1];
            return typeof v === 'object' ? v.y : v;
        }}""")

    assert last("spark-population") == api["population"]
    assert last("spark-places") == api["places"]
    assert last("spark-single") == api["share_in_single_cells"]
    assert last("share-chart") == api["share_in_single_cells"]
    assert last("spark-headline") == api["headline"]["share"]
    by_status = page.evaluate("""() => {
        const chart = Chart.getChart(document.querySelector('canvas[data-chart="projects-chart"]'));
        const totals = {};
        chart.data.datasets.forEach(d => totals[d.label] = d.data.reduce((a, b) => a + b, 0));
        return totals;
    }""")
    assert by_status == {c["label"]: c["count"] for c in api["conversions"]}


def test_language_switch_translates_headings(page):
    headings = {}
    for code in ("kk", "ru", "en"):
        page.select_option("#lang", code)
        page.wait_for_load_state("load")
        page.wait_for_selector(f"html[lang='{code}']", state="attached")  # no string eval: the CSP forbids it
        headings[code] = page.inner_text("h1")
        with translation.override(code):
            expected_h1 = translation.gettext("National dashboard")
            expected_h2 = translation.gettext("Compliance with each active standard")
        assert headings[code] == expected_h1
        assert page.inner_text("#compliance") == expected_h2
        page.wait_for_selector("canvas[data-drawn]")
    assert headings["kk"] != headings["en"] and headings["ru"] != headings["en"] and headings["kk"] != headings["ru"]
    assert headings["ru"] == "Национальная панель"


def test_filter_facility_list_and_download_csv(page):
    page.goto(f"{page.base}/facilities/")
    page.select_option("#id_region", "KZ-35")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/facilities/?*region=KZ-35*")
    rows = page.query_selector_all("main table tbody tr")
    shown = [r.query_selector("td").inner_text().replace("demo", "").strip() for r in rows]
    assert len(shown) == 11 + 1  # 11 institutions for imprisonment and a pre-trial centre (data/kz_estate.json)
    with page.expect_download() as info:
        page.click("p.export a:text('CSV')")
    download = info.value
    assert download.suggested_filename == "facilities.csv"
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["Code", "Name", "Region code"]
    assert {row[2] for row in table[1:]} == {"KZ-35"}
    assert sorted(row[0] for row in table[1:]) == sorted(shown)
    assert {row[-1] for row in table[1:]} == {"yes"}  # every demo row is labelled


def test_swagger_ui_works_under_the_content_security_policy(page):
    page.goto(f"{page.base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() >= 10


def test_swagger_ui_groups_operations_by_resource_and_leads_back(page):
    """Issue 18, item 8: the operations sit under their resource's tag, each with its summary, and the
    portal's bar leads back to the dashboard."""
    page.goto(f"{page.base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20000)
    tags = [
        t.strip()
        for t in page.locator(".swagger-ui .opblock-tag [data-tag], .swagger-ui .opblock-tag a span").all_inner_texts()
    ]
    for tag in ("Cells", "Residential blocks", "Conversion projects", "Cell certificates", "Summary"):
        assert tag in tags, tags
    assert "v1" not in tags
    assert page.locator(".swagger-ui .opblock-summary-description", has_text="List cells").count() == 1
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "api-docs.png"))
    page.click("[data-link=back-to-portal]")
    page.wait_for_url(f"{page.base}/")


def test_sparklines_show_their_first_and_last_values(page):
    """Issue 18, item 6: each headline sparkline has its first and last values with their dates beside
    it, and the lowest-share chart is drawn on a 0-100 % scale."""
    page.wait_for_selector("canvas[data-drawn]")
    ranges = page.locator("[data-spark-range]")
    assert ranges.count() == 5
    for i in range(ranges.count()):
        text = ranges.nth(i).inner_text()
        assert ranges.nth(i).is_visible() and "→" in text and text.count(":") == 2, text
    assert page.locator("canvas[data-chart=lowest-chart]").get_attribute("data-drawn") == "true"
    if os.environ.get("SCREENSHOTS"):
        page.locator("#headline").screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "tiles.png"))
        page.locator("#lowest").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "lowest.png"))
