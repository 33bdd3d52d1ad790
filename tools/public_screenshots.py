"""Screenshots of the public site: the national page in kk, ru and en and a region page in Russian, saved
under docs/screenshots/ (public-national-LANG.png, public-region-ru.png). No login: the public site needs none.

Usage (a running portal with the demo data and its first release, e.g. `make demo` in another terminal):
    .venv/bin/python tools/public_screenshots.py [--url http://127.0.0.1:8000] [--region KZ-75]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--region", default="KZ-75", help="the region of public-region-ru.png (ISO 3166-2 code)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        shots = [(f"public-national-{code}.png", f"/public/?lang={code}", code) for code in ("kk", "ru", "en")]
        shots.append(("public-region-ru.png", f"/public/regions/{args.region}/?lang=ru", "ru"))
        for name, path, code in shots:
            page.goto(f"{args.url}{path}")
            page.wait_for_selector(f"html[lang='{code}']", state="attached")
            page.screenshot(path=str(OUT / name), full_page=True)
            print(OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
