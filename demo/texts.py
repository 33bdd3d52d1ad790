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
    return entries + recommendation_catalogue()


# ---------------------------------------------------------------------------------------------------
# Recommendations of the other mechanisms (demo.recommendations). Every text is a demo paraphrase written
# for the demo: none quotes a real report, and the titles of the documents say so.

# The documents' titles; ``{facility}`` is an institution's code.
RECOMMENDATION_DOCUMENTS = {
    "npm": {
        "en": "Demo: report of the national preventive mechanism on its visit to {facility}",
        "ru": "Демо: отчёт национального превентивного механизма о посещении учреждения {facility}",
        "kk": "Демо: ұлттық алдын алу тетігінің {facility} мекемесіне сапары туралы есебі",
    },
    "spt": {
        "en": "Demo: recommendations modelled on the UN Subcommittee's report CAT/OP/KAZ/ROSP/1 (paraphrased for "
        "the demo, not its text)",
        "ru": "Демо: рекомендации по мотивам доклада Подкомитета ООН CAT/OP/KAZ/ROSP/1 (пересказ для "
        "демонстрации, не его текст)",
        "kk": "Демо: БҰҰ Кіші комитетінің CAT/OP/KAZ/ROSP/1 баяндамасы негізіндегі ұсынымдар (демонстрацияға "
        "арналған мазмұндама, оның мәтіні емес)",
    },
    "cat": {
        "en": "Demo: recommendations modelled on the Committee against Torture's concluding observations "
        "CAT/C/KAZ/CO/3 (paraphrased for the demo, not their text)",
        "ru": "Демо: рекомендации по мотивам заключительных замечаний Комитета против пыток CAT/C/KAZ/CO/3 "
        "(пересказ для демонстрации, не их текст)",
        "kk": "Демо: Азаптауға қарсы комитеттің CAT/C/KAZ/CO/3 қорытынды ескертулері негізіндегі ұсынымдар "
        "(демонстрацияға арналған мазмұндама, олардың мәтіні емес)",
    },
    "upr": {
        "en": "Demo: recommendations modelled on the Universal Periodic Review of Kazakhstan, A/HRC/28/10 "
        "(paraphrased for the demo, not its text)",
        "ru": "Демо: рекомендации по мотивам Универсального периодического обзора Казахстана, A/HRC/28/10 "
        "(пересказ для демонстрации, не его текст)",
        "kk": "Демо: Қазақстанның жалпыға бірдей мерзімді шолуы, A/HRC/28/10 негізіндегі ұсынымдар "
        "(демонстрацияға арналған мазмұндама, оның мәтіні емес)",
    },
}

# The national preventive mechanism's recommendations after a visit (facility scope): (rule code or None,
# recommendation, the institution's action, the institution's progress report).
NPM_RECOMMENDATIONS = [
    (
        "CPT-2015-2",
        {
            "en": "Reduce the number of persons in the dormitory rooms so that each person has at least 4 m² of "
            "living space.",
            "ru": "Сократить число лиц в комнатах общежития, чтобы на каждого приходилось не менее 4 м² жилой площади.",
            "kk": "Әр адамға кемінде 4 м² тұрғын алаң тиесілі болуы үшін жатақхана бөлмелеріндегі адамдар санын азайту.",
        },
        {
            "en": "Move persons from the most crowded rooms to vacant places of the other blocks.",
            "ru": "Перевести лиц из наиболее переполненных комнат на свободные места других корпусов.",
            "kk": "Ең толып кеткен бөлмелердегі адамдарды басқа корпустардың бос орындарына ауыстыру.",
        },
        {
            "en": "Persons moved from the most crowded rooms; the headcount of the rooms was sent to the mechanism.",
            "ru": "Лица переведены из наиболее переполненных комнат; численность по комнатам направлена механизму.",
            "kk": "Адамдар ең толып кеткен бөлмелерден ауыстырылды; бөлмелер бойынша сан тетікке жіберілді.",
        },
    ),
    (
        "SMR-15",
        {
            "en": "Give every residential room access to a partitioned sanitary annex at any time of day and night.",
            "ru": "Обеспечить из каждого жилого помещения доступ к изолированному санитарному узлу в любое время суток.",
            "kk": "Әр тұрғын үй-жайдан тәуліктің кез келген уақытында оқшауланған санитариялық торапқа қол жеткізуді "
            "қамтамасыз ету.",
        },
        {
            "en": "Draw up the design documentation of sanitary annexes for the dormitory blocks.",
            "ru": "Разработать проектную документацию санитарных узлов для корпусов общежитий.",
            "kk": "Жатақхана корпустары үшін санитариялық тораптардың жобалық құжаттамасын әзірлеу.",
        },
        {
            "en": "Design documentation of the sanitary annexes submitted for the state expert review.",
            "ru": "Проектная документация санитарных узлов направлена на государственную экспертизу.",
            "kk": "Санитариялық тораптардың жобалық құжаттамасы мемлекеттік сараптамаға жіберілді.",
        },
    ),
    (
        None,
        {
            "en": "Ensure a confidential medical examination of every new arrival within 24 hours, recording any "
            "injuries.",
            "ru": "Обеспечить конфиденциальный медицинский осмотр каждого вновь прибывшего в течение 24 часов с "
            "фиксацией телесных повреждений.",
            "kk": "Әр жаңадан келген адамды 24 сағат ішінде дене жарақаттарын тіркей отырып, құпия медициналық "
            "тексеруден өткізуді қамтамасыз ету.",
        },
        {
            "en": "Introduce a register of medical examinations on arrival, with a form for recording injuries.",
            "ru": "Ввести журнал медицинских осмотров при поступлении с формой фиксации телесных повреждений.",
            "kk": "Келген кездегі медициналық тексерулер журналын дене жарақаттарын тіркеу нысанымен енгізу.",
        },
        {
            "en": "The register of medical examinations on arrival is kept from the first day of the month.",
            "ru": "Журнал медицинских осмотров при поступлении ведётся с первого числа месяца.",
            "kk": "Келген кездегі медициналық тексерулер журналы айдың бірінші күнінен бастап жүргізіледі.",
        },
    ),
    (
        "SMR-14",
        {
            "en": "Restore natural light and ventilation in the rooms whose windows are covered by metal shutters.",
            "ru": "Восстановить естественное освещение и вентиляцию в помещениях, окна которых закрыты "
            "металлическими жалюзи.",
            "kk": "Терезелері металл жалюзимен жабылған үй-жайларда табиғи жарық пен желдетуді қалпына келтіру.",
        },
        {
            "en": "Remove the metal shutters from the windows of the residential rooms.",
            "ru": "Демонтировать металлические жалюзи с окон жилых помещений.",
            "kk": "Тұрғын үй-жайлардың терезелерінен металл жалюзилерді бөлшектеу.",
        },
        {
            "en": "The shutters were removed from the windows of two of the three blocks.",
            "ru": "Жалюзи демонтированы с окон двух корпусов из трёх.",
            "kk": "Жалюзилер үш корпустың екеуінің терезелерінен бөлшектелді.",
        },
    ),
    (
        None,
        {
            "en": "Allow every person held at least one hour of outdoor exercise a day, in yards large enough for "
            "physical exercise.",
            "ru": "Предоставлять каждому содержащемуся не менее одного часа прогулки в день в двориках, достаточных "
            "для физических упражнений.",
            "kk": "Әр ұсталған адамға күніне кемінде бір сағат дене жаттығуларына жеткілікті аулаларда серуендеуге "
            "мүмкіндік беру.",
        },
        {
            "en": "Enlarge two exercise yards and set the daily timetable of outdoor exercise.",
            "ru": "Расширить два прогулочных дворика и утвердить ежедневный график прогулок.",
            "kk": "Екі серуендеу ауласын кеңейту және күнделікті серуендеу кестесін бекіту.",
        },
        {
            "en": "The timetable of outdoor exercise is approved; the works on the yards are planned.",
            "ru": "График прогулок утверждён; работы по дворикам запланированы.",
            "kk": "Серуендеу кестесі бекітілді; аулалар бойынша жұмыстар жоспарланды.",
        },
    ),
    (
        None,
        {
            "en": "Post the procedure for confidential complaints in every residential block, in Kazakh and Russian.",
            "ru": "Разместить порядок подачи конфиденциальных жалоб в каждом жилом корпусе на казахском и русском "
            "языках.",
            "kk": "Құпия шағымдарды беру тәртібін әр тұрғын корпуста қазақ және орыс тілдерінде орналастыру.",
        },
        {
            "en": "Install boxes for confidential complaints that only the prosecutor and the mechanism open.",
            "ru": "Установить ящики для конфиденциальных жалоб, вскрываемые только прокурором и механизмом.",
            "kk": "Тек прокурор мен тетік ашатын құпия шағымдарға арналған жәшіктер орнату.",
        },
        {
            "en": "Complaint boxes installed in every block; the procedure is posted in both languages.",
            "ru": "Ящики для жалоб установлены во всех корпусах; порядок размещён на двух языках.",
            "kk": "Шағым жәшіктері барлық корпустарда орнатылды; тәртіп екі тілде орналастырылды.",
        },
    ),
]

# The second action on a visit's recommendation, when it has one.
NPM_FOLLOW_UP_ACTION = {
    "en": "Report to the mechanism on the completion of the works, with photographs.",
    "ru": "Сообщить механизму о завершении работ с приложением фотографий.",
    "kk": "Жұмыстардың аяқталғаны туралы тетікке фотосуреттерін қоса хабарлау.",
}

# The international mechanisms' recommendations (national scope), by mechanism: demo paraphrases in the
# manner of those bodies' reports, in the order of the demo's paragraphs D1, D2, ...
NATIONAL_RECOMMENDATIONS = {
    "spt": [
        {
            "en": "Set up in every place of deprivation of liberty a complaints procedure independent of the "
            "administration, with protection from reprisals.",
            "ru": "Создать в каждом месте лишения свободы процедуру подачи жалоб, независимую от администрации, с "
            "защитой от преследования.",
            "kk": "Бас бостандығынан айыру орындарының әрқайсысында әкімшіліктен тәуелсіз, қудалаудан қорғалған "
            "шағым беру рәсімін құру.",
        },
        {
            "en": "Guarantee the national preventive mechanism unannounced access to every place of deprivation of "
            "liberty and to every person held, without delay.",
            "ru": "Гарантировать национальному превентивному механизму доступ без предупреждения и без задержки ко "
            "всем местам лишения свободы и ко всем содержащимся лицам.",
            "kk": "Ұлттық алдын алу тетігіне бас бостандығынан айыру орындарының барлығына және барлық ұсталған "
            "адамдарға ескертусіз әрі кідіріссіз қол жеткізуге кепілдік беру.",
        },
        {
            "en": "Replace the large dormitories of the colonies with small living units, following a published "
            "timetable.",
            "ru": "Заменить большие общежития колоний небольшими жилыми помещениями по опубликованному графику.",
            "kk": "Колониялардың үлкен жатақханаларын жарияланған кесте бойынша шағын тұрғын үй-жайлармен алмастыру.",
        },
        {
            "en": "Ensure access to a lawyer and to an independent doctor from the very outset of deprivation of "
            "liberty.",
            "ru": "Обеспечить доступ к адвокату и независимому врачу с самого начала лишения свободы.",
            "kk": "Бас бостандығынан айырылған сәттен бастап адвокатқа және тәуелсіз дәрігерге қол жеткізуді "
            "қамтамасыз ету.",
        },
        {
            "en": "Give the national preventive mechanism the budget and the staff it needs to carry out its "
            "mandate in full.",
            "ru": "Предоставить национальному превентивному механизму бюджет и штат, необходимые для полного "
            "выполнения его мандата.",
            "kk": "Ұлттық алдын алу тетігіне оның мандатын толық орындауы үшін қажетті бюджет пен штат беру.",
        },
    ],
    "cat": [
        {
            "en": "Ensure that every allegation of torture or ill-treatment is investigated promptly by a body "
            "independent of the one that employs the alleged perpetrators.",
            "ru": "Обеспечить оперативное расследование каждого заявления о пытках или жестоком обращении органом, "
            "независимым от ведомства предполагаемых виновных.",
            "kk": "Азаптау немесе қатыгез қарау туралы әр арызды болжамды кінәлілердің ведомствосынан тәуелсіз "
            "органның жедел тергеуін қамтамасыз ету.",
        },
        {
            "en": "Bring the conditions of the pre-trial detention facilities into line with the Standard Minimum "
            "Rules, in particular living space and sanitation.",
            "ru": "Привести условия в следственных изоляторах в соответствие с Минимальными стандартными правилами, "
            "прежде всего по жилой площади и санитарии.",
            "kk": "Тергеу изоляторларындағы жағдайларды ең төменгі стандартты ережелерге, ең алдымен тұрғын алаң мен "
            "санитария бойынша сәйкестендіру.",
        },
        {
            "en": "Keep a central register of all persons deprived of liberty, with the time of arrest, the "
            "transfers and the authorities responsible.",
            "ru": "Вести единый реестр всех лиц, лишённых свободы, с указанием времени задержания, переводов и "
            "ответственных органов.",
            "kk": "Ұстау уақыты, ауыстырулар және жауапты органдар көрсетілген, бас бостандығынан айырылған барлық "
            "адамдардың бірыңғай тізілімін жүргізу.",
        },
        {
            "en": "Make the medical services of the penitentiary system independent of the administration of the "
            "institutions.",
            "ru": "Обеспечить независимость медицинской службы пенитенциарной системы от администрации учреждений.",
            "kk": "Пенитенциарлық жүйенің медициналық қызметінің мекемелер әкімшілігінен тәуелсіздігін қамтамасыз ету.",
        },
        {
            "en": "Publish statistics on complaints of torture and ill-treatment, the investigations opened and "
            "their outcomes.",
            "ru": "Публиковать статистику жалоб на пытки и жестокое обращение, возбуждённых расследований и их "
            "результатов.",
            "kk": "Азаптау және қатыгез қарау туралы шағымдардың, басталған тергеулердің және олардың "
            "нәтижелерінің статистикасын жариялау.",
        },
    ],
    "upr": [
        {
            "en": "Continue to reduce the prison population by wider use of alternatives to imprisonment.",
            "ru": "Продолжить сокращение числа заключённых за счёт более широкого применения альтернатив лишению "
            "свободы.",
            "kk": "Бас бостандығынан айыруға балама шараларды кеңірек қолдану арқылы сотталғандар санын қысқартуды "
            "жалғастыру.",
        },
        {
            "en": "Strengthen the independence and the resources of the national preventive mechanism.",
            "ru": "Укрепить независимость и ресурсы национального превентивного механизма.",
            "kk": "Ұлттық алдын алу тетігінің тәуелсіздігі мен ресурстарын нығайту.",
        },
        {
            "en": "Improve the conditions of detention, in particular health care, in line with international "
            "standards.",
            "ru": "Улучшить условия содержания, прежде всего медицинскую помощь, в соответствии с международными "
            "стандартами.",
            "kk": "Ұстау жағдайларын, ең алдымен медициналық көмекті, халықаралық стандарттарға сәйкес жақсарту.",
        },
        {
            "en": "Ensure that persons serving sentences keep contact with their families, including by holding "
            "them near home.",
            "ru": "Обеспечить осуждённым связь с семьёй, в том числе путём содержания ближе к месту жительства.",
            "kk": "Сотталғандардың отбасымен байланысын, оның ішінде оларды тұрғылықты жеріне жақын ұстау арқылы "
            "қамтамасыз ету.",
        },
    ],
}

# Actions of the responsible bodies on national recommendations.
NATIONAL_ACTIONS = {
    "plan": {
        "en": "Adopt an interdepartmental action plan with a timetable and a budget.",
        "ru": "Утвердить межведомственный план действий с графиком и бюджетом.",
        "kk": "Кестесі мен бюджеті бар ведомствоаралық іс-қимыл жоспарын бекіту.",
    },
    "law": {
        "en": "Prepare the draft amendments to the legislation and submit them to Parliament.",
        "ru": "Подготовить проект поправок в законодательство и внести его в Парламент.",
        "kk": "Заңнамаға түзетулер жобасын дайындап, Парламентке енгізу.",
    },
    "report": {
        "en": "Send the mechanism a report on the implementation, with the figures.",
        "ru": "Направить механизму отчёт об исполнении с цифрами.",
        "kk": "Тетікке орындалуы туралы есепті сандарымен жіберу.",
    },
    "train": {
        "en": "Train the staff of the institutions and check the application in every region.",
        "ru": "Обучить персонал учреждений и проверить применение во всех регионах.",
        "kk": "Мекемелер қызметкерлерін оқыту және барлық өңірлерде қолданылуын тексеру.",
    },
}

# Progress reports of the responsible bodies on national actions, by what they report.
PROGRESS_REPORTS = {
    "done": {
        "en": "Action completed; the supporting documents were sent to the mechanism.",
        "ru": "Мера выполнена; подтверждающие документы направлены механизму.",
        "kk": "Шара орындалды; растайтын құжаттар тетікке жіберілді.",
    },
    "under_way": {
        "en": "Action under way: part of the work is done, the rest is scheduled.",
        "ru": "Мера выполняется: часть работы завершена, остальное запланировано.",
        "kk": "Шара орындалуда: жұмыстың бір бөлігі аяқталды, қалғаны жоспарланды.",
    },
}

# The mechanisms' notes on their judgements at a follow-up, by judgement.
JUDGEMENT_NOTES = {
    "achieved": {
        "en": "Follow-up: the recommendation is implemented; checked on site.",
        "ru": "Последующий контроль: рекомендация выполнена; проверено на месте.",
        "kk": "Кейінгі бақылау: ұсыным орындалды; орнында тексерілді.",
    },
    "partially_achieved": {
        "en": "Follow-up: implemented in part; the remaining work is behind schedule.",
        "ru": "Последующий контроль: выполнена частично; оставшиеся работы отстают от графика.",
        "kk": "Кейінгі бақылау: ішінара орындалды; қалған жұмыстар кестеден артта қалуда.",
    },
    "not_achieved": {
        "en": "Follow-up: no change found since the report.",
        "ru": "Последующий контроль: изменений с момента доклада не выявлено.",
        "kk": "Кейінгі бақылау: баяндамадан бері өзгеріс анықталмады.",
    },
}

# Responsible bodies and owners of actions (units, never persons): proper names as a Kazakh register
# holds them; ``{code}`` is an institution's code.
RESPONSIBLE_BODIES = {
    "committee": "Комитет уголовно-исполнительной системы МВД Республики Казахстан",
    "interior": "Министерство внутренних дел Республики Казахстан",
    "health": "Министерство здравоохранения Республики Казахстан",
    "prosecutor": "Генеральная прокуратура Республики Казахстан",
    "government": "Правительство Республики Казахстан",
    "institution": "Администрация учреждения {code}",
    "medical": "Медицинская часть учреждения {code}",
}


def recommendation_catalogue() -> list[dict]:
    """Every translatable entry of the recommendations' texts (for the completeness test)."""
    entries = [*RECOMMENDATION_DOCUMENTS.values(), *NATIONAL_ACTIONS.values(), *PROGRESS_REPORTS.values()]
    entries.append(NPM_FOLLOW_UP_ACTION)
    entries += list(JUDGEMENT_NOTES.values())
    for _rule, text, action, report in NPM_RECOMMENDATIONS:
        entries += [text, action, report]
    for texts_of_mechanism in NATIONAL_RECOMMENDATIONS.values():
        entries += texts_of_mechanism
    return entries
