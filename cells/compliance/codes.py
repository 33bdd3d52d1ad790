"""Outcome codes: one letter per rule, and the one definition of a profile's status from its letters.

A run records on each cell every active rule's outcome as one letter (``P`` pass, ``F`` fail, ``U``
unknown, ``-`` does not apply), the profiles' letters separated by ``|``, then ``#`` and the start of the
rules' version: e.g. ``PPFP|PP-P#3f2a9c0d41be`` (docs/compliance-engine.md, §Outcome codes: a worked example).

A profile's status from its letters (docs/compliance-engine.md) is defined once, by STATUS_PRECEDENCE: any
``F`` makes it non-compliant, else any ``U`` unknown, else it is compliant (letters ``P`` and ``-``, or
none). Three renderings read that one definition: status_of (Python, over a string of letters),
status_sql (SQL ``CASE`` over SQL of the letters, the engine's counts) and status_case (an ORM
expression, the pages' filters and figures); tests/cells/test_codes.py checks they agree on every
combination of letters.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.db.models import Case, Value, When
from django.db.models.lookups import Contains

from cells.models import ComplianceStatus

from . import rules as R
from .dialect import Fragment, as_fragment, compose

LETTERS = {R.PASS: "P", R.FAIL: "F", R.UNKNOWN: "U", None: "-"}  # a rule's outcome -> its letter
PROFILE_SEPARATOR = "|"
VERSION_SEPARATOR = "#"

# The first of these letters found among a profile's letters decides its status; none: COMPLIANT.
STATUS_PRECEDENCE: tuple[tuple[str, str], ...] = (
    (LETTERS[R.FAIL], ComplianceStatus.NON_COMPLIANT),
    (LETTERS[R.UNKNOWN], ComplianceStatus.UNKNOWN),
)
DEFAULT_STATUS = ComplianceStatus.COMPLIANT


def status_of(letters: str) -> str:
    """A profile's status (a ComplianceStatus value) from its letters, e.g. ``"PUP-"`` -> ``"unknown"``."""
    for letter, status in STATUS_PRECEDENCE:
        if letter in letters:
            return str(status)
    return str(DEFAULT_STATUS)


def status_of_outcomes(outcomes: list[str | None]) -> str:
    """status_of over rule outcomes (``"pass"``, ``"fail"``, ``"unknown"``, None: does not apply)."""
    return status_of("".join(LETTERS[outcome] for outcome in outcomes))


def status_sql(letters: Fragment | str, labels: Mapping[str, str] | None = None) -> Fragment:
    """SQL of a profile's status from SQL of its ``letters``: ``labels[status]`` (SQL) for each
    ComplianceStatus value, by default the values as text literals."""
    labels = labels or {status: f"'{status}'" for status in ComplianceStatus.values}
    whens = [
        compose(f"WHEN {{mine}} LIKE '%%{letter}%%' THEN {labels[status]}", mine=as_fragment(letters))
        for letter, status in STATUS_PRECEDENCE
    ]
    return compose(f"CASE {{whens}} ELSE {labels[DEFAULT_STATUS]} END", whens=Fragment(" ").join(whens))


def status_case(letters) -> Case:
    """An ORM expression of a profile's status (a ComplianceStatus value) from an expression of its letters."""
    return Case(
        *[When(Contains(letters, letter), then=Value(str(status))) for letter, status in STATUS_PRECEDENCE],
        default=Value(str(DEFAULT_STATUS)),
        output_field=models.CharField(),
    )


def split(codes: str | None) -> tuple[str, str] | None:
    """``(letters, version)`` of recorded outcome codes, or None when there are none."""
    if not codes or VERSION_SEPARATOR not in codes:
        return None
    letters, version = codes.rsplit(VERSION_SEPARATOR, 1)
    return letters, version
