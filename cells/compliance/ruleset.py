"""The active profiles and their rules, read once per run into one value (RuleSet) that every stage reads.

The rule set fixes the layout of the outcome codes (profiles by position then id, their rules by position
then code), the rules' version (a fingerprint of the engine and the rules, ending every cell's codes) and
the SQL that computes the codes. A run never reads the rules again: an edit committed during a run is
seen by the next run, as a new version (docs/compliance-engine.md, §Locks).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import Value

from cells.models import OutcomeLayout, StandardProfile, StandardRule

from . import rules as R
from .codes import LETTERS, PROFILE_SEPARATOR, VERSION_SEPARATOR
from .dialect import Joined

ENGINE_VERSION = 6  # bump when what the outcome codes mean changes: every cell is then evaluated again
NO_RULES_VERSION = "none"  # what ends the codes of a run without active profiles


def definition(rule: StandardRule) -> list:
    """What a rule's outcome depends on, as JSON: ``[code, metric, operator, value, applies_to (sorted)]``
    (an entry of OutcomeLayout.profiles' rules)."""
    return [rule.code, rule.metric, rule.operator, rule.value, sorted(rule.applies_to)]


def profile_rules(profiles) -> dict[StandardProfile, list[StandardRule]]:
    """``{profile: [rules]}`` for the given profiles, in the layout order (profiles by position, then id;
    rules by position, then code; one query)."""
    grouped: dict[StandardProfile, list[StandardRule]] = {
        profile: [] for profile in sorted(profiles, key=lambda p: (p.position, p.pk))
    }
    by_id = {p.pk: p for p in profiles}
    for rule in StandardRule.objects.filter(profile__in=list(profiles)).order_by(
        "profile__position", "position", "code"
    ):
        rule.profile = by_id[rule.profile_id]
        grouped[rule.profile].append(rule)
    return grouped


def rules_version(grouped: dict[StandardProfile, list[StandardRule]]) -> str:
    """A fingerprint (md5 hex) of the engine and of ``grouped`` (profile_rules): any change to a profile's
    rules changes it, their order too (it is the layout of the codes)."""
    data = [ENGINE_VERSION] + [[p.pk, p.code, [definition(r) for r in rules]] for p, rules in grouped.items()]
    return hashlib.md5(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class ProfileRules:
    """One profile of a RuleSet: its rules in the order of its letters, from letter ``first`` (from 1)."""

    profile: StandardProfile
    rules: tuple[StandardRule, ...]
    first: int

    @property
    def length(self) -> int:
        return len(self.rules)


@dataclass(frozen=True)
class RuleSet:
    """The active profiles and rules of one run, in the layout order of the outcome codes.

    ``version``: rules_version (recorded on the run). ``codes_version``: what ends the codes after "#"
    (the version's first 12 hex digits, the OutcomeLayout's key; "none" without profiles).
    """

    profiles: tuple[ProfileRules, ...]
    version: str

    @classmethod
    def of(cls, profiles) -> RuleSet:
        """The rule set of ``profiles`` (StandardProfile instances; one query for their rules)."""
        grouped = profile_rules(profiles)
        entries, first = [], 1
        for profile, rules in grouped.items():
            entries.append(ProfileRules(profile, tuple(rules), first))
            first += len(rules) + len(PROFILE_SEPARATOR)
        return cls(tuple(entries), rules_version(grouped))

    def __bool__(self) -> bool:
        return bool(self.profiles)

    @property
    def codes_version(self) -> str:
        return self.version[:12] if self.profiles else NO_RULES_VERSION

    @property
    def profile_ids(self) -> list[int]:
        return [int(entry.profile.pk) for entry in self.profiles]

    def layout_entries(self) -> list[dict]:
        """OutcomeLayout.profiles of this rule set."""
        return [
            {"profile": entry.profile.pk, "first": entry.first, "rules": [definition(r) for r in entry.rules]}
            for entry in self.profiles
        ]

    @cached_property
    def codes_expression(self) -> Joined | Value:
        """Every rule's letter for a cell (an ORM expression over the cell's columns), then "#" and
        codes_version: e.g. ``PPFP|PP-P#3f2a9c0d41be``. Each rule is evaluated once."""
        text = models.TextField()
        parts = []
        for index, entry in enumerate(self.profiles):
            if index:
                parts.append(Value(PROFILE_SEPARATOR, output_field=text))
            parts += [R.outcome_expression(rule, R.stored_column, labels=LETTERS) for rule in entry.rules]
        parts.append(Value(f"{VERSION_SEPARATOR}{self.codes_version}", output_field=text))
        return Joined(*parts) if len(parts) > 1 else parts[0]

    def positions_table(self) -> str:
        """SQL of a constant table ``(k, profile_id, first, length)`` of the profiles (``k`` from 0)."""
        return " UNION ALL ".join(
            f"SELECT {k} AS k, {int(e.profile.pk)} AS profile_id, {int(e.first)} AS first, {e.length} AS length"
            for k, e in enumerate(self.profiles)
        )

    def record_layout(self) -> OutcomeLayout:
        """The layout of the codes under this version: stored by the first run under it, then only read."""
        return OutcomeLayout.objects.get_or_create(
            version=self.codes_version, defaults={"profiles": self.layout_entries()}
        )[0]


def read_active_rules() -> RuleSet:
    """The rule set of the active profiles, now (two queries)."""
    return RuleSet.of(list(StandardProfile.objects.filter(is_active=True)))
