"""Every text the demo generator writes, in one catalogue, with its English, Russian and Kazakh versions
side by side (issue 18). The generator stores the English text in the base field (``F``) and the others in
``F_ru`` and ``F_kk`` (core.i18n); tests/demo/test_texts.py fails when an entry lacks a language.

Placeholders in braces (``{n}`` a block's number, ``{room}`` a room's number, ``{rooms}`` a count of rooms)
are the same in the three versions. Proper names (contractors, lead inspectors) need no translation: they
are written in Cyrillic as a Kazakh register would hold them, and are plainly generated (demo rows are
marked ``is_demo`` and labelled demo on every page).
"""

LANGUAGES = ("en", "ru", "kk")

# Residential block names: the English name is the block's key (ResidentialBlock.name).
BLOCK_NAMES = {
    "dormitory": {"en": "Block {n}", "ru": "Жилой корпус {n}", "kk": "{n}-тұрғын корпус"},
    "cell": {"en": "Cell block {n}", "ru": "Камерный корпус {n}", "kk": "{n}-камералық корпус"},
    "pre_trial": {"en": "Corpus {n}", "ru": "Корпус {n}", "kk": "{n}-корпус"},
}

# Notes on the known institutions' names (demo.plan.KNOWN "note"), keyed by the English note.
KNOWN_NOTES = {
    "former Karlag site": {"en": "former Karlag site", "ru": "бывший Карлаг", "kk": "бұрынғы Қарлаг"},
    "being repurposed": {"en": "being repurposed", "ru": "перепрофилируется", "kk": "қайта бейінделуде"},
    "closed in 2020": {"en": "closed in 2020", "ru": "закрыто в 2020 году", "kk": "2020 жылы жабылған"},
}

# Findings: (rule code, severity, description, recommendation); ``{room}`` is the room's number.
FINDINGS = [
    (
        "CPT-2015-2",
        "high",
        {
            "en": "Living space below 4 m² per person in dormitory room {room}.",
            "ru": "Жилая площадь на одного осуждённого в комнате общежития {room} менее 4 м².",
            "kk": "{room} жатақхана бөлмесінде бір адамға шаққандағы тұрғын алаң 4 м²-ден аз.",
        },
        {
            "en": "Reduce the number of persons accommodated or convert the room.",
            "ru": "Сократить число размещённых лиц или переоборудовать комнату.",
            "kk": "Орналастырылған адамдар санын азайту немесе бөлмені қайта жабдықтау.",
        },
    ),
    (
        "SMR-15",
        "medium",
        {
            "en": "No in-room sanitation in {room}; toilets shared by the whole block.",
            "ru": "В помещении {room} нет санитарного узла; туалеты общие для всего корпуса.",
            "kk": "{room} үй-жайында санитариялық тораб жоқ; дәретханалар бүкіл корпусқа ортақ.",
        },
        {
            "en": "Install partitioned sanitary annexes.",
            "ru": "Оборудовать изолированные санитарные узлы.",
            "kk": "Оқшауланған санитариялық тораптар орнату.",
        },
    ),
    (
        "SMR-14",
        "medium",
        {
            "en": "Insufficient natural light in {room}.",
            "ru": "Недостаточное естественное освещение в помещении {room}.",
            "kk": "{room} үй-жайында табиғи жарық жеткіліксіз.",
        },
        {
            "en": "Enlarge the windows.",
            "ru": "Увеличить оконные проёмы.",
            "kk": "Терезе ойықтарын үлкейту.",
        },
    ),
    (
        "CPT-2015-4",
        "low",
        {
            "en": "Sanitary annex in {room} is not fully partitioned.",
            "ru": "Санитарный узел в помещении {room} отгорожен не полностью.",
            "kk": "{room} үй-жайындағы санитариялық тораб толық қоршалмаған.",
        },
        {
            "en": "Partition it to the ceiling.",
            "ru": "Установить перегородку до потолка.",
            "kk": "Төбеге дейін қалқа орнату.",
        },
    ),
    (
        None,
        "critical",
        {
            "en": "Overcrowding: {room} holds more persons than its design capacity.",
            "ru": "Переполненность: в помещении {room} содержится больше лиц, чем предусмотрено проектом.",
            "kk": "Толып кету: {room} үй-жайында жобалық сыйымдылығынан көп адам ұсталуда.",
        },
        {
            "en": "Transfer persons to vacant places and report the headcount.",
            "ru": "Перевести лиц на свободные места и сообщить численность.",
            "kk": "Адамдарды бос орындарға ауыстырып, санын хабарлау.",
        },
    ),
]

# Inspection summaries by inspecting body; ``{rooms}`` is the number of rooms visited.
INSPECTION_SUMMARIES = {
    "prosecutor": {
        "en": "Prosecutor's check of the conditions of detention: {rooms} rooms visited, registers of persons held "
        "compared with the headcount.",
        "ru": "Прокурорская проверка условий содержания: осмотрено помещений – {rooms}, журналы учёта сверены с "
        "фактической численностью.",
        "kk": "Ұстау жағдайларын прокурорлық тексеру: {rooms} үй-жай қаралды, есепке алу журналдары нақты "
        "санмен салыстырылды.",
    },
    "npm": {
        "en": "Preventive visit of the national preventive mechanism: {rooms} rooms visited, confidential "
        "interviews with persons held.",
        "ru": "Превентивное посещение национального превентивного механизма: осмотрено помещений – {rooms}, "
        "проведены конфиденциальные беседы с содержащимися лицами.",
        "kk": "Ұлттық алдын алу тетігінің алдын алу сапары: {rooms} үй-жай қаралды, ұсталғандармен құпия "
        "әңгімелер жүргізілді.",
    },
    "public_monitoring": {
        "en": "Public monitoring commission visit: {rooms} rooms visited, living space, sanitation and light checked.",
        "ru": "Посещение общественной наблюдательной комиссии: осмотрено помещений – {rooms}, проверены жилая "
        "площадь, санитарные узлы и освещение.",
        "kk": "Қоғамдық байқау комиссиясының сапары: {rooms} үй-жай қаралды, тұрғын алаң, санитариялық тораптар "
        "және жарық тексерілді.",
    },
    "ministry": {
        "en": "Departmental inspection of the Ministry: {rooms} rooms visited, conversion plans of the "
        "institution reviewed.",
        "ru": "Ведомственная проверка министерства: осмотрено помещений – {rooms}, рассмотрены планы "
        "переоборудования учреждения.",
        "kk": "Министрліктің ведомстволық тексеруі: {rooms} үй-жай қаралды, мекемені қайта жабдықтау жоспарлары "
        "қаралды.",
    },
}

# Progress notes of conversion projects, by the status reported.
PROGRESS_NOTES = {
    "planned": {
        "en": "Block included in the conversion programme; funding allocated.",
        "ru": "Корпус включён в программу переоборудования; финансирование выделено.",
        "kk": "Корпус қайта жабдықтау бағдарламасына енгізілді; қаржыландыру бөлінді.",
    },
    "design": {
        "en": "Design documentation for single cells with sanitary units under preparation.",
        "ru": "Разрабатывается проектная документация одиночных камер с санитарными узлами.",
        "kk": "Санитариялық тораптары бар бір орындық камералардың жобалық құжаттамасы әзірленуде.",
    },
    "procurement": {
        "en": "Design approved by the state expert review; contractor selected by open tender.",
        "ru": "Проект прошёл государственную экспертизу; подрядчик определён по открытому конкурсу.",
        "kk": "Жоба мемлекеттік сараптамадан өтті; мердігер ашық конкурс арқылы анықталды.",
    },
    "construction": {
        "en": "Residents moved to the other blocks; reconstruction works under way.",
        "ru": "Осуждённые переведены в другие корпуса; ведутся работы по реконструкции.",
        "kk": "Сотталғандар басқа корпустарға ауыстырылды; қайта жаңарту жұмыстары жүргізілуде.",
    },
    "commissioning": {
        "en": "Works finished; the acceptance commission is checking the cells.",
        "ru": "Работы завершены; приёмочная комиссия проверяет камеры.",
        "kk": "Жұмыстар аяқталды; қабылдау комиссиясы камераларды тексеруде.",
    },
    "completed": {
        "en": "Block commissioned: single cells certified and occupied.",
        "ru": "Корпус введён в эксплуатацию: одиночные камеры аттестованы и заселены.",
        "kk": "Корпус пайдалануға берілді: бір орындық камералар аттестатталып, қоныстандырылды.",
    },
    "suspended": {
        "en": "Works suspended: the financing of the next stage is delayed.",
        "ru": "Работы приостановлены: задерживается финансирование следующего этапа.",
        "kk": "Жұмыстар тоқтатылды: келесі кезеңді қаржыландыру кешіктірілуде.",
    },
    "cancelled": {
        "en": "Project cancelled: the institution is to be replaced by a new one.",
        "ru": "Проект отменён: учреждение будет заменено новым.",
        "kk": "Жоба тоқтатылды: мекеме жаңасымен ауыстырылады.",
    },
}

# Proper names (no translation): generated contractors and lead inspectors.
CONTRACTORS = [
    "ТОО «Демо Курылыс Инвест»",
    "ТОО «Демо Сарыарка Строй»",
    "ТОО «Демо Алтын Курылыс»",
    "ТОО «Демо Жетысу Монтаж»",
    "ТОО «Демо Ертис Строй»",
    "ТОО «Демо Каспий Инжиниринг»",
    "ТОО «Демо Тобыл Курылыс»",
    "ТОО «Демо Есиль Строй»",
    "ТОО «Демо Номад Билд»",
]
INSPECTOR_INITIALS = ["А.", "Б.", "Г.", "Д.", "Е.", "Ж.", "К.", "М.", "Н.", "С."]
INSPECTOR_SURNAMES = [
    "Сейткали",
    "Жумабаев",
    "Омарова",
    "Нурланова",
    "Ким",
    "Абенов",
    "Кенжебекова",
    "Исмаилов",
    "Тулегенова",
    "Ахметов",
]


def texts(entry: dict, **values) -> dict:
    """The three versions of a catalogue ``entry`` with its placeholders filled: ``{"en": ..., "ru": ...,
    "kk": ...}``."""
    return {language: entry[language].format(**values) for language in LANGUAGES}


def fields(field: str, entry: dict, **values) -> dict:
    """A row's ``field``, ``field_ru`` and ``field_kk`` from a catalogue ``entry`` (English in ``field``)."""
    filled = texts(entry, **values)
    return {field: filled["en"], f"{field}_ru": filled["ru"], f"{field}_kk": filled["kk"]}


def block_name(kind: str, n: int) -> dict:
    """A block's ``name`` (the English key, e.g. "Cell block 3"), ``name_ru`` and ``name_kk``."""
    return fields("name", BLOCK_NAMES[kind], n=n)


def catalogue() -> list[dict]:
    """Every translatable entry of the catalogue (for the completeness test)."""
    entries = [*BLOCK_NAMES.values(), *KNOWN_NOTES.values(), *INSPECTION_SUMMARIES.values(), *PROGRESS_NOTES.values()]
    for _rule, _severity, description, recommendation in FINDINGS:
        entries += [description, recommendation]
    return entries
