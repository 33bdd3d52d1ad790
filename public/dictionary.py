"""The data dictionary of a release (docs/public.md, §The data package): every figure's name, type, unit
and definition in English, Russian and Kazakh, the disclosure rules and their reason codes, the licence.

The texts are data, not gettext messages: a release's files carry all three languages at once and must
be byte-identical every time they are served (an immutable release has one ETag), so they may not depend
on the translation catalogues of the day. ``DICTIONARY_VERSION`` changes when a text here changes.

Shapes: ``Text`` = {"en": str, "ru": str, "kk": str}; ``Field`` is one column of a CSV file (Frictionless
Table Schema field: ``name``, ``type``, ``title``/``description`` in English, ``title_ru``, ``title_kk``,
``description_ru``, ``description_kk``, ``unit``).
"""

import re
from dataclasses import dataclass, field
from typing import Any

from facilities.mechanisms import Mechanism
from facilities.models import ConversionProject
from inspections.models import Finding

from . import disclosure

DICTIONARY_VERSION = "2"
LANGUAGES = ("en", "ru", "kk")
Text = dict[str, str]


def text(en: str, ru: str, kk: str) -> Text:
    return {"en": en, "ru": ru, "kk": kk}


def pick(value: Text, language: str | None) -> str:
    """``value`` in ``language`` (its first two letters), English when it has none."""
    return value.get((language or "en")[:2], value["en"])


@dataclass(frozen=True)
class Field:
    """One column of a release's CSV file. ``type``: a Table Schema type (string, integer, number,
    boolean, date); ``unit``: what a value counts or measures (Text) or None; ``suppressible``: a person
    count or a share, published with a ``<name>_suppressed`` column."""

    name: str
    type: str
    title: Text
    description: Text
    unit: Text | None = None
    suppressible: bool = False
    enum: tuple[str, ...] = field(default=())

    def schema(self) -> dict[str, Any]:
        """The Table Schema field (English in the standard keys, Russian and Kazakh in ``*_ru``/``*_kk``)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        for language in LANGUAGES:
            suffix = "" if language == "en" else f"_{language}"
            out[f"title{suffix}"] = self.title[language]
            description = self.description[language]
            if self.unit:
                description += f" ({UNIT_WORD[language]}: {self.unit[language]})"
            out[f"description{suffix}"] = description
        if self.unit:
            out["unit"] = self.unit["en"]
        if self.type == "boolean":
            out["trueValues"], out["falseValues"] = ["true"], ["false"]
        if self.enum:
            out["constraints"] = {"enum": list(self.enum)}
        return out


UNIT_WORD = text("unit", "единица", "өлшем бірлігі")
PERSONS = text("persons", "человек", "адам")
PLACES = text("places", "мест", "орын")
PERCENT = text("%", "%", "%")
PER_100 = text("persons per 100 certified places", "человек на 100 мест по норме", "нормалық 100 орынға адам")
INSTITUTIONS = text("institutions", "учреждений", "мекеме")
PROJECTS = text("projects", "проектов", "жоба")
RECOMMENDATIONS = text("recommendations", "рекомендаций", "ұсыным")

ROUNDED = text(
    "rounded to the nearest {base}; totals are rounded from the unrounded counts, so they may differ from the "
    "sum of their rounded parts",
    "округлено до ближайшего кратного {base}; итоги округлены из неокруглённых чисел и могут отличаться от "
    "суммы округлённых слагаемых",
    "ең жақын {base} еселігіне дейін дөңгелектенген; қорытындылар дөңгелектенбеген сандардан дөңгелектенеді, "
    "сондықтан дөңгелектенген бөліктердің қосындысынан өзгеше болуы мүмкін",
)

#: The reason codes of a suppressed value (public.disclosure.REASONS), in three languages.
REASONS: dict[str, Text] = {
    disclosure.THRESHOLD: text(
        "a count of persons above zero and below the threshold",
        "число людей больше нуля и меньше порога",
        "адам саны нөлден көп және шектен аз",
    ),
    disclosure.SECONDARY: text(
        "suppressed so that another suppressed count cannot be recovered by subtraction from the totals",
        "скрыто, чтобы другое скрытое число нельзя было восстановить вычитанием из итогов",
        "басқа жасырылған санды қорытындылардан шегеру арқылы қалпына келтіруге болмас үшін жасырылды",
    ),
    disclosure.DERIVED: text(
        "a share computed from a suppressed count",
        "доля, вычисленная из скрытого числа",
        "жасырылған саннан есептелген үлес",
    ),
}
REASON_CODES = tuple(REASONS)


def _f(name: str, type_: str, title: Text, description: Text, unit: Text | None = None, **kw: Any) -> Field:
    return Field(name, type_, title, description, unit, **kw)


DEMO = _f(
    "demo",
    "boolean",
    text("generated demo data", "сгенерированные демонстрационные данные", "жасалған демо деректер"),
    text(
        "true when the figures come from the generated demo estate, not from official data",
        "true, если цифры получены из сгенерированных демонстрационных данных, а не из официальных",
        "сандар ресми деректерден емес, жасалған демо деректерден алынса, true",
    ),
)


def _names(kind: Text) -> list[Field]:
    return [
        _f(
            f"name_{language}",
            "string",
            text(f"name ({label['en']})", f"название ({label['ru']})", f"атауы ({label['kk']})"),
            text(
                f"the {kind['en']}'s name in {label['en']}",
                f"название ({kind['ru']}) на языке: {label['ru']}",
                f"атауы ({kind['kk']}), тілі: {label['kk']}",
            ),
        )
        for language, label in (
            ("en", text("English", "английский", "ағылшын")),
            ("ru", text("Russian", "русский", "орыс")),
            ("kk", text("Kazakh", "казахский", "қазақ")),
        )
    ]


def area_figures(profiles: list[dict]) -> list[Field]:
    """The figures of an area (facility, region or the nation), in the order of the CSV columns;
    ``profiles``: the release's verified profiles (content["profiles"]: code and title in three languages)."""
    rows: list[Field] = [
        _f(
            "places_certified",
            "integer",
            text("certified places", "места по норме", "нормалық орындар"),
            text(
                "places of the cells in use and out of use by the certified norm of living space",
                "места в камерах (в использовании и выведенных из него) по установленной норме жилой площади",
                "тұрғын алаң нормасы бойынша камералардағы (пайдаланудағы және пайдаланудан шығарылған) орындар",
            ),
            PLACES,
        ),
        _f(
            "places_operational",
            "integer",
            text("operational places", "действующие места", "жұмыс істейтін орындар"),
            text(
                "places of the cells in use",
                "места в камерах, находящихся в использовании",
                "пайдаланудағы камералардағы орындар",
            ),
            PLACES,
        ),
        _f(
            "persons_held",
            "integer",
            text("persons held", "содержится человек", "ұсталатын адамдар"),
            text(
                "persons held in the cells in use, on the cells' latest counts",
                "люди, содержащиеся в камерах в использовании, по последнему подсчёту",
                "пайдаланудағы камераларда ұсталатын адамдар, соңғы санақ бойынша",
            ),
            PERSONS,
            suppressible=True,
        ),
        _f(
            "occupancy_percent",
            "number",
            text("occupancy", "заполненность", "толымдылық"),
            text(
                "persons held per 100 operational places (from the published, rounded count; one decimal)",
                "содержится человек на 100 действующих мест (по опубликованному округлённому числу; один знак)",
                "100 жұмыс істейтін орынға ұсталатын адамдар (жарияланған дөңгелектенген саннан; бір таңба)",
            ),
            PERCENT,
            suppressible=True,
        ),
        _f(
            "density_per_100_places",
            "number",
            text("prison density", "плотность", "тығыздық"),
            text(
                "persons held per 100 certified places (Council of Europe SPACE I; from the published, rounded count)",
                "содержится человек на 100 мест по норме (SPACE I Совета Европы; по опубликованному округлённому числу)",
                "нормалық 100 орынға ұсталатын адамдар (Еуропа Кеңесінің SPACE I; жарияланған дөңгелектенген саннан)",
            ),
            PER_100,
            suppressible=True,
        ),
        _f(
            "persons_in_single_cells",
            "integer",
            text("persons in single cells", "человек в одиночных камерах", "бір орындық камералардағы адамдар"),
            text(
                "persons held in single-occupancy cells in use",
                "люди в одноместных камерах в использовании",
                "пайдаланудағы бір орындық камералардағы адамдар",
            ),
            PERSONS,
            suppressible=True,
        ),
        _f(
            "share_in_single_cells_percent",
            "number",
            text("share in single cells", "доля в одиночных камерах", "бір орындық камералардағы үлес"),
            text(
                "persons in single cells per 100 persons held",
                "человек в одиночных камерах на 100 содержащихся",
                "ұсталатын 100 адамға бір орындық камералардағы адамдар",
            ),
            PERCENT,
            suppressible=True,
        ),
    ]
    for profile in profiles:
        slug = profile_slug(profile["code"])
        title = profile["title"]
        rows.append(
            _f(
                f"persons_compliant_{slug}",
                "integer",
                text(
                    f"persons in compliant accommodation: {profile['code']}",
                    f"человек в соответствующих условиях: {profile['code']}",
                    f"талапқа сай жағдайдағы адамдар: {profile['code']}",
                ),
                text(
                    f"persons held in cells in use that comply with the verified profile {title['en']}",
                    f"люди в камерах в использовании, соответствующих проверенному профилю «{title['ru']}»",
                    f"«{title['kk']}» тексерілген бейініне сай пайдаланудағы камералардағы адамдар",
                ),
                PERSONS,
                suppressible=True,
            )
        )
        rows.append(
            _f(
                f"share_compliant_{slug}_percent",
                "number",
                text(
                    f"share in compliant accommodation: {profile['code']}",
                    f"доля в соответствующих условиях: {profile['code']}",
                    f"талапқа сай жағдайдағы үлес: {profile['code']}",
                ),
                text(
                    "persons in compliant accommodation per 100 persons held",
                    "человек в соответствующих условиях на 100 содержащихся",
                    "ұсталатын 100 адамға талапқа сай жағдайдағы адамдар",
                ),
                PERCENT,
                suppressible=True,
            )
        )
    rows += [
        _f(
            "persons_counted_by_home",
            "integer",
            text(
                "persons of known home region",
                "человек с известным регионом проживания",
                "тұрғылықты өңірі белгілі адамдар",
            ),
            text(
                "persons in the latest count by place of residence whose home region is known",
                "люди в последнем подсчёте по месту жительства, чей регион проживания известен",
                "тұрғылықты жері бойынша соңғы санақтағы тұрғылықты өңірі белгілі адамдар",
            ),
            PERSONS,
            suppressible=True,
        ),
        _f(
            "persons_near_home",
            "integer",
            text("persons held in their home region", "человек в своём регионе", "өз өңірінде ұсталатын адамдар"),
            text(
                "of them, persons held in their home region",
                "из них люди, содержащиеся в своём регионе проживания",
                "олардың ішінде өз тұрғылықты өңірінде ұсталатын адамдар",
            ),
            PERSONS,
            suppressible=True,
        ),
        _f(
            "share_near_home_percent",
            "number",
            text("share held near home", "доля рядом с домом", "үйге жақын ұсталатындар үлесі"),
            text(
                "persons held in their home region per 100 persons of known home region",
                "человек в своём регионе на 100 человек с известным регионом проживания",
                "тұрғылықты өңірі белгілі 100 адамға өз өңірінде ұсталатындар",
            ),
            PERCENT,
            suppressible=True,
        ),
    ]
    for status in ConversionProject.Status.values:
        rows.append(
            _f(
                f"projects_{status}",
                "integer",
                text(
                    f"conversion projects: {status}",
                    f"проекты переоборудования: {status}",
                    f"қайта жабдықтау жобалары: {status}",
                ),
                text(
                    f"conversion projects of the blocks in the status {status}",
                    f"проекты переоборудования корпусов в статусе {status}",
                    f"{status} мәртебесіндегі корпустарды қайта жабдықтау жобалары",
                ),
                PROJECTS,
            )
        )
    rows += [
        _f(
            "projects_active",
            "integer",
            text("active projects", "активные проекты", "белсенді жобалар"),
            text(
                "conversion projects neither completed nor cancelled",
                "проекты переоборудования, не завершённые и не отменённые",
                "аяқталмаған және тоқтатылмаған қайта жабдықтау жобалары",
            ),
            PROJECTS,
        ),
        _f(
            "projects_mean_progress_percent",
            "number",
            text(
                "mean progress of active projects", "средний ход активных проектов", "белсенді жобалардың орташа барысы"
            ),
            text(
                "mean percent complete of the active projects",
                "средний процент выполнения активных проектов",
                "белсенді жобалардың орындалуының орташа пайызы",
            ),
            PERCENT,
        ),
    ]
    for name, en, ru, kk in (
        ("total", "recorded", "записанные", "тіркелген"),
        ("open", "open or in progress", "открытые или в работе", "ашық немесе орындалуда"),
        ("overdue", "overdue (a deadline or an action's due date passed)", "просроченные", "мерзімі өткен"),
        ("implemented", "implemented", "выполненные", "орындалған"),
    ):
        rows.append(
            _f(
                f"recommendations_{name}",
                "integer",
                text(f"recommendations: {name}", f"рекомендации: {ru}", f"ұсынымдар: {kk}"),
                text(
                    f"recommendations and findings of every mechanism whose scope is in the area: {en}",
                    f"рекомендации и замечания всех механизмов, относящиеся к этой территории: {ru}",
                    f"осы аумаққа қатысты барлық тетіктердің ұсынымдары мен ескертулері: {kk}",
                ),
                RECOMMENDATIONS,
            )
        )
    return rows


def profile_slug(code: str) -> str:
    """A profile's code as part of a column name: lower case, every other character "_" (KZ-ROADMAP ->
    kz_roadmap)."""
    return re.sub(r"[^a-z0-9]+", "_", code.lower()).strip("_")


def csv_column(name: str) -> str:
    """The CSV column of a content key (``persons_compliant:KZ-ROADMAP`` -> ``persons_compliant_kz_roadmap``)."""
    if name.startswith("persons_compliant:"):
        return f"persons_compliant_{profile_slug(name.split(':', 1)[1])}"
    return name


def suppressed_field(figure: Field) -> Field:
    """The ``<name>_suppressed`` companion of a suppressible figure: the reason code, empty when published."""
    return _f(
        f"{figure.name}_suppressed",
        "string",
        text(
            f"{figure.title['en']}: reason suppressed",
            f"{figure.title['ru']}: причина скрытия",
            f"{figure.title['kk']}: жасыру себебі",
        ),
        text(
            "empty when the value is published; else the reason code (see the data dictionary)",
            "пусто, если значение опубликовано; иначе код причины (см. словарь данных)",
            "мән жарияланса бос; әйтпесе себеп коды (деректер сөздігін қараңыз)",
        ),
        enum=REASON_CODES,
    )


def with_suppression(figures: list[Field]) -> list[Field]:
    out = []
    for figure in figures:
        out.append(figure)
        if figure.suppressible:
            out.append(suppressed_field(figure))
    return out


CODE = {
    "facility": _f(
        "code",
        "string",
        text("facility code", "код учреждения", "мекеме коды"),
        text("the institution's code", "код учреждения", "мекеменің коды"),
    ),
    "region": _f(
        "code",
        "string",
        text("region code", "код региона", "өңір коды"),
        text("ISO 3166-2:KZ code of the region", "код региона по ISO 3166-2:KZ", "ISO 3166-2:KZ бойынша өңір коды"),
    ),
    "nation": _f(
        "code",
        "string",
        text("country code", "код страны", "ел коды"),
        text("KZ: the Republic of Kazakhstan", "KZ: Республика Казахстан", "KZ: Қазақстан Республикасы"),
    ),
}
REGION_OF_FACILITY = _f(
    "region",
    "string",
    text("region code", "код региона", "өңір коды"),
    text("ISO 3166-2:KZ code of the facility's region", "код региона учреждения", "мекеме өңірінің коды"),
)
FACILITY_ATTRIBUTES = [
    _f("kind", "string", text("kind", "вид", "түрі"), text("kind of institution", "вид учреждения", "мекеме түрі")),
    _f(
        "security_level",
        "string",
        text("security level", "режим", "режимі"),
        text("the institution's security level", "режим учреждения", "мекеменің режимі"),
    ),
    _f(
        "status",
        "string",
        text("status", "статус", "мәртебесі"),
        text(
            "operating or under reconstruction", "действует или на реконструкции", "жұмыс істейді немесе қайта құруда"
        ),
    ),
]
INSTITUTIONS_FIELD = _f(
    "institutions",
    "integer",
    text("institutions", "учреждения", "мекемелер"),
    text(
        "institutions in operation in the area, including those published without detail",
        "действующие учреждения на территории, включая опубликованные без подробностей",
        "аумақтағы жұмыс істейтін мекемелер, егжей-тегжейсіз жарияланғандарын қоса",
    ),
    INSTITUTIONS,
)


def area_fields(kind: str, profiles: list[dict]) -> list[Field]:
    """The columns of facilities.csv (``kind`` "facility"), regions.csv ("region") or nation.csv ("nation")."""
    head = [CODE[kind]]
    if kind != "nation":
        head += _names(
            text(kind, "учреждение" if kind == "facility" else "регион", "мекеме" if kind == "facility" else "өңір")
        )
    if kind == "facility":
        head += [REGION_OF_FACILITY, *FACILITY_ATTRIBUTES]
    else:
        head.append(INSTITUTIONS_FIELD)
    return [*head, *with_suppression(area_figures(profiles)), DEMO]


def _counting(name: str, en: str, ru: str, kk: str) -> Field:
    return _f(name, "integer", text(en, ru, kk), text(en, ru, kk), RECOMMENDATIONS)


def recommendation_fields() -> list[Field]:
    """The columns of recommendations.csv (one row per recommendation; no free text)."""

    def s(name: str, en: str, ru: str, kk: str, type_: str = "string", **kw: Any) -> Field:
        return _f(name, type_, text(en, ru, kk), text(en, ru, kk), **kw)

    return [
        s("id", "identifier of the recommendation", "идентификатор рекомендации", "ұсыным идентификаторы", "integer"),
        s(
            "mechanism",
            "mechanism that made it",
            "механизм, вынесший её",
            "оны шығарған тетік",
            enum=tuple(Mechanism.values),
        ),
        s(
            "source",
            "source: a mechanism's document, or an inspection (a prosecutor's finding) of document_date",
            "источник: документ механизма или проверка (нарушение, выявленное прокурором) на дату document_date",
            "дереккөз: тетік құжаты немесе document_date күнгі тексеру (прокурор анықтаған бұзушылық)",
            enum=("document", "inspection"),
        ),
        s("document", "reference of the source document", "реквизиты документа", "құжат деректемелері"),
        s("document_date", "date of the source document", "дата документа", "құжат күні", "date"),
        s("paragraph", "paragraph of the source document", "пункт документа", "құжат тармағы"),
        s(
            "scope",
            "scope: nation, region or facility",
            "охват: страна, регион или учреждение",
            "қамту: ел, өңір немесе мекеме",
        ),
        s("region", "region code (empty for the nation)", "код региона (пусто для страны)", "өңір коды (ел үшін бос)"),
        s(
            "facility",
            "facility code (empty above facility level or without detail)",
            "код учреждения (пусто выше уровня учреждения или без подробностей)",
            "мекеме коды (мекемеден жоғары деңгейде немесе егжей-тегжейсіз бос)",
        ),
        s("rule", "code of the standard rule", "код стандартного правила", "стандарт ереженің коды"),
        s(
            "judgement",
            "latest independent judgement of implementation",
            "последняя независимая оценка выполнения",
            "орындалуды соңғы тәуелсіз бағалау",
            enum=tuple(Finding.Judgement.values),
        ),
        s("judged_on", "date of the follow-up", "дата последующей проверки", "кейінгі тексеру күні", "date"),
        s("open", "open or in progress", "открыта или в работе", "ашық немесе орындалуда", "boolean"),
        s("overdue", "overdue", "просрочена", "мерзімі өткен", "boolean"),
        s("implemented", "implemented", "выполнена", "орындалған", "boolean"),
        s(
            "public_evidence",
            "public evidence attached",
            "приложено публичных подтверждений",
            "жария дәлелдер саны",
            "integer",
        ),
        DEMO,
    ]


def recommendation_table_fields() -> list[Field]:
    """The columns of recommendations_by_mechanism.csv: per mechanism (``scope`` all), and per mechanism
    and region (``scope`` region, or nation for recommendations addressed to the whole country)."""
    fields = [
        _f(
            "mechanism",
            "string",
            text("mechanism", "механизм", "тетік"),
            text("mechanism", "механизм", "тетік"),
            enum=tuple(Mechanism.values),
        ),
        _f(
            "scope",
            "string",
            text("breakdown", "разрез", "бөлініс"),
            text(
                "all: every recommendation of the mechanism; nation: those addressed to the whole country; "
                "region: those of the region",
                "all: все рекомендации механизма; nation: адресованные стране; region: относящиеся к региону",
                "all: тетіктің барлық ұсынымдары; nation: бүкіл елге; region: өңірге қатысты",
            ),
            enum=("all", "nation", "region"),
        ),
        _f(
            "region",
            "string",
            text("region code", "код региона", "өңір коды"),
            text("region code", "код региона", "өңір коды"),
        ),
        _counting("total", "recommendations", "рекомендации", "ұсынымдар"),
        _counting("open", "open or in progress", "открытые или в работе", "ашық немесе орындалуда"),
        _counting("overdue", "overdue", "просроченные", "мерзімі өткен"),
        _counting("implemented", "implemented", "выполненные", "орындалған"),
    ]
    for judgement in [*Finding.Judgement.values, "not_judged"]:
        fields.append(
            _counting(f"judgement_{judgement}", f"judged: {judgement}", f"оценка: {judgement}", f"баға: {judgement}")
        )
    fields.append(
        _f(
            "share_implemented_percent",
            "number",
            text("share implemented", "доля выполненных", "орындалғандар үлесі"),
            text(
                "implemented per 100 recommendations", "выполненных на 100 рекомендаций", "100 ұсынымға орындалғандар"
            ),
            PERCENT,
        )
    )
    return [*fields, DEMO]


def suppression_fields() -> list[Field]:
    """The columns of suppressions.csv: what was suppressed and why (never the value)."""
    return [
        _f(
            "table",
            "string",
            text("table", "таблица", "кесте"),
            text("facility, region or nation", "facility, region или nation", "facility, region немесе nation"),
            enum=("facility", "region", "nation"),
        ),
        _f("code", "string", text("code", "код", "код"), text("code of the row", "код строки", "жол коды")),
        _f(
            "column",
            "string",
            text("column", "столбец", "баған"),
            text("the suppressed column", "скрытый столбец", "жасырылған баған"),
        ),
        _f(
            "reason",
            "string",
            text("reason", "причина", "себеп"),
            text("reason code (data dictionary)", "код причины (словарь данных)", "себеп коды (деректер сөздігі)"),
            enum=REASON_CODES,
        ),
        DEMO,
    ]


def rules_text(rules: dict, licence: dict, language: str) -> str:
    """The disclosure rules of a release (``rules``: Release.rules) and its licence, as Markdown in
    ``language`` (en, ru or kk): the package's description and the head of dictionary.csv's meaning."""
    threshold, base, zeros = rules["threshold"], rules["rounding_base"], rules["zeros_disclosive"]
    reasons = "\n".join(f"- `{code}`: {pick(meaning, language)}" for code, meaning in REASONS.items())
    rounded = pick(ROUNDED, language).format(base=base) if base > 1 else ""
    if language == "ru":
        zero = "нули скрываются" if zeros else "нули публикуются"
        return (
            f"Правила раскрытия: число людей от 1 до {threshold - 1} скрывается (порог {threshold}); {zero}; "
            "вторичное скрытие не даёт восстановить скрытое число вычитанием из итогов (строки и столбцы, "
            "регион минус его учреждения, страна минус её регионы); "
            f"{rounded or 'числа не округляются'}. Доли и показатели вычислены из опубликованных (округлённых) чисел, поэтому не раскрывают больше, чем сами числа. "
            f"Пустая ячейка со столбцом `<имя>_suppressed` означает скрытое значение. Коды причин:\n{reasons}\n\n"
            f"Лицензия: {licence['title']} ({licence['name']}, {licence['path']})."
        )
    if language == "kk":
        zero = "нөлдер жасырылады" if zeros else "нөлдер жарияланады"
        return (
            f"Ашу ережелері: 1-ден {threshold - 1}-ге дейінгі адам саны жасырылады (шек {threshold}); {zero}; "
            "қайталама жасыру жасырылған санды қорытындылардан шегеру арқылы қалпына келтіруге жол бермейді "
            "(жолдар мен бағандар, өңір минус оның мекемелері, ел минус оның өңірлері); "
            f"{rounded or 'сандар дөңгелектенбейді'}. Үлестер жарияланған (дөңгелектенген) сандардан есептеледі, сондықтан олар сандардан артық ештеңе ашпайды. "
            f"`<атау>_suppressed` бағаны бар бос ұяшық жасырылған мәнді білдіреді. Себеп кодтары:\n{reasons}\n\n"
            f"Лицензия: {licence['title']} ({licence['name']}, {licence['path']})."
        )
    zero = "zeros are suppressed too" if zeros else "zeros are published"
    return (
        f"Disclosure rules: a count of 1 to {threshold - 1} persons is suppressed (threshold {threshold}); {zero}; "
        "secondary suppression stops a suppressed count being recovered by subtraction from the totals (along "
        "rows and columns: a region minus its facilities, the nation minus its regions, and any combination); "
        f"{rounded or 'counts are not rounded'}. Shares and rates are computed from the published (rounded) counts, so they reveal nothing the counts do not. An empty cell with "
        f"a `<name>_suppressed` column gives a suppressed value and its reason. Reason codes:\n{reasons}\n\n"
        f"Licence: {licence['title']} ({licence['name']}, {licence['path']})."
    )


def dictionary_fields() -> list[Field]:
    """The columns of dictionary.csv (one row per column of every file)."""
    fields = [
        _f("file", "string", text("file", "файл", "файл"), text("the file", "файл", "файл")),
        _f("field", "string", text("column", "столбец", "баған"), text("the column", "столбец", "баған")),
        _f(
            "type",
            "string",
            text("type", "тип", "түрі"),
            text("Table Schema type", "тип Table Schema", "Table Schema түрі"),
        ),
    ]
    for language in LANGUAGES:
        for what, label in (
            ("title", text("title", "название", "атауы")),
            ("description", text("definition", "определение", "анықтама")),
        ):
            fields.append(
                _f(
                    f"{what}_{language}",
                    "string",
                    text(f"{label['en']} ({language})", f"{label['ru']} ({language})", f"{label['kk']} ({language})"),
                    text(f"{label['en']} in {language}", f"{label['ru']}: {language}", f"{label['kk']}: {language}"),
                )
            )
    fields.append(
        _f("unit", "string", text("unit", "единица", "өлшем бірлігі"), text("unit", "единица", "өлшем бірлігі"))
    )
    return [*fields, DEMO]
