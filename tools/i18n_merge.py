"""Merge translations from a JSON file ({msgid: msgstr}) into a locale's django.po, then compile.

Usage: .venv/bin/python tools/i18n_merge.py ru translations.json [--overwrite]
The English catalog is filled with msgstr = msgid (``tools/i18n_merge.py en``). Needs polib
(``pip install polib``); compiling uses Django's compilemessages (GNU gettext's msgfmt).
Only entries without a translation are filled unless --overwrite is given.
"""

import json
import sys
from pathlib import Path

import polib

PLURALS = json.loads((Path(__file__).parent / "i18n_plurals.json").read_text(encoding="utf-8"))


def main():
    lang = sys.argv[1]
    path = f"locale/{lang}/LC_MESSAGES/django.po"
    po = polib.pofile(path, wrapwidth=120)
    source = {} if lang == "en" else json.load(open(sys.argv[2], encoding="utf-8"))
    overwrite = "--overwrite" in sys.argv
    filled = missing = 0
    for entry in po:
        if entry.msgid_plural:
            if lang == "en":
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            elif entry.msgid in PLURALS.get(lang, {}):
                entry.msgstr_plural = dict(enumerate(PLURALS[lang][entry.msgid]))
            else:
                missing += 1
            continue
        if entry.msgstr and not overwrite and "fuzzy" not in entry.flags:
            continue
        text = entry.msgid if lang == "en" else source.get(entry.msgid)
        if text is None:
            missing += 1
            continue
        entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    po.save(path)
    print(
        f"{lang}: {filled} filled, {missing} without a translation, "
        f"{len(po.untranslated_entries())} untranslated, {len(po.fuzzy_entries())} fuzzy"
    )


if __name__ == "__main__":
    main()
