"""The kk, ru and en catalogs are complete, and the committed .mo files hold what the .po files say."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def entries(po_path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgstr (all forms joined), flags; the header excluded."""
    result = []
    for block in po_path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        text = {"msgid": "", "msgstr": "", "msgctxt": None}
        key = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = {"msgid_plural": None}.get(match.group(1), match.group(1).split("[")[0])
                if key == "msgctxt":
                    text["msgctxt"] = ""
                if key:
                    text[key] = (text[key] or "") + match.group(2)
            elif line.startswith('"') and key:
                text[key] = (text[key] or "") + line[1:-1]
        if text["msgid"]:
            result.append({**text, "fuzzy": "fuzzy" in flags})
    return result


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_catalog_is_complete_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    items = entries(po)
    assert len(items) > 700
    assert [e["msgid"] for e in items if not e["msgstr"] or e["fuzzy"]] == []
    with open(mo, "rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    compiled = {key if isinstance(key, str) else key[0] for key in catalog}
    missing = [
        e["msgid"]
        for e in items
        if (f"{e['msgctxt']}\x04{e['msgid']}" if e["msgctxt"] is not None else e["msgid"])
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
        not in compiled
    ]
    assert missing == [], "run: python manage.py compilemessages"
