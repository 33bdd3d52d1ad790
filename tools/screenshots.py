"""Screenshots of the national dashboard, a facility page, the standards page and the placement planner in
kk, ru and en, saved under docs/screenshots/ (dashboard-LANG.png, facility-LANG.png, standards-LANG.png,
placement-LANG.png).

Usage (a running portal with the demo data, e.g. `make demo` in another terminal):
    .venv/bin/python tools/screenshots.py [--url http://127.0.0.1:8000] [--user prosecutor]
Needs Playwright (requirements-dev.txt) and Chromium at /usr/bin/chromium (apt-get install chromium).
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="prosecutor")
    parser.add_argument("--password", default=None, help="default: the demo password <user>-demo-2026")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--facility", default=None, help="path of the facility page (default: the first listed)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{args.url}/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password or f"{args.user}-demo-2026")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{args.url}/")
        for code in ("kk", "ru", "en"):
            page.select_option("#lang", code)
            page.wait_for_selector(f"html[lang='{code}']", state="attached")  # no string eval: the CSP forbids it
            page.wait_for_selector("canvas[data-drawn]")
            path = OUT / f"dashboard-{code}.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)
            facility = args.facility or page.eval_on_selector(
                "a[href^='/facilities/'][href$='/']:not([href='/facilities/'])", "a => a.getAttribute('href')"
            )
            for name, url in (("facility", facility), ("standards", "/standards/"), ("placement", "/placement/")):
                page.goto(f"{args.url}{url}")
                page.wait_for_selector(f"html[lang='{code}']", state="attached")
                if name == "placement":
                    page.wait_for_selector("#curve-chart canvas[data-drawn], canvas[data-drawn]")
                path = OUT / f"{name}-{code}.png"
                page.screenshot(path=str(path), full_page=True)
                print(path)
            page.goto(f"{args.url}/")
        browser.close()


if __name__ == "__main__":
    main()
