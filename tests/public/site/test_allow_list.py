"""Issue 20, "Done when": no public endpoint or page returns a field below facility level or any free text
written by staff. The test walks every path of the public API in the OpenAPI schema (every region,
facility and release) and every public page (national, each region, each facility, recommendations,
releases, each past release), and

- compares every JSON key (recursively) with an explicit allow-list, and every string value with what a
  release may publish: a code, a date, a URL of the public site, a name of the release's name dicts, a
  profile's title or reference, a release's note, or a label of an enumeration;
- checks every word of every page against a vocabulary: the translations of the public templates' own
  texts (every msgid of templates/public/), public.labels, and the release's names, titles and notes;
- searches every answer and page for the texts staff wrote in the database: block names, cell numbers,
  inspectors' names, findings' descriptions and recommendations, actions' descriptions and owners,
  progress responses, judgements' notes, source documents' titles, attachments' file names.
"""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation.template import templatize
from rest_framework.test import APIClient

from cells.models import Cell, StandardRule
from facilities.mechanisms import Mechanism
from facilities.models import ResidentialBlock
from inspections.models import Action, Finding, FindingAttachment, FindingUpdate, Inspection, Judgement, SourceDocument
from public import labels, package
from tests.public.site.conftest import publish_fresh

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "public"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
SECRETS = {
    "finding": "Zebrafinch leaking ceiling over the quarantine wing",
    "recommendation": "Xylophone repair of the quarantine wing roof",
    "responsible": "Quokka directorate of estates",
    "action": "Marmoset contractor to replace the roof membrane",
    "owner": "Wombat estates unit",
    "response": "Narwhal membrane ordered and delivered",
    "judgement": "Pangolin roof inspected and found dry",
    "title": "Capybara visit report to the colony",
    "file": "ocelot-roof-photo.png",
}

KEYS = {
    # envelope
    "release",
    "number",
    "as_of",
    "published_at",
    "demo",
    "url",
    "count",
    "results",
    "nation",
    "regions",
    "facilities",
    "recommendations",
    "releases",
    "disclosure",
    "profiles",
    "region",
    "facility",
    "facilities_without_detail",
    "note",
    "corrects",
    "licence",
    "current",
    "datapackage",
    # an area
    "code",
    "name",
    "kk",
    "ru",
    "en",
    "kind",
    "security_level",
    "status",
    "institutions",
    "places_certified",
    "places_operational",
    "persons_held",
    "occupancy_percent",
    "density_per_100_places",
    "persons_in_single_cells",
    "share_in_single_cells_percent",
    "compliance",
    "persons_counted_by_home",
    "persons_near_home",
    "share_near_home_percent",
    "projects",
    "projects_active",
    "projects_mean_progress_percent",
    "recommendations_total",
    "recommendations_open",
    "recommendations_overdue",
    "recommendations_implemented",
    "profile",
    "persons_compliant",
    "share_percent",
    *(
        f"{k}_suppressed"
        for k in (
            "persons_held",
            "occupancy_percent",
            "density_per_100_places",
            "persons_in_single_cells",
            "share_in_single_cells_percent",
            "persons_counted_by_home",
            "persons_near_home",
            "share_near_home_percent",
            "persons_compliant",
            "share_percent",
        )
    ),
    *labels.PROJECT_STATUSES,
    # disclosure and profiles
    "threshold",
    "rounding_base",
    "zeros_disclosive",
    "title",
    "reference",
    "verified",
    # recommendations
    "by_mechanism",
    "by_mechanism_and_region",
    "items",
    "mechanism",
    "total",
    "open",
    "overdue",
    "implemented",
    "judgements",
    "share_implemented_percent",
    "id",
    "document",
    "source",
    "document_date",
    "paragraph",
    "scope",
    "rule",
    "judgement",
    "judged_on",
    "evidence",
    "content_type",
    "size",
    *labels.JUDGEMENTS,
}
ENUMS = {
    *labels.MECHANISMS,
    *labels.JUDGEMENTS,
    *labels.PROJECT_STATUSES,
    *labels.FACILITY_KINDS,
    *labels.FACILITY_STATUSES,
    *labels.SECURITY_LEVELS,
    *labels.SCOPES,
    *labels.REASONS,
    "document",  # a recommendation's source: a mechanism's document, or an inspection
    "inspection",
    "image/png",
    "image/jpeg",
    "application/pdf",
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?)?$")


@pytest.fixture
def staff_texts(public_demo):
    """Free texts written by staff, everywhere they can be (demo rows plus a recommendation of the
    national preventive mechanism with an action, a progress report, a judgement and public evidence),
    in a fresh release."""
    facility_finding = Finding.objects.filter(facility__publish_detail=True).first()
    document = SourceDocument.objects.create(
        mechanism=Mechanism.NPM,
        reference="NPM/2026/7",
        date=facility_finding.inspection.date_start,
        title=SECRETS["title"],
    )
    finding = Finding.objects.create(
        source_document=document,
        mechanism=Mechanism.NPM,
        paragraph="12",
        facility=facility_finding.facility,
        description=SECRETS["finding"],
        recommendation=SECRETS["recommendation"],
        responsible_body=SECRETS["responsible"],
        judgement=Finding.Judgement.PARTIALLY,
        judged_on=document.date,
    )
    action = Action.objects.create(
        finding=finding, description=SECRETS["action"], owner=SECRETS["owner"], due_date=document.date
    )
    update = FindingUpdate.objects.create(
        finding=finding, action=action, status="in_progress", response=SECRETS["response"]
    )
    Judgement.objects.create(
        finding=finding,
        mechanism=Mechanism.NPM,
        judgement=Finding.Judgement.PARTIALLY,
        follow_up_date=document.date,
        note=SECRETS["judgement"],
    )
    FindingAttachment.objects.create(
        finding=finding,
        update=update,
        name=SECRETS["file"],
        content_type="image/png",
        size=len(PNG),
        content=PNG,
        public=True,
    )
    release = publish_fresh("allow-list")
    assert any(item["evidence"] for item in release.content["recommendations"]["items"])
    texts = set(SECRETS.values())
    for block in ResidentialBlock.objects.all():
        texts |= {block.name, block.name_ru, block.name_kk} - {""}
    texts |= set(Inspection.objects.exclude(lead_inspector="").values_list("lead_inspector", flat=True))
    for f in Finding.objects.all():
        texts |= {
            f.description,
            f.description_ru,
            f.description_kk,
            f.recommendation,
            f.recommendation_ru,
            f.recommendation_kk,
            f.responsible_body,
        } - {""}
    for a in Action.objects.all():
        texts |= {a.description, a.description_ru, a.description_kk, a.owner} - {""}
    texts |= set(FindingUpdate.objects.exclude(response="").values_list("response", flat=True))
    texts |= set(Judgement.objects.exclude(note="").values_list("note", flat=True))
    texts |= set(FindingAttachment.objects.values_list("name", flat=True))
    texts |= set(SourceDocument.objects.exclude(title="").values_list("title", flat=True))
    cells = set(Cell.objects.values_list("number", flat=True))
    return release, texts, cells


def _api_answers(release, api):
    content = release.content
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = [p for p in schema["paths"] if p.startswith("/api/public/v1/")]
    assert len(paths) == 9
    client = APIClient()
    for path in paths:
        if "{code}" in path:
            codes = (
                [r["code"] for r in content["regions"]]
                if "/regions/" in path
                else [f["code"] for f in content["facilities"]]
            )
            urls = [path.replace("{code}", code) for code in codes]
        elif "{number}" in path:
            urls = [path.replace("{number}", str(n)) for n in range(1, release.number + 1)]
        elif path.endswith("/facilities/"):
            urls = [path] + [f"{path}?region={r['code']}" for r in content["regions"]]
        else:
            urls = [path]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            yield url, response.json()


def _pages(release):
    content = release.content
    paths = ["/public/", "/public/recommendations/", "/public/releases/"]
    paths += [f"/public/regions/{r['code']}/" for r in content["regions"]]
    paths += [f"/public/facilities/{f['code']}/" for f in content["facilities"]]
    paths += [f"/public/releases/{n}/" for n in range(1, release.number + 1)]
    client = Client()
    for language in ("kk", "ru", "en"):
        for path in paths:
            response = client.get(path, {"lang": language})
            assert response.status_code == 200, path
            yield language, path, response.content.decode()


def _walk(value, path="$"):
    """(path, key) for every key and (path, value) for every string, recursively."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield "key", path, key
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(value, str):
        yield "str", path, value


def _published_texts(release):
    """Names, titles, references and notes of the releases: the texts a page or answer may carry."""
    texts = set()
    for number_release in [release]:
        content = number_release.content
        for row in content["regions"] + content["facilities"]:
            texts |= set(row["name"].values())
        for profile in content["profiles"]:
            texts |= set(profile["title"].values()) | set(profile["reference"].values())
    from public.models import Release

    for past in Release.objects.published():
        texts |= {past.note, past.note_ru, past.note_kk, past.licence} - {""}
    return texts


def _codes(release):
    content = release.content
    codes = {r["code"] for r in content["regions"]} | {f["code"] for f in content["facilities"]} | {"KZ"}
    codes |= {p["code"] for p in content["profiles"]}
    codes |= set(StandardRule.objects.values_list("code", flat=True))
    codes |= set(SourceDocument.objects.values_list("reference", flat=True))
    items = content["recommendations"]["items"]
    codes |= {i["paragraph"] for i in items if i["paragraph"]}
    assert all(len(code) <= 40 and "\n" not in code for code in codes)
    return codes


def _contains(haystack: str, needle: str) -> bool:
    """``needle`` in ``haystack`` as a whole (not inside a longer word or code: a cell "1-01" is not in "2021-01-05")."""
    return re.search(rf"(?<![\w/-]){re.escape(needle)}(?![\w/-])", haystack) is not None


def test_public_api_answers_hold_only_allowed_keys_and_values(staff_texts, api):
    release, texts, cells = staff_texts
    allowed = _published_texts(release) | _codes(release) | ENUMS
    answers = list(_api_answers(release, api))
    assert len(answers) > 100
    for url, body in answers:
        for kind, where, item in _walk(body):
            if kind == "key":
                assert item in KEYS, (url, where, item)
            else:
                ok = item == "" or item in allowed or DATE.match(item) or item.startswith("http://testserver/")
                assert ok, (url, where, item)
        raw = json.dumps(body, ensure_ascii=False)
        for text in texts:
            assert not _contains(raw, text), (url, text)
        for number in cells:
            assert not _contains(raw, number), (url, number)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in ("script", "style")
        for name, value in attrs:
            if name in ("title", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def _template_messages() -> list[tuple[str, str | None]]:
    """(singular, plural or None) of every text of the public templates."""
    messages = []
    for path in TEMPLATES.glob("*.html"):
        code = templatize(path.read_text(), origin=str(path))
        for match in re.finditer(r"\bn?gettext\((?:u)?'((?:[^'\\]|\\.)*)'(?:\s*,\s*'((?:[^'\\]|\\.)*)')?", code):
            singular = match.group(1).encode().decode("unicode_escape").encode("latin-1").decode()
            plural = (
                match.group(2).encode().decode("unicode_escape").encode("latin-1").decode() if match.group(2) else None
            )
            messages.append((singular, plural))
    assert len(messages) > 50
    return messages


def _vocabulary(language: str, release) -> set[str]:
    words: set[str] = set()
    with translation.override(language):
        for singular, plural in _template_messages():
            if plural:
                for n in (1, 2, 5, 21):
                    words |= _words(re.sub(r"%\(\w+\)s", " ", ngettext(singular, plural, n)))
            else:
                words |= _words(re.sub(r"%\(\w+\)s", " ", gettext(singular)))
        for label in labels.all_labels():
            words |= _words(str(label))
        words |= _words(gettext("the nation"))  # public.presentation: a recommendation to the nation
    for symbol, _text in labels.REASONS.values():
        words |= _words(symbol)
    for text in _published_texts(release) | _codes(release) | ENUMS:
        words |= _words(text)
    for code, _name in settings.LANGUAGES:
        words |= _words(get_language_info(code)["name_local"])
    words |= _words("datapackage.json nation.csv regions.csv facilities.csv recommendations.csv zip")
    words |= _words(" ".join(package.FILES))
    return words


def test_public_pages_hold_only_allowed_words_and_no_staff_text(staff_texts):
    release, texts, cells = staff_texts
    vocabularies = {language: _vocabulary(language, release) for language in ("kk", "ru", "en")}
    seen = 0
    for language, path, page in _pages(release):
        parser = _Text()
        parser.feed(page)
        shown = html.unescape(" ".join(parser.parts))
        unknown = _words(shown) - vocabularies[language]
        assert not unknown, (language, path, sorted(unknown)[:20])
        for text in texts:
            assert not _contains(shown, text), (path, text)
            assert text not in html.unescape(page), (path, text)
        for number in cells:
            assert not _contains(shown, number), (path, number)
        seen += 1
    assert seen == 3 * (3 + len(release.content["regions"]) + len(release.content["facilities"]) + release.number)


def test_the_walk_would_catch_staff_text(staff_texts):
    """The check itself fails on a page or answer holding a staff text (so it is not vacuous)."""
    release, texts, cells = staff_texts
    assert SECRETS["finding"] in texts and SECRETS["file"] in texts
    assert _contains(f"<td>{SECRETS['owner']}</td>", SECRETS["owner"])
    assert any(_contains("cell 1-01 is", number) for number in cells)
    assert not _contains("2021-01-05", "1-01")
    vocabulary = _vocabulary("en", release)
    assert _words(SECRETS["finding"]) - vocabulary
