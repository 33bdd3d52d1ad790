"""The register kind ``recommendations``: a mechanism's recommendations (inspections.models.Finding with a
SourceDocument), one row a recommendation, checked and written by registers.imports like every kind.

A row names its mechanism (never the prosecutor's office: its findings come from its inspections), its
source document (reference, date, optional titles in en/ru/kk and address), the paragraph, the scope
(nation, region, facility, block or cell, with the columns that scope needs), an optional standard rule
(its code must exist), the responsible body, the text in English, Russian and/or Kazakh (at least one),
an optional deadline and optionally one action (text, owner, due date: all three).

**Key.** A recommendation is matched on (mechanism, document reference, paragraph): importing the same file
again creates and updates nothing; a changed row updates the recommendation in place (versioned, with
history); a document is matched on (mechanism, reference) and created when new; an action on its
recommendation and its text (a changed text adds an action: a missing one is never deleted, as no import
deletes). An empty cell leaves the stored value as it is.

**Who.** Each row is checked with facilities.decisions.may_record_recommendation(user, mechanism, region)
(the region of its scope; None for the nation): administrators record every mechanism's, a monitor only
their own mechanism's in their regions.

**Text.** The English text goes to ``description`` (core.i18n: the base field), Russian and Kazakh to
``description_ru`` and ``description_kk``; a new recommendation without English keeps its first text as
written in ``description``. The same texts go to ``recommendation``, ``recommendation_ru`` and
``recommendation_kk`` (a mechanism's entry is its recommendation; the demo's are written alike). A document's titles likewise (``title``, ``title_ru``, ``title_kk``).

The functions take registers.imports' per-import context (``ctx``: the user, the facilities, regions and
blocks the user may name, the batch's records, ``lock`` for the confirm) and never import that module.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from cells.models import Cell, StandardRule
from core import versioning
from core.validators import identity_key
from facilities import decisions
from facilities.mechanisms import Mechanism
from facilities.regions import find_region, unknown_region_message
from inspections.models import Action, Finding, SourceDocument

KIND = decisions.RECOMMENDATIONS_KIND
LABEL = "recommendation"  # the label of the rows' records in the versions and changes
DOCUMENT_LABEL = "source_document"
KEY_COLUMNS = ("mechanism", "document_reference", "paragraph")

# The file's columns -> the fields they write.
TEXT_FIELDS = {
    "recommendation_en": "description",
    "recommendation_ru": "description_ru",
    "recommendation_kk": "description_kk",
}
DOCUMENT_FIELDS = {
    "document_date": "date",
    "document_title": "title",
    "document_title_ru": "title_ru",
    "document_title_kk": "title_kk",
    "document_url": "url",
}
ACTION_FIELDS = {"action": "description", "action_owner": "owner", "action_due_date": "due_date"}
FINDING_COLUMNS = {
    **{f: c for c, f in TEXT_FIELDS.items()},
    **{f.replace("description", "recommendation"): c for c, f in TEXT_FIELDS.items()},
    "deadline": "deadline",
    "responsible_body": "responsible_body",
    "paragraph": "paragraph",
    "scope": "scope",
    "mechanism": "mechanism",
}
# The columns each scope needs (and the only scope columns it reads; the region is optional below a region).
SCOPE_NEEDS = {
    Finding.Scope.NATION: (),
    Finding.Scope.REGION: ("region",),
    Finding.Scope.FACILITY: ("facility_code",),
    Finding.Scope.BLOCK: ("facility_code", "block_name"),
    Finding.Scope.CELL: ("facility_code", "block_name", "cell_number"),
}
PLACE_COLUMNS = ("region", "facility_code", "block_name", "cell_number")


def prosecutor_refused() -> str:
    """Why a row of the prosecutor's mechanism is refused."""
    return _(
        "The prosecutor's findings are not imported: they come from the prosecutor's inspections and are "
        "recorded with the inspection (Inspections). Import the recommendations of the other mechanisms."
    )


def changed_since_check() -> str:
    return _(
        "Changed since the check: this record was written by someone else after the file was checked; "
        "check the file again."
    )


@dataclass
class Lookups:
    """What one import of recommendations reads once: documents by (mechanism, identity of the reference)
    -> pk, recommendations by (mechanism, document pk, identity of the paragraph) -> pk, rules by the
    identity of their code -> (pk, code); per batch the cells named, the recommendations' actions; for the
    whole import the documents the file names (the first row naming one sets its values: ``documents``,
    with that row's number and the fields it gave)."""

    document_ids: dict = field(default_factory=dict)
    finding_ids: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    findings: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Lookups":
        lookups = cls()
        for pk, mechanism, reference in SourceDocument.objects.values_list("pk", "mechanism", "reference"):
            lookups.document_ids[(mechanism, identity_key(reference))] = pk
        rows = Finding.objects.filter(source_document__isnull=False).values_list(
            "pk", "mechanism", "source_document_id", "paragraph"
        )
        for pk, mechanism, document_id, paragraph in rows.iterator(chunk_size=5000):
            lookups.finding_ids[(mechanism, document_id, identity_key(paragraph))] = pk
        lookups.rules = {identity_key(code): (pk, code) for pk, code in StandardRule.objects.values_list("pk", "code")}
        return lookups


def _key(row: dict) -> tuple:
    return (row.get("mechanism"), identity_key(row.get("document_reference") or ""))


def prepare(ctx: Any, rows: list[dict]) -> None:
    """Fetch (with ``ctx.lock``: lock, in id order, after the table's write lock) what the rows of one batch
    name: their stored recommendations (with region, facility, block, cell and rule, for the changes), the
    actions of those, the documents named for the first time, and the cells of the rows of cell scope."""
    lookups: Lookups = ctx.recommendations
    finding_pks, document_pks, cell_keys = set(), set(), set()
    for row in rows:
        document_pk = lookups.document_ids.get(_key(row))
        if document_pk is not None:
            if _key(row) not in lookups.documents:
                document_pks.add(document_pk)
            pk = lookups.finding_ids.get((row.get("mechanism"), document_pk, identity_key(row.get("paragraph") or "")))
            if pk is not None:
                finding_pks.add(pk)
        facility = ctx.facilities.get(identity_key(row.get("facility_code") or ""))
        if facility is not None and row.get("block_name") and row.get("cell_number"):
            block = ctx.blocks.get((facility.pk, identity_key(row["block_name"])))
            if block is not None:
                cell_keys.add((block.pk, identity_key(row["cell_number"])))
    ctx.batch = {}
    if document_pks:
        documents = SourceDocument.objects.filter(pk__in=sorted(document_pks)).order_by("pk")
        if ctx.lock:
            versioning.lock_table_for_writes(SourceDocument)
            documents = documents.select_for_update(of=("self",))
        ctx.batch.update({(SourceDocument, d.pk): d for d in documents})
    if finding_pks:
        findings = Finding.objects.filter(pk__in=sorted(finding_pks)).order_by("pk")
        findings = findings.select_related("region", "facility", "block", "cell", "rule")
        if ctx.lock:
            versioning.lock_table_for_writes(Finding)
            findings = findings.select_for_update(of=("self",))
        ctx.batch.update({(Finding, f.pk): f for f in findings})
    lookups.actions = {}
    if finding_pks:
        actions = Action.objects.filter(finding_id__in=sorted(finding_pks)).order_by("pk")
        if ctx.lock:
            actions = actions.select_for_update()
        for action in actions:
            lookups.actions.setdefault(action.finding_id, []).append(action)
    lookups.cells = {}
    if cell_keys:
        blocks = {block_id for block_id, _number in cell_keys}
        for cell in Cell.objects.filter(block_id__in=blocks).only("pk", "block_id", "number"):
            lookups.cells[(cell.block_id, identity_key(cell.number))] = cell


def _clean(instance: Model, exclude: list[str], columns: dict[str, str]) -> None:
    """The model's field validation of ``instance`` (no unique or constraint checks: the import matches
    its keys itself), its errors named by the file's ``columns`` (field -> column)."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError({columns.get(k, k): v for k, v in error.message_dict.items()}) from None


def _place(ctx: Any, row: dict) -> dict:
    """The scope's fields of ``row`` (scope, region_id, facility_id, block_id, cell_id) and what the changes
    show of them (codes, names, numbers), checked: each column the scope needs is given, no column beyond
    it, the facility within the user's regions, the region (when given) the facility's."""
    scope = row["scope"]
    needs = SCOPE_NEEDS[scope]
    errors: dict[str, list[str]] = {}
    for column in PLACE_COLUMNS:
        given = row.get(column) not in (None, "")
        if column in needs and not given:
            errors[column] = [_("Required for a recommendation of scope %(scope)s.") % {"scope": scope}]
        elif given and column not in needs and not (column == "region" and needs):
            errors[column] = [
                _("Not used with scope %(scope)s: leave it empty or choose the scope this column names.")
                % {"scope": scope}
            ]
    if errors:
        raise ValidationError(errors)
    place: dict[str, Any] = {"scope": scope, "region_id": None, "facility_id": None, "block_id": None, "cell_id": None}
    shown = dict.fromkeys(PLACE_COLUMNS)
    region = None
    if row.get("region"):
        region = find_region(row["region"], ctx.regions)
        if region is None:
            raise ValidationError({"region": [unknown_region_message(row["region"])]})
    if "facility_code" in needs:
        facility = ctx.facility(row["facility_code"])
        if region is not None and region.pk != facility.region_id:
            raise ValidationError(
                {
                    "region": [
                        _("The facility %(facility)s is in region %(actual)s, not in %(region)s.")
                        % {"facility": facility.code, "actual": facility.region.code, "region": region.code}
                    ]
                }
            )
        place.update(facility_id=facility.pk, region_id=facility.region_id)
        shown.update(facility_code=facility.code, region=facility.region.code)
        if "block_name" in needs:
            block = ctx.blocks.get((facility.pk, identity_key(row["block_name"])))
            if block is None:
                raise ValidationError(
                    {
                        "block_name": [
                            _("No block '%(block)s' in %(facility)s.")
                            % {"block": row["block_name"], "facility": facility.code}
                        ]
                    }
                )
            place["block_id"], shown["block_name"] = block.pk, block.name
            if "cell_number" in needs:
                cell = ctx.recommendations.cells.get((block.pk, identity_key(row["cell_number"])))
                if cell is None:
                    raise ValidationError(
                        {
                            "cell_number": [
                                _("No cell '%(block)s / %(cell)s' in %(facility)s.")
                                % {"block": block.name, "cell": row["cell_number"], "facility": facility.code}
                            ]
                        }
                    )
                place["cell_id"], shown["cell_number"] = cell.pk, cell.number
    elif region is not None:
        place["region_id"], shown["region"] = region.pk, region.code
    place["shown"] = shown
    return place


def _shown_place(finding: Finding) -> dict:
    """What the changes show of a stored recommendation's scope columns."""
    return {
        "region": finding.region.code if finding.region is not None else None,
        "facility_code": finding.facility.code if finding.facility is not None else None,
        "block_name": finding.block.name if finding.block is not None else None,
        "cell_number": finding.cell.number if finding.cell is not None else None,
    }


def _check_who(ctx: Any, mechanism: str, region_id: int | None, column: str) -> None:
    """facilities.decisions.may_record_recommendation for the row, refused naming the column at fault: the
    mechanism (not the user's own) or the scope's (outside the user's regions)."""
    mechanisms = decisions.recording_mechanisms(ctx.user)
    if mechanisms is not None and mechanism not in mechanisms:
        raise ValidationError(
            {
                "mechanism": [
                    _("You record only your own mechanism's recommendations (%(own)s); this row is of %(mechanism)s.")
                    % {
                        "own": ", ".join(sorted(mechanisms)) or "—",
                        "mechanism": mechanism,
                    }
                ]
            }
        )
    if not decisions.may_record_recommendation(ctx.user, mechanism, region_id):
        raise ValidationError(
            {column: [_("Outside the regions of your responsibility: you record recommendations only there.")]}
        )


def _texts(row: dict, existing: Finding | None) -> dict:
    """The text fields a row writes (see the module): at least one language, else refused."""
    given = {f: row.get(c) for c, f in TEXT_FIELDS.items() if row.get(c)}
    if not given:
        raise ValidationError(
            {
                "recommendation_en": [
                    _(
                        "Give the recommendation's text in at least one language (recommendation_en, "
                        "recommendation_ru or recommendation_kk)."
                    )
                ]
            }
        )
    if existing is None and "description" not in given:
        given["description"] = given.get("description_ru") or given.get("description_kk")
    # The same text in the recommendation's fields (the finding page's "Recommendation"), as the demo's.
    return given | {name.replace("description", "recommendation"): text for name, text in given.items()}


def _plan_action(ctx: Any, row: dict, finding: Finding) -> tuple[Action | None, list[str] | None, dict | None]:
    """The row's action: ``(action, changed fields or None for a new one, its values before)``, or
    ``(None, None, None)`` when the row names none. All three columns or none."""
    given = {c: row.get(c) for c in ACTION_FIELDS if row.get(c) not in (None, "")}
    if not given:
        return None, None, None
    missing = [c for c in ACTION_FIELDS if c not in given]
    if missing:
        raise ValidationError(
            {c: [_("An action needs its text, its owner and its due date; this one is missing.")] for c in missing}
        )
    values = {ACTION_FIELDS[c]: v for c, v in given.items()}
    stored = ctx.recommendations.actions.get(finding.pk, []) if finding.pk else []
    action = next((a for a in stored if identity_key(a.description) == identity_key(values["description"])), None)
    if action is None:
        action = Action(finding=finding, created_by=ctx.user if getattr(ctx.user, "pk", None) else None, **values)
        changed, before = None, None
    else:
        before = {name: getattr(action, name) for name in ("owner", "due_date")}
        changed = [name for name in ("owner", "due_date") if getattr(action, name) != values[name]]
        for name in changed:
            setattr(action, name, values[name])
    if not ctx.lock:
        _clean(action, ["finding", "created_by"], {v: c for c, v in ACTION_FIELDS.items()})
    return action, changed, before


def _plan_document(ctx: Any, row: dict, out: Any) -> tuple[SourceDocument, list[str] | None, dict]:
    """The row's document: ``(document, changed fields, None for a new one, [] for none; its stored values
    before)``. The first row naming a document sets its values; a later row gives the same or leaves them
    empty. Nothing is changed on ``ctx`` until every check passed (the caller registers it: _register)."""
    lookups: Lookups = ctx.recommendations
    key = _key(row)
    values = {f: row.get(c) for c, f in DOCUMENT_FIELDS.items() if row.get(c) not in (None, "")}
    planned = lookups.documents.get(key)
    if planned is not None:
        document, first_row = planned
        conflicts = {
            column: [
                _("Row %(row)s gives this document another value (%(value)s); give the same or leave it empty.")
                % {"row": first_row, "value": getattr(document, name) or "—"}
            ]
            for column, name in DOCUMENT_FIELDS.items()
            if name in values and getattr(document, name) != values[name]
        }
        if conflicts:
            raise ValidationError(conflicts)
        return document, [], {}
    pk = lookups.document_ids.get(key)
    document = ctx.batch.get((SourceDocument, pk)) if pk is not None else None
    if document is None:
        document = SourceDocument(mechanism=row["mechanism"], reference=row["document_reference"], **values)
        changed = None
        before: dict = {}
    else:
        if ctx.versions is None:
            out.versions.setdefault(DOCUMENT_LABEL, {})[document.pk] = document.version
        else:
            ctx.seen.setdefault(DOCUMENT_LABEL, set()).add(document.pk)
            if ctx.versions.get(DOCUMENT_LABEL, {}).get(document.pk, "new") != document.version:
                out.changed += 1
                raise ValidationError({"document_reference": [changed_since_check()]})
        before = {name: getattr(document, name) for name in values}
        changed = [name for name, value in values.items() if getattr(document, name) != value]
        for name in changed:
            setattr(document, name, values[name])
    if not ctx.lock:
        _clean(document, [], {v: c for c, v in DOCUMENT_FIELDS.items()} | {"reference": "document_reference"})
    return document, changed, before


def plan(ctx: Any, row: dict, out: Any) -> tuple[Finding, list[str] | None]:
    """Plan one row (registers.imports.PLANS): ``(recommendation, changed fields or None for a new one)``;
    its document and action, when they are written, go to ``ctx.extra`` (written before and after the
    recommendation), and the row's changes, column by column, to ``ctx.row_fields``. Raises
    ValidationError naming the column (``{"column": [reason]}``)."""
    lookups: Lookups = ctx.recommendations
    mechanism = row["mechanism"]
    if mechanism in decisions.NOT_IMPORTED_MECHANISMS:
        raise ValidationError({"mechanism": [prosecutor_refused()]})
    place = _place(ctx, row)
    shown = place.pop("shown")
    place_column = {
        Finding.Scope.NATION: "scope",
        Finding.Scope.REGION: "region",
    }.get(row["scope"], "facility_code")
    _check_who(ctx, mechanism, place["region_id"], place_column)
    document_pk = lookups.document_ids.get(_key(row))
    finding_pk = (
        lookups.finding_ids.get((mechanism, document_pk, identity_key(row["paragraph"])))
        if document_pk is not None
        else None
    )
    existing = ctx.batch.get((Finding, finding_pk)) if finding_pk is not None else None
    if existing is not None and existing.region_id != place["region_id"]:
        _check_who(ctx, mechanism, existing.region_id, place_column)  # moved from where the user records too
    values: dict[str, Any] = {**place, **_texts(row, existing)}
    if row.get("responsible_body"):
        values["responsible_body"] = row["responsible_body"]
    if row.get("deadline"):
        values["deadline"] = row["deadline"]
    rule_code = None
    if row.get("rule"):
        rule = lookups.rules.get(identity_key(row["rule"]))
        if rule is None:
            raise ValidationError({"rule": [_("No standard rule '%(code)s'.") % {"code": row["rule"]}]})
        values["rule_id"], rule_code = rule
    if existing is not None:
        before_place = _shown_place(existing)
        before_rule = existing.rule.code if existing.rule_id else None
        before = {name: getattr(existing, name) for name in values}
        changed = [name for name, value in values.items() if getattr(existing, name) != value]
        for name in changed:
            setattr(existing, name, values[name])
        finding = existing
    else:
        finding = Finding(
            mechanism=mechanism,
            paragraph=row["paragraph"],
            status=Finding.Status.OPEN,
            **values,
        )
        changed, before, before_place, before_rule = None, {}, {}, None
    if not ctx.lock:
        _clean(
            finding,
            ["inspection", "source_document", "region", "facility", "block", "cell", "rule"],
            FINDING_COLUMNS,
        )
    action, action_changed, action_before = _plan_action(ctx, row, finding)
    document, document_changed, document_before = _plan_document(ctx, row, out)
    _check_dates(finding, action, document)
    # Every check passed: the document is the import's from here on, and the writes are the row's.
    if _key(row) not in lookups.documents:
        lookups.documents[_key(row)] = (document, ctx.number)
    finding.source_document = document
    ctx.extra = []
    if document_changed is None or document_changed:
        ctx.extra.append((document, document_changed))
    if action is not None and (action_changed is None or action_changed):
        ctx.extra.append((action, action_changed))
    ctx.row_fields = _row_fields(
        row,
        finding,
        changed,
        before,
        (before_place, shown),
        (before_rule, rule_code),
        (document, document_changed, document_before),
        (action, action_changed, action_before),
    )
    return finding, changed


def _check_dates(finding: Finding, action: Action | None, document: SourceDocument) -> None:
    """The row's dates against its document (the rules of Finding.clean, Action.clean and
    SourceDocument.clean, with the file's columns): the deadline and the action's due date not before the
    document's date, and a stored document not dated after a deadline, due date or follow-up of its
    recommendations. Raises ValidationError {column: [reason]}."""
    finding.source_document = document
    try:
        finding.clean()
    except ValidationError as error:
        raise ValidationError({"deadline": error.message_dict["deadline"]}) from None
    if action is not None:
        action.finding = finding
        try:
            action.clean()
        except ValidationError as error:
            raise ValidationError({"action_due_date": error.message_dict.get("due_date", [])}) from None
    if document.pk:
        try:
            document.clean()
        except ValidationError as error:
            raise ValidationError({"document_date": error.message_dict["date"]}) from None


def _row_fields(
    row: dict,
    finding: Finding,
    changed: list[str] | None,
    before: dict,
    places: tuple[dict, dict],
    rules: tuple[str | None, str | None],
    document_plan: tuple[SourceDocument, list[str] | None, dict],
    action_plan: tuple[Action | None, list[str] | None, dict | None],
) -> list[list]:
    """The row's changes as ``[column, before, after]`` (before None for what is created), named by the
    file's columns: the recommendation's fields, its document's and its action's."""
    if changed is None:  # a new recommendation: the row's values as written
        return [[column, None, value] for column, value in row.items() if value not in (None, "")]
    fields = []
    columns = {f: c for c, f in TEXT_FIELDS.items()} | {"responsible_body": "responsible_body", "deadline": "deadline"}
    for name in changed:
        if name in columns:
            fields.append([columns[name], before.get(name), getattr(finding, name)])
    (before_place, after_place) = places
    if "scope" in changed:
        fields.append(["scope", before.get("scope"), finding.scope])
    for column in PLACE_COLUMNS:
        if before_place.get(column) != after_place.get(column):
            fields.append([column, before_place.get(column), after_place.get(column)])
    if "rule_id" in changed:
        fields.append(["rule", rules[0], rules[1]])
    document, document_changed, document_before = document_plan
    if document_changed is None:
        fields += [[c, None, getattr(document, f)] for c, f in DOCUMENT_FIELDS.items() if getattr(document, f)]
    else:
        names = {f: c for c, f in DOCUMENT_FIELDS.items()}
        fields += [[names[f], document_before.get(f), getattr(document, f)] for f in document_changed]
    action, action_changed, action_before = action_plan
    if action is not None:
        if action_changed is None:
            fields += [[c, None, getattr(action, f)] for c, f in ACTION_FIELDS.items()]
        else:
            names = {f: c for c, f in ACTION_FIELDS.items()}
            fields += [[names[f], (action_before or {}).get(f), getattr(action, f)] for f in action_changed]
    return fields


def mechanism_label(code: str) -> str:
    """The label of a mechanism's code (for the changes' object)."""
    return str(dict(Mechanism.choices).get(code, code))
