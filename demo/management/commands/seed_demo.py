"""``python manage.py seed_demo``: reference data, the demo estate, and one demo user per role.

A second run never leaves inconsistent figures: the demo institutions where users wrote rows (demo.reseed's
rule) are kept as they are, and named; ``--reset`` removes the whole demo estate, users' rows included,
and generates it again."""

import os
import secrets
from dataclasses import replace as dataclass_replace

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from cells.certification import ensure_baseline
from cells.models import Cell, StandardRule
from cells.services import load_standards, recalculate_compliance
from core.sync import sync_rows
from core.tokens import issue_token, revoke_tokens
from demo.estate import build_dataset
from demo.history import reconstruct_demo_history
from demo.recommendations import figures as recommendation_figures
from demo.recommendations import seed_recommendations
from demo.reseed import Touched, remove_demo_estate, touched_facilities
from facilities.models import (
    ConversionProject,
    Facility,
    ProgressUpdate,
    Region,
    ResidencePopulation,
    ResidentialBlock,
    StaffProfile,
)
from facilities.services import load_regions, load_targets
from inspections.models import Finding, Inspection
from public.services import publish_first_release

REASON = "seed_demo (generated demo data)"

ROLES = {
    "admin": ("Administrators", None),
    "prosecutor": ("Prosecutors", None),
    "editor": ("Ministry editors", ["KZ-35"]),
    "reviewer": ("Certification reviewers", ["KZ-35"]),
    "api-client": ("API clients", None),
    "monitor": ("Monitors", None),
}
DEMO_CLIENT_HEADCOUNT_REGIONS = ["KZ-35"]  # the API client's headcount write scope
DEMO_MONITOR_MECHANISM = "npm"  # the demo monitor: the national preventive mechanism, national scope


def demo_password(username: str) -> str:
    """The demo password of a demo user (documented in the README; demo databases only: under production
    settings, where PORTAL_ALLOW_DEMO_SEED is off, ``seed_demo --allow-production`` sets random ones)."""
    return f"{username}-demo-2026"


class Command(BaseCommand):
    help = (
        "Load regions and standards, generate the demo estate (idempotent; institutions where users wrote rows "
        "are kept), create the demo users. --reset regenerates the whole demo estate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="allow seeding demo rows and users under production settings",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the whole demo estate, including the rows users created or changed in it, and "
            "generate it again",
        )

    def handle(self, *args, allow_production=False, reset=False, **options):
        if not settings.PORTAL_ALLOW_DEMO_SEED and not allow_production:
            raise CommandError(
                "Refusing to load demo data under production settings; pass --allow-production to insist."
            )
        data = build_dataset()
        codes = [f["code"] for f in data.facilities]
        with transaction.atomic():
            removed, lost = {}, {}
            if reset:
                lost = touched_facilities(Facility.objects.filter(Q(is_demo=True) | Q(code__in=codes)))
                removed = remove_demo_estate()
            counts = load_regions() + load_standards() + load_targets()
            kept = touched_facilities(Facility.objects.filter(Q(is_demo=True) | Q(code__in=codes)))
            counts = counts + self._estate(data, kept={t.code for t in kept.values()})
            issued, had = self._baselines(codes)
            users = self._users()
        if reset:
            self._report_reset(removed, lost)
        self.stdout.write(f"Rows: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged.")
        self._report_kept(kept)
        self.stdout.write(
            f"Cell certificates: baseline (version 1) issued for {issued} demo institutions; "
            f"{had} already had a certificate."
        )
        run = recalculate_compliance(trigger="seed_demo")
        self.stdout.write(f"Compliance run #{run.pk}: {run.outcome}, {run.cells_evaluated} cells evaluated.")
        history = reconstruct_demo_history()
        self.stdout.write(
            f"Demo trend history: {history} snapshots reconstructed from the demo's completed conversions "
            "(monthly for 5 years, yearly back to the first conversion; generated demo data)."
        )
        self._recommendations(data)
        release = publish_first_release()
        if release is not None:
            self.stdout.write(
                f"Public site: release {release.number} published (figures as of {release.as_of:%Y-%m-%d}, "
                f"{len(release.suppressions)} counts suppressed; generated demo data) at /public/."
            )
        self.stdout.write("Demo users (demo data only; change these passwords on any shared server):")
        for username, (group, regions) in ROLES.items():
            scope = f", regions {', '.join(regions)}" if regions else ""
            if username == "monitor":
                scope = f", mechanism {DEMO_MONITOR_MECHANISM} (national preventive mechanism), national"
            password = users["passwords"].get(username, "(unchanged)")
            self.stdout.write(f"  {username:<11} password {password:<24} {group}{scope}")
        self.stdout.write(
            f"API client token (shown once; expires in {settings.API_TOKEN_DAYS} days): {users['api-client']}"
            f" (reads every region; writes headcounts in {', '.join(DEMO_CLIENT_HEADCOUNT_REGIONS)})"
        )
        address = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"  # make demo's
        self.stdout.write(
            f"  e.g. curl -H 'Authorization: Token {users['api-client']}' http://{address}/api/v1/summary/"
        )

    def _recommendations(self, data) -> None:
        """Write the demo's recommendations of the other mechanisms (demo.recommendations) and print them:
        per mechanism, overdue and implemented today."""
        outcome = seed_recommendations(data.facilities)
        counts = outcome.counts
        figures = recommendation_figures()
        per = ", ".join(f"{mechanism} {n}" for mechanism, n in figures["per_mechanism"].items())
        self.stdout.write(
            f"Recommendations of the other mechanisms (generated demo data): {per}; {figures['overdue']} overdue, "
            f"{figures['implemented']} implemented, {figures['judged']} judged, {figures['public_evidence']} "
            f"public evidence file(s). Rows: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged."
        )
        if outcome.kept:
            self.stdout.write(f"  {outcome.kept} demo recommendation(s) that users wrote on kept as they left them.")
        for reference in outcome.skipped_documents:
            self.stdout.write(f"  Skipped {reference}: a document that is not the demo's holds this reference.")

    def _report_reset(self, removed: dict[str, int], lost: dict[int, Touched]) -> None:
        """Print what --reset removed: rows per model, then the institutions where users had written rows."""
        total = sum(removed.values())
        names = ", ".join(
            f"{count} {apps.get_model(label)._meta.verbose_name_plural}" for label, count in removed.items()
        )
        self.stdout.write(f"Reset: removed the whole demo estate, {total} rows: {names or 'none'}.")
        if lost:
            self.stdout.write(f"  including the rows users wrote in these demo institutions ({len(lost)}):")
            for touched in lost.values():
                self.stdout.write(f"    {touched.describe()}")

    def _report_kept(self, kept: dict[int, Touched]) -> None:
        """Print the demo institutions left as users left them (none: every one matches the generator)."""
        if not kept:
            self.stdout.write("Kept: no demo rows written by users; every demo institution is as generated.")
            return
        self.stdout.write(
            f"Kept as users left them, with everything in them ({len(kept)} demo institutions where users "
            "created or changed rows; seed_demo --reset regenerates them):"
        )
        for touched in kept.values():
            self.stdout.write(f"  {touched.describe()}")

    def _baselines(self, codes: list[str]) -> tuple[int, int]:
        """Issue the baseline cell certificate (version 1) of every demo institution that has none
        (cells.certification.ensure_baseline; idempotent), from its cells as they stand after the sync; a
        planned institution, which has no cells yet, has none. Returns (issued, institutions that already had
        a certificate)."""
        issued = had = 0
        facilities = Facility.objects.filter(code__in=codes, is_demo=True).exclude(status=Facility.Status.PLANNED)
        for facility in facilities.order_by("code"):
            if facility.cell_certificates.exists():
                had += 1
            else:
                ensure_baseline(facility, user=None, is_demo=True)
                issued += 1
        return issued, had

    def _estate(self, data, *, kept: set[str]):
        """Synchronise the generated rows of every demo institution except those in ``kept`` (codes of
        institutions where users wrote rows: demo.reseed), which are left wholly alone."""
        data = dataclass_replace(
            data,
            **{
                name: [row for row in getattr(data, name) if row.get("facility_code", row.get("code")) not in kept]
                for name in ("facilities", "blocks", "cells", "projects", "updates", "inspections", "findings")
            },
            residence=[row for row in data.residence if row["facility_code"] not in kept],
        )
        regions = dict(Region.objects.values_list("code", "pk"))
        facility_rows = []
        for f in data.facilities:
            row = {k: v for k, v in f.items() if k != "region"}
            row["region_id"] = regions[f["region"]]
            row["is_demo"] = True
            facility_rows.append(row)
        counts = sync_rows(Facility, ("code",), facility_rows, reason=REASON)
        facility_ids = {key[0]: obj.pk for key, obj in counts.objects.items()}
        block_rows = [
            {
                **{k: v for k, v in b.items() if k != "facility_code"},
                "facility_id": facility_ids[b["facility_code"]],
                "is_demo": True,
            }
            for b in data.blocks
        ]
        blocks = sync_rows(ResidentialBlock, ("facility_id", "name"), block_rows, reason=REASON)
        counts = counts + blocks
        block_ids = {(fid, name): obj.pk for (fid, name), obj in blocks.objects.items()}

        def block_id(row):
            return block_ids[(facility_ids[row["facility_code"]], row["block_name"])]

        strip = ("facility_code", "block_name")
        cell_rows = [
            {**{k: v for k, v in c.items() if k not in strip}, "block_id": block_id(c), "is_demo": True}
            for c in data.cells
        ]
        counts = counts + sync_rows(Cell, ("block_id", "number"), cell_rows, reason=REASON)
        project_rows = [
            {**{k: v for k, v in p.items() if k not in strip}, "block_id": block_id(p), "is_demo": True}
            for p in data.projects
        ]
        projects = sync_rows(ConversionProject, ("block_id",), project_rows, reason=REASON)
        counts = counts + projects
        project_ids = {key[0]: obj.pk for key, obj in projects.objects.items()}
        update_rows = [
            {**{k: v for k, v in u.items() if k not in strip}, "project_id": project_ids[block_id(u)], "is_demo": True}
            for u in data.updates
        ]
        counts = counts + sync_rows(ProgressUpdate, ("project_id", "date", "status"), update_rows)
        inspection_rows = [
            {
                **{k: v for k, v in i.items() if k != "facility_code"},
                "facility_id": facility_ids[i["facility_code"]],
                "is_demo": True,
            }
            for i in data.inspections
        ]
        inspections = sync_rows(Inspection, ("facility_id", "date_start", "body"), inspection_rows, reason=REASON)
        inspection_ids = {key: obj.pk for key, obj in inspections.objects.items()}
        rules = dict(StandardRule.objects.values_list("code", "pk"))
        facility_regions = dict(Facility.objects.values_list("pk", "region_id"))
        finding_rows = [
            {
                "inspection_id": inspection_ids[(facility_ids[f["facility_code"]], f["date_start"], f["body"])],
                "facility_id": facility_ids[f["facility_code"]],
                "region_id": facility_regions[facility_ids[f["facility_code"]]],
                "mechanism": f["body"],
                "scope": Finding.Scope.BLOCK,
                "block_id": block_ids[(facility_ids[f["facility_code"]], f["block_name"])],
                "rule_id": rules.get(f["rule"]),
                "severity": f["severity"],
                **{
                    name: f[name]
                    for name in (
                        "description",
                        "description_ru",
                        "description_kk",
                        "recommendation",
                        "recommendation_ru",
                        "recommendation_kk",
                    )
                },
                "deadline": f["deadline"],
                "status": f["status"],
                "is_demo": True,
            }
            for f in data.findings
        ]
        counts = (
            counts + inspections + sync_rows(Finding, ("inspection_id", "description"), finding_rows, reason=REASON)
        )
        residence_rows = [
            {
                "facility_id": facility_ids[r["facility_code"]],
                "home_region_id": regions[r["home_region"]],
                "date": r["date"],
                "persons": r["persons"],
                "is_demo": True,
            }
            for r in data.residence
        ]
        return counts + sync_rows(
            ResidencePopulation, ("facility_id", "home_region_id", "date"), residence_rows, reason=REASON
        )

    def _users(self):
        User = get_user_model()
        tokens, passwords = {}, {}
        for username, (group_name, region_codes) in ROLES.items():
            group, _ = Group.objects.get_or_create(name=group_name)
            user, created = User.objects.get_or_create(username=username)
            if settings.PORTAL_ALLOW_DEMO_SEED:  # the documented demo password (demo databases only)
                passwords[username] = demo_password(username)
            if created:
                if not settings.PORTAL_ALLOW_DEMO_SEED:  # forced under production settings: never a known one
                    passwords[username] = secrets.token_urlsafe(18)
                user.set_password(passwords[username])
                user.is_staff = user.is_superuser = username == "admin"
                user.save()
            user.groups.add(group)
            if region_codes:
                profile, _ = StaffProfile.objects.get_or_create(user=user)
                profile.regions.add(*Region.objects.filter(code__in=region_codes))
            tokens[username] = user
        # The demo client may also write headcounts in the demo editor's region (PATCH .../headcount/), so
        # that the API's write path (ETag, If-Match, 412) can be tried with the printed token.
        monitor_profile, _ = StaffProfile.objects.get_or_create(user=tokens["monitor"])
        if monitor_profile.mechanism != DEMO_MONITOR_MECHANISM:
            monitor_profile.mechanism = DEMO_MONITOR_MECHANISM
            monitor_profile.save(update_fields=["mechanism"])
        client_profile, _ = StaffProfile.objects.get_or_create(user=tokens["api-client"])
        client_profile.headcount_regions.add(*Region.objects.filter(code__in=DEMO_CLIENT_HEADCOUNT_REGIONS))
        view_perms = Permission.objects.filter(
            codename__startswith="view_", content_type__app_label__in=["facilities", "cells", "inspections"]
        )
        for name in ("Prosecutors", "Ministry editors", "Certification reviewers", "API clients", "Monitors"):
            Group.objects.get(name=name).permissions.add(*view_perms)
        # A new token on every run (only its digest is stored, so an earlier one cannot be printed again);
        # the demo client's earlier tokens are revoked, so only the one printed last is valid.
        revoke_tokens(tokens["api-client"])
        return {"api-client": issue_token(tokens["api-client"])[1], "passwords": passwords}
