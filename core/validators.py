"""Validators shared by models, forms, serializers, services and imports (docs/architecture.md,
§One place for each rule).

``validate_not_in_future``: a date is not after today in the portal's time zone (Asia/Almaty,
``timezone.localdate()``). One message everywhere: "The date cannot be in the future (today is
YYYY-MM-DD)."

Text and numbers (issue 16, items 1 and 13):

- ``unencodable_reason``: a lone UTF-16 surrogate, a NUL character or a Unicode noncharacter (U+FFFE,
  U+FFFF, U+FDD0-U+FDEF, ...: is_noncharacter) (the API's parser refuses them).
- Identifiers and names (cell numbers, facility codes, block names, facility names, inspecting bodies)
  have one normal form, ``normalize_identifier``: Unicode NFKC (full-width ``Ａ１`` is ``A1``, a no-break
  space is a space; the numero sign № and the superscripts ² ³ are kept), trimmed, every run of inner whitespace one space. Uniqueness is checked on that
  form, so two numbers that look identical are one number. ``validate_name`` refuses the characters of
  Unicode categories Cc, Cf, Co, Cs, Zl, Zp (controls, zero-width and direction controls, private use,
  surrogates, line and paragraph separators) in identifiers, names and numbers.
- Numbers typed as text (API strings, form fields, import cells) use ASCII digits only: no Python
  underscore separators (``5_9``), no other scripts' or full-width digits (``٥٩``, ``５９``), no exponent
  (``1e3``); ``number_text_error`` says why a text is not one.
"""

import datetime
import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def future_message(today: datetime.date | None = None) -> str:
    """The one message of a date in the future, naming today (default: timezone.localdate())."""
    today = today or timezone.localdate()
    return _("The date cannot be in the future (today is %(today)s).") % {"today": f"{today:%Y-%m-%d}"}


def is_in_future(value: datetime.date | None, today: datetime.date | None = None) -> bool:
    """Whether ``value`` (a date; None: unknown, never in the future) is after ``today`` (default: the local
    date, Asia/Almaty)."""
    return value is not None and value > (today or timezone.localdate())


def validate_not_in_future(value: datetime.date | None) -> None:
    """Django validator (fields, forms, serializers, commands): raise ValidationError (code ``future``) with
    future_message() when ``value`` is after today (Asia/Almaty). None passes (a required date is the
    field's own rule)."""
    if is_in_future(value):
        raise ValidationError(future_message(), code="future")


def is_older_count(value: datetime.date | None, stored: datetime.date | None) -> bool:
    """Whether a count dated ``value`` is older than the count already recorded, dated ``stored`` (either
    None: unknown, never older). The one rule of every count (a cell's headcount, a facility's population,
    the population by home region): an older count is refused, since it would replace a newer one, unless
    the user confirms it (the register imports' "write counts older than the stored ones")."""
    return value is not None and stored is not None and value < stored


def older_count_message(stored: datetime.date) -> str:
    """The one message of a count older than the one recorded on ``stored``."""
    return _("A newer count, of %(date)s, is already recorded.") % {"date": f"{stored:%Y-%m-%d}"}


def future_errors(today: datetime.date | None = None, **dates: datetime.date | None) -> dict[str, list[str]]:
    """``{name: [future_message()]}`` for each of ``dates`` (name=value) that is in the future, for the
    error dicts of services and import rows: ``errors.update(future_errors(date=date))``."""
    today = today or timezone.localdate()
    return {name: [future_message(today)] for name, value in dates.items() if is_in_future(value, today)}


# ---------------------------------------------------------------------------------------------------
# Text that cannot be stored or rendered (issue 16, item 1): every JSON body is checked by
# core.parsers.SafeJSONParser before any serializer reads it.


# Unicode's 66 noncharacters (U+FDD0-U+FDEF and U+xFFFE, U+xFFFF of every plane; category Cn, never
# assigned): not for interchange, and U+FFFE/U+FFFF are no XML 1.0 character (an export would break).
NONCHARACTERS = re.compile(
    "[\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)) + "]"
)


def is_noncharacter(char: str) -> bool:
    """Whether ``char`` is a Unicode noncharacter (NONCHARACTERS)."""
    return NONCHARACTERS.fullmatch(char) is not None


def unencodable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored (PostgreSQL refuses NUL) or rendered as UTF-8 (a lone UTF-16
    surrogate such as ``"\\ud800"``), or None when it can. The message never repeats the text."""
    if "\x00" in text:
        return _("Null characters are not allowed.")
    nonchar = NONCHARACTERS.search(text)
    if nonchar is not None:
        return _("The text contains a Unicode noncharacter (%(code)s), which is not allowed.") % {
            "code": f"U+{ord(nonchar.group()):04X}"
        }
    if any("\ud800" <= char <= "\udfff" for char in text):
        return _("The text contains a lone UTF-16 surrogate (%(code)s), which cannot be encoded.") % {
            "code": next(f"U+{ord(c):04X}" for c in text if "\ud800" <= c <= "\udfff")
        }
    return None


# ---------------------------------------------------------------------------------------------------
# Identifiers, names and numbers (issue 16, item 13).

FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
# Characters that render as nothing (or as a blank) but are not in those categories: the Unicode property
# Default_Ignorable_Code_Point outside Cf (combining grapheme joiner, Hangul fillers, Khmer inherent vowels,
# Mongolian and standard variation selectors, the tag-range variation selectors), plus the blank Braille
# pattern. (Unicode 15.1, DerivedCoreProperties.txt.)
INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)


# Compatibility characters that NFKC would rewrite but that Russian and Kazakh names and numbers use as
# such: the numero sign (№ 34, not No 34) and the superscripts of m² and m³.
KEPT_COMPATIBILITY = ("\u2116", "\u00b2", "\u00b3")


def normalize_identifier(value: str) -> str:
    """The one normal form of an identifier or a name: NFKC (except KEPT_COMPATIBILITY: № ² ³), trimmed,
    inner whitespace collapsed to one space (``" Ａ\u00a0 1 "`` -> ``"A 1"``). Control and format
    characters are kept (validate_name refuses them, rather than silently changing what was typed)."""
    normal = "".join(
        part if part in KEPT_COMPATIBILITY else unicodedata.normalize("NFKC", part)
        for part in re.split(f"([{''.join(KEPT_COMPATIBILITY)}])", value)
    )
    return re.sub(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+", " ", normal).strip(" \t")


def identity_key(value: Any) -> Any:
    """The key under which two identifiers (facility codes, block names, cell numbers) are one and the same
    record: the normal form (normalize_identifier), case-folded (``s-1`` is S-1, ``Straße-1`` is
    STRASSE-1), on every path (the pages, the API and the imports). Non-strings are returned as they are."""
    return normalize_identifier(value).casefold() if isinstance(value, str) else value


def forbidden_character(value: str) -> str | None:
    """The first character of ``value`` in FORBIDDEN_CATEGORIES, a noncharacter or INVISIBLE, as ``U+XXXX``,
    or None."""
    for char in value:
        if unicodedata.category(char) in FORBIDDEN_CATEGORIES or is_noncharacter(char) or INVISIBLE.fullmatch(char):
            return f"U+{ord(char):04X}"
    return None


def forbidden_character_message(code: str) -> str:
    """The one message of an invisible or control character, naming its code point."""
    return _("Invisible, control or direction characters are not allowed (found %(code)s).") % {"code": code}


def validate_name(value: Any) -> None:
    """Django validator of identifiers and names: raise ValidationError (code ``invisible``) when ``value``
    (a str; other types pass) holds a character of FORBIDDEN_CATEGORIES."""
    if isinstance(value, str):
        code = forbidden_character(value)
        if code:
            raise ValidationError(forbidden_character_message(code), code="invisible")


def ascii_digits_error(raw: str, integer: bool = False) -> str | None:
    """Why the number text ``raw`` is not written with the ASCII digits 0-9 (a Python underscore separator,
    another script's or a full-width digit), or None. Also used by the import's number reader
    (core.tabular.decimal), which accepts its own separators besides."""
    if "_" in raw:
        if integer:
            return _("A valid integer is required: write it without underscores (5_9 is not 59).")
        return _("A valid number is required: write it without underscores (5_9 is not 59).")
    if any(char.isdigit() and not char.isascii() for char in raw):
        if integer:
            return _("A valid integer is required: use the digits 0-9.")
        return _("A valid number is required: use the digits 0-9.")
    return None


EXPONENT = re.compile(r"[+-]?[0-9]*\.?[0-9]*[eE][+-]?[0-9]+", re.ASCII)


def number_text_error(value: Any, *, integer: bool) -> str | None:
    """Why ``value``, given for a number, is refused although a lenient parser (Python's ``int``,
    ``Decimal``) would read it, or None. Texts are trimmed of spaces first. Refused: an invisible or
    control character, an underscore separator (``"5_9"``), a digit other than 0-9 (``"٥٩"``, ``"５９"``),
    an exponent (``"1e3"``); for a count (``integer``) also a finite JSON float (``1e3``, ``59.0``) and a
    decimal point in a text (``"59.0"``, ``"59."``).
    Anything else that is not a number (``"abc"``, ``"NaN"``, ``"12,5"``) is left to the field, which
    refuses it with its own message."""
    if value is None or isinstance(value, (bool, int, Decimal)):
        return None
    if isinstance(value, float):
        if integer and math.isfinite(value):
            return _("A valid integer is required: a whole number, without a decimal point or an exponent.")
        return None
    if not isinstance(value, str):
        return None
    raw = value.strip(" ")
    code = forbidden_character(raw)
    if code:
        return forbidden_character_message(code)
    digits = ascii_digits_error(raw, integer)
    if digits:
        return digits
    if integer and "." in raw:
        return _("A valid integer is required: a whole number, without a decimal point or an exponent.")
    if EXPONENT.fullmatch(raw):
        if integer:
            return _("A valid integer is required: use the digits 0-9 without an exponent (1000, not 1e3).")
        return _("A valid number is required: use the digits 0-9 without an exponent (1000, not 1e3).")
    return None
