"""The columns of each register kind (headers in English, Russian and Kazakh) and their parsers;
registers.imports checks and writes the rows."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cells.models import Cell
from core import tabular, validators
from core.tabular import Column
from facilities.models import AccommodationType, Facility, ResidentialBlock


def choice(choices):
    """A parser accepting a choice's code or its English label, any case."""
    lookup = {}
    for value, label in choices:
        lookup[str(value).lower()] = value
        lookup[str(label).lower()] = value

    def parse(value):
        raw = tabular.text(value)
        if not raw:
            return None
        try:
            return lookup[raw.lower()]
        except KeyError:
            raise ValueError(
                _("'%(value)s' is not one of: %(choices)s")
                % {"value": raw, "choices": ", ".join(str(v) for v, _unused in choices)}
            ) from None

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
        col("has_sanitary_annex", "sanitary annex", "санузел", "санитариялық тора", tabular.boolean),
        col(
            "sanitary_annex_partitioned", "annex partitioned", "санузел изолирован", "тора оқшауланған", tabular.boolean
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


def template_header(kind: str) -> list[str]:
    """The header line of ``kind``'s template (required columns marked with *)."""
    return [c.name + (" *" if c.required else "") for c in COLUMNS[kind]]
