"""The columns of each register kind (headers in English, Russian and Kazakh), their parsers (codes and
choice labels in kk, ru and en), and the templates in each language; registers.imports checks and writes
the rows."""

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cells.models import Cell
from core import tabular, validators
from core.tabular import Column
from facilities.mechanisms import Mechanism
from facilities.models import AccommodationType, Facility, ResidentialBlock
from inspections.models import Finding

LANGUAGES = ("en", "ru", "kk")  # the order of a column's headers (col: en, ru, kk)


def label_key(text: object) -> str:
    """The form in which a choice's label or code is compared: casefolded, ё as е, spaces collapsed
    (``«Одиночная  Камера»`` is ``одиночная камера``)."""
    return " ".join(str(text).casefold().replace("ё", "е").split())


def choice_lookup(choices) -> dict[str, set]:
    """``label_key`` of every code of ``choices`` and of every label in kk, ru and en (the models' TextChoices
    labels as gettext translates them, each language activated in turn) -> the codes it stands for (two
    or more: an ambiguous label)."""
    lookup: dict[str, set] = {}
    for value, _label in choices:
        lookup.setdefault(label_key(value), set()).add(value)
    for language in LANGUAGES:
        with translation.override(language):
            for value, label in choices:
                lookup.setdefault(label_key(label), set()).add(value)
    return lookup


def choice(choices):
    """A parser accepting a choice's code or its label in kk, ru or en (any case, ё or е, any spacing);
    a label standing for two codes is refused naming them. The lookup is built at the first value (the
    translations are loaded by then). ``parse.choices`` are the choices (the dry run shows labels)."""
    lookup: dict[str, set] = {}

    def parse(value):
        raw = tabular.text(value)
        if not raw:
            return None
        if not lookup:
            lookup.update(choice_lookup(choices))
        codes = lookup.get(label_key(raw))
        if not codes:
            raise ValueError(
                _("'%(value)s' is not one of: %(choices)s")
                % {"value": raw, "choices": ", ".join(f"{v} ({label})" for v, label in choices)}
            )
        if len(codes) > 1:
            raise ValueError(
                _("'%(value)s' is ambiguous: it may stand for %(codes)s; write one of these codes.")
                % {"value": raw, "codes": ", ".join(sorted(codes))}
            )
        (code,) = codes
        return code

    parse.choices = choices
    return parse


def identifier(value):
    """A code, a name or a number of the register as text (tabular.text), refused when it holds an
    invisible, control or direction character, else in the one normal form of identifiers
    (core.validators.normalize_identifier), so that it matches the stored rows."""
    raw = tabular.text(value)
    if raw is None:
        return None
    code = validators.forbidden_character(raw)
    if code:
        raise ValueError(validators.forbidden_character_message(code))
    return validators.normalize_identifier(raw) or None


def free_text(value):
    """A free text of the register (a recommendation, an action): trimmed, its line breaks kept (CR LF as
    LF); empty -> None. Refused: a spreadsheet error value, a date or yes/no where text belongs (as
    core.tabular.text), another control character, an invisible or direction character."""
    if isinstance(value, str):
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        parts = [tabular.text(line.replace("\t", " ")) or "" for line in lines]
        raw = "\n".join(parts).strip()
    else:
        raw = tabular.text(value) or ""
    if not raw:
        return None
    code = validators.forbidden_character(raw.replace("\n", " "))
    if code:
        raise ValueError(validators.forbidden_character_message(code))
    return raw


def col(name, en, ru, kk, parse=identifier, required=False, help=""):
    return Column(name=name, headers=(en, ru, kk), parse=parse, required=required, help=help)


FACILITY_CODE = col("facility_code", "facility code", "код учреждения", "мекеме коды", required=True)
BLOCK_NAME = col("block_name", "block", "корпус", "корпус атауы")
COUNT_DATE = col("count_date", "date of the count", "дата подсчета", "санақ күні", tabular.date, True)

COLUMNS = {
    "facilities": [
        col("code", "facility code", "код учреждения", "мекеме коды", required=True),
        col("name_en", "name (English)", "название (англ.)", "атауы (ағылш.)"),
        col("name_ru", "name (Russian)", "название", "атауы (орыс.)"),
        col("name_kk", "name (Kazakh)", "название (каз.)", "атауы"),
        col("kind", "kind", "вид учреждения", "мекеме түрі", choice(Facility.Kind.choices), True),
        col("security_level", "security level", "вид режима", "режим түрі", choice(Facility.SecurityLevel.choices)),
        col("region", "region", "регион", "өңір", required=True, help=gettext_lazy("ISO 3166-2 code, e.g. KZ-35")),
        col("locality", "locality", "населенный пункт", "елді мекен"),
        col("year_built", "year built", "год постройки", "салынған жылы", tabular.integer),
        col("status", "status", "статус", "мәртебесі", choice(Facility.Status.choices)),
        col("category", "category", "категория", "санаты", choice(Facility.Category.choices)),
        col("design_capacity", "design capacity", "лимит наполнения", "жобалық сыйымдылығы", tabular.integer),
        col("latitude", "latitude", "широта", "ендік", tabular.decimal),
        col("longitude", "longitude", "долгота", "бойлық", tabular.decimal),
    ],
    "blocks": [
        FACILITY_CODE,
        col("name", "block", "корпус", "корпус атауы", required=True),
        col(
            "accommodation_type",
            "accommodation type",
            "тип размещения",
            "орналастыру түрі",
            choice(ResidentialBlock.Accommodation.choices),
            True,
        ),
        col("year_built", "year built", "год постройки", "салынған жылы", tabular.integer),
        col("floors", "floors", "этажность", "қабат саны", tabular.integer),
    ],
    "cells": [
        FACILITY_CODE,
        col("block_name", "block", "корпус", "корпус атауы", required=True),
        col("number", "cell number", "номер камеры", "камера нөмірі", required=True),
        col(
            "accommodation_type",
            "accommodation type",
            "тип размещения",
            "орналастыру түрі",
            choice(AccommodationType.choices),
            True,
        ),
        col(
            "living_space_m2",
            "living space",
            "жилая площадь",
            "тұрғын алаңы",
            tabular.decimal,
            help=gettext_lazy("m², excluding the sanitary annex"),
        ),
        col("design_capacity", "design capacity", "лимит мест", "жобалық орын саны", tabular.integer),
        col("occupancy", "occupancy", "наполняемость", "толымдылығы", tabular.integer),
        col("occupancy_date", "date of the count", "дата подсчета", "санақ күні", tabular.date),
        col("has_sanitary_annex", "sanitary annex", "санузел", "санитариялық торап", tabular.boolean),
        col(
            "sanitary_annex_partitioned",
            "annex partitioned",
            "санузел изолирован",
            "торап оқшауланған",
            tabular.boolean,
        ),
        col(
            "min_wall_distance_m",
            "distance between walls",
            "расстояние между стенами",
            "қабырға арақашықтығы",
            tabular.decimal,
            help=pgettext_lazy("unit: metres", "m"),
        ),
        col(
            "ceiling_height_m",
            "ceiling height",
            "высота потолка",
            "төбе биіктігі",
            tabular.decimal,
            help=pgettext_lazy("unit: metres", "m"),
        ),
        col("has_natural_light", "natural light", "естественное освещение", "табиғи жарық", tabular.boolean),
        col("status", "status", "статус", "мәртебесі", choice(Cell.Status.choices)),
    ],
    "headcounts": [
        FACILITY_CODE,
        BLOCK_NAME,
        col(
            "cell_number",
            "cell number",
            "номер камеры",
            "камера нөмірі",
            help=gettext_lazy("with the block; both empty: a count of the whole facility"),
        ),
        col("occupancy", "occupancy", "наполняемость", "толымдылығы", tabular.integer, True),
        COUNT_DATE,
    ],
    "residence": [
        FACILITY_CODE,
        col("home_region", "home region", "регион проживания", "тұрғылықты өңірі", required=True),
        COUNT_DATE,
        col("persons", "persons", "количество", "саны", tabular.integer, True),
    ],
}


# A mechanism's recommendations (registers.recommendations): one row a recommendation, keyed by mechanism,
# document reference and paragraph; the scope's columns as the scope needs; at most one action per row.
COLUMNS["recommendations"] = [
    col(
        "mechanism",
        "mechanism",
        "механизм",
        "тетік",
        choice(Mechanism.choices),
        True,
        help=gettext_lazy("not the prosecutor's office: its findings come from its inspections"),
    ),
    col("document_reference", "document reference", "номер документа", "құжат нөмірі", required=True),
    col("document_date", "document date", "дата документа", "құжат күні", tabular.date, True),
    col("document_title", "document title", "название документа", "құжат атауы (ағылш.)", free_text),
    col("document_title_ru", "document title (Russian)", "название документа (рус.)", "құжат атауы (орыс.)", free_text),
    col("document_title_kk", "document title (Kazakh)", "название документа (каз.)", "құжат атауы", free_text),
    col("document_url", "document address", "адрес документа", "құжат мекенжайы", tabular.text),
    col("paragraph", "paragraph", "пункт", "тармақ", required=True),
    col(
        "scope",
        "scope",
        "охват",
        "қамту",
        choice(Finding.Scope.choices),
        True,
        help=gettext_lazy("nation, region, facility, block or cell; the columns below as the scope needs"),
    ),
    col(
        "region",
        "region",
        "регион",
        "өңір",
        help=gettext_lazy(
            "ISO 3166-2 code, e.g. KZ-35: for a region; for a facility, block or cell it must be its region"
        ),
    ),
    col("facility_code", "facility code", "код учреждения", "мекеме коды"),
    col("block_name", "block", "корпус", "корпус атауы"),
    col("cell_number", "cell number", "номер камеры", "камера нөмірі"),
    col(
        "rule",
        "standard rule",
        "норма стандарта",
        "стандарт нормасы",
        help=gettext_lazy("a rule's code, e.g. CPT-2015-2"),
    ),
    col("responsible_body", "responsible body", "ответственный орган", "жауапты орган", free_text, True),
    col("recommendation_en", "recommendation (English)", "рекомендация (англ.)", "ұсыным (ағылш.)", free_text),
    col("recommendation_ru", "recommendation (Russian)", "рекомендация", "ұсыным (орыс.)", free_text),
    col("recommendation_kk", "recommendation (Kazakh)", "рекомендация (каз.)", "ұсыным", free_text),
    col("deadline", "deadline", "срок исполнения", "орындау мерзімі", tabular.date),
    col("action", "action", "мера", "шара", free_text),
    col(
        "action_owner",
        "action owner",
        "ответственный за меру",
        "шараға жауапты",
        free_text,
        help=gettext_lazy("a unit or post, not a person's name"),
    ),
    col("action_due_date", "action due date", "срок меры", "шара мерзімі", tabular.date),
]

# One example row of each kind's template (Python values: written in the template's language by
# example_value); a column without an example is left empty.
EXAMPLES = {
    "facilities": {
        "code": "АҚ-159/7",
        "name_en": "Correctional colony No. 7",
        "name_ru": "Исправительная колония №7",
        "name_kk": "№7 түзеу колониясы",
        "kind": Facility.Kind.COLONY,
        "security_level": Facility.SecurityLevel.MEDIUM,
        "region": "KZ-35",
        "locality": "Караганда",
        "year_built": 1975,
        "status": Facility.Status.OPERATING,
        "category": Facility.Category.MEN,
        "design_capacity": 1200,
        "latitude": Decimal("49.8047"),
        "longitude": Decimal("73.1094"),
    },
    "blocks": {
        "facility_code": "АҚ-159/7",
        "name": "Блок 1",
        "accommodation_type": ResidentialBlock.Accommodation.CELL,
        "year_built": 1975,
        "floors": 3,
    },
    "cells": {
        "facility_code": "АҚ-159/7",
        "block_name": "Блок 1",
        "number": "1-01",
        "accommodation_type": AccommodationType.MULTIPLE,
        "living_space_m2": Decimal("16.5"),
        "design_capacity": 4,
        "occupancy": 3,
        "occupancy_date": datetime.date(2026, 11, 1),
        "has_sanitary_annex": True,
        "sanitary_annex_partitioned": True,
        "min_wall_distance_m": Decimal("2.6"),
        "ceiling_height_m": Decimal("3.1"),
        "has_natural_light": True,
        "status": Cell.Status.IN_USE,
    },
    "headcounts": {
        "facility_code": "АҚ-159/7",
        "block_name": "Блок 1",
        "cell_number": "1-01",
        "occupancy": 3,
        "count_date": datetime.date(2026, 11, 1),
    },
    "residence": {
        "facility_code": "АҚ-159/7",
        "home_region": "KZ-35",
        "count_date": datetime.date(2026, 11, 1),
        "persons": 412,
    },
    "recommendations": {
        "mechanism": Mechanism.NPM,
        "document_reference": "НПМ-35/2026-07",
        "document_date": datetime.date(2026, 3, 12),
        "document_title": "Report on a preventive visit to institution АК-159/7",
        "document_title_ru": "Отчёт о превентивном посещении учреждения АК-159/7",
        "document_title_kk": "АК-159/7 мекемесіне алдын алу сапары туралы есеп",
        "paragraph": "4",
        "scope": Finding.Scope.FACILITY,
        "region": "KZ-35",
        "facility_code": "АК-159/7",
        "rule": "CPT-2015-2",
        "responsible_body": "Департамент уголовно-исполнительной системы по Карагандинской области",
        "recommendation_en": "Bring the living space to at least 4 m² per person in every dormitory room.",
        "recommendation_ru": "Обеспечить не менее 4 м² жилой площади на человека в каждой комнате общежития.",
        "recommendation_kk": "Жатақхананың әр бөлмесінде бір адамға кемінде 4 м² тұрғын алаң қамтамасыз ету.",
        "deadline": datetime.date(2026, 12, 31),
        "action": "Move persons from the overcrowded dormitory rooms to vacant places of the institution",
        "action_owner": "Администрация учреждения АК-159/7",
        "action_due_date": datetime.date(2026, 6, 30),
    },
}
YES_NO = {"en": ("yes", "no"), "ru": ("да", "нет"), "kk": ("иә", "жоқ")}  # as core.tabular.boolean reads them


def column_label(column, language: str | None = None) -> str:
    """The header of ``column`` in ``language`` (kk, ru or en; default: the active language, English when
    it is none of them)."""
    language = (language or translation.get_language() or "en")[:2]
    return column.headers[LANGUAGES.index(language) if language in LANGUAGES else 0]


def example_value(column, value, language: str) -> str:
    """``value`` of ``column`` as a person writing ``language`` types it: a choice's label, да/иә/yes, a
    decimal comma and DD.MM.YYYY in ru and kk; ISO dates and decimal points in en."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_NO[language][0 if value else 1]
    choices = getattr(column.parse, "choices", None)
    if choices is not None:
        with translation.override(language):
            return str(dict(choices)[value])
    if isinstance(value, datetime.date):
        return value.isoformat() if language == "en" else f"{value:%d.%m.%Y}"
    if isinstance(value, Decimal):
        return str(value) if language == "en" else str(value).replace(".", ",")
    return str(value)


def template_header(kind: str, language: str | None = None) -> list[str]:
    """The header line of ``kind``'s template (required columns marked with *): the column codes, or with
    ``language`` (kk, ru, en) the columns' headers in that language."""
    return [(column_label(c, language) if language else c.name) + (" *" if c.required else "") for c in COLUMNS[kind]]


def template_example(kind: str, language: str | None = None) -> list[str]:
    """The example row of ``kind``'s template, in ``language`` (default: English codes and values)."""
    language = language if language in LANGUAGES else "en"
    examples = EXAMPLES[kind]
    return [example_value(c, examples.get(c.name), language) for c in COLUMNS[kind]]
