"""The exports of the inspections and findings lists, declared once with their columns (the lists'
``?export=csv|xlsx``; the rows are those the lists' FilterSets select)."""

from django.utils.translation import gettext_lazy as _

from core.export import Field, choice_field, field
from facilities.mechanisms import Mechanism

from .models import Finding, Inspection

INSPECTION_FIELDS: list[Field] = [
    field("id", lambda i: i.pk, "number"),
    field(_("Facility"), lambda i: i.facility.code),
    field(_("Region code"), lambda i: i.facility.region.code),
    field(_("Start"), lambda i: i.date_start, "date"),
    field(_("End"), lambda i: i.date_end, "date"),
    choice_field(_("Body"), lambda i: i.body, Inspection._meta.get_field("body").choices),
    choice_field(_("Type"), lambda i: i.type, Inspection._meta.get_field("type").choices),
    field(_("Announced"), lambda i: i.announced, "bool"),
    field(_("Lead inspector"), lambda i: i.lead_inspector),
    field(_("Summary"), lambda i: i.summary),
    field(_("Generated demo data"), lambda i: i.is_demo, "bool"),
]

FINDING_FIELDS: list[Field] = [
    field("id", lambda f: f.pk, "number"),
    field(_("Facility"), lambda f: f.facility.code if f.facility_id else ""),
    field(_("Region code"), lambda f: f.region.code if f.region_id else ""),
    field(_("Inspection date"), lambda f: f.inspection.date_start if f.inspection_id else None, "date"),
    choice_field(
        _("Body"), lambda f: f.inspection.body if f.inspection_id else "", Inspection._meta.get_field("body").choices
    ),
    choice_field(_("Severity"), lambda f: f.severity, Finding._meta.get_field("severity").choices),
    choice_field(_("Status"), lambda f: f.status, Finding._meta.get_field("status").choices),
    field(_("Deadline"), lambda f: f.deadline, "date"),
    field(_("Overdue"), lambda f: f.is_overdue(), "bool"),
    field(_("Rule"), lambda f: f.rule.code if f.rule else ""),
    field(_("Source of the rule"), lambda f: f.rule.source if f.rule else ""),
    field(_("Description"), lambda f: f.description),
    field(_("Recommendation"), lambda f: f.recommendation),
    field(_("Generated demo data"), lambda f: f.is_demo, "bool"),
    # The registry of recommendations (after the findings' columns, which keep their places).
    choice_field(_("Mechanism"), lambda f: f.mechanism, Mechanism.choices),
    field(_("Source"), lambda f: f.source_label()),
    choice_field(_("Scope"), lambda f: f.scope, Finding.Scope.choices),
    field(_("Responsible body"), lambda f: f.responsible_body),
    choice_field(_("Judgement"), lambda f: f.judgement, Finding.Judgement.choices),
    field(_("Date of the follow-up"), lambda f: f.judged_on, "date"),
    field(_("Actions"), lambda f: len(f.actions.all()), "number"),
    field(_("Overdue actions"), lambda f: sum(1 for a in f.actions.all() if a.is_overdue()), "number"),
]
