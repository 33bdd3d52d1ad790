"""Named permission decisions: who may do what, and where. One place for every page, API view, import
and service (docs/architecture.md, §One place for each rule).

Each decision is a ``may_*`` function answering True or False (for navigation, buttons and choices) and,
where a write is refused, a ``check_may_*`` twin raising PermissionDenied with the one message of that
refusal. They read the roles and regions of facilities.scoping; decisions about findings, which need
the inspections' models, are in inspections.decisions and build on ``may_verify_findings_in`` and
``may_answer_findings_in`` here.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import scoping

if TYPE_CHECKING:
    from .models import ConversionProject

User = Any  # an authenticated User, AnonymousUser or None: every decision answers False for no role

HEADCOUNT_KIND = "headcounts"  # the register kind an API client with a headcount write scope may import
RECOMMENDATIONS_KIND = "recommendations"  # the register kind of a mechanism's recommendations
# Mechanisms whose recommendations are never imported: the prosecutor's findings come from its inspections.
NOT_IMPORTED_MECHANISMS = ("prosecutor",)
NO_ROLE = gettext_lazy("Your account has no role in the portal; ask an administrator.")


def may_use_portal(user: User) -> bool:
    """Whether ``user`` has a portal role (administrator, prosecutor, ministry editor, API client): every
    page (roadmap_portal.middleware) and every API endpoint (permissions.HasPortalRole) needs one; the
    refusal says NO_ROLE."""
    return bool(scoping.roles(user))


# ---------------------------------------------------------------------------------------------------
# Register imports (the page, the API and registers.imports.check_file alike).


def may_import(user: User, kind: str | None = None) -> bool:
    """Whether ``user`` may import registers of ``kind`` (None: of any kind at all, for the navigation).

    Ministry editors and administrators import every register kind (rows outside an editor's regions are
    then rejected one by one); an API client whose token has a headcount write scope imports headcounts only
    (rows outside that scope rejected likewise). The ``recommendations`` kind (a mechanism's
    recommendations) is imported by those who record a mechanism's recommendations other than the
    prosecutor's (may_import_recommendations): administrators and monitors, each row then checked by
    may_record_recommendation; so a monitor imports that kind only. Nobody else imports.
    """
    if kind == RECOMMENDATIONS_KIND:
        return may_import_recommendations(user)
    user_roles = scoping.roles(user)
    if user_roles & {scoping.ADMIN, scoping.EDITOR}:
        return True
    if kind is None and may_import_recommendations(user):
        return True
    headcount_scope = scoping.API_CLIENT in user_roles and bool(scoping.headcount_regions(user))
    return headcount_scope and kind in (None, HEADCOUNT_KIND)


def check_may_import(user: User, kind: str | None = None) -> None:
    """Raise PermissionDenied (one message, page and API alike) unless may_import(user, kind): the refusal
    of the recommendations kind, of a monitor's other kinds, or of every register."""
    if may_import(user, kind):
        return
    if kind == RECOMMENDATIONS_KIND:
        raise PermissionDenied(
            _(
                "Only monitors (their own mechanism's) and administrators import recommendations; the "
                "prosecutor's findings are recorded with their inspections."
            )
        )
    if may_import_recommendations(user):
        raise PermissionDenied(_("A monitor imports only their own mechanism's recommendations."))
    raise PermissionDenied(
        _(
            "Only ministry editors and administrators import registers; "
            "an API client with a headcount write scope imports headcounts only."
        )
    )


def importable_kinds(user: User, kinds: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The ``(value, label)`` choices of ``kinds`` that ``user`` may import (the upload form's choices)."""
    return [(value, label) for value, label in kinds if may_import(user, value)]


def may_import_recommendations(user: User) -> bool:
    """Whether ``user`` imports a mechanism's recommendations (the register kind RECOMMENDATIONS_KIND):
    whoever records the recommendations of a mechanism other than the prosecutor's (recording_mechanisms:
    administrators, monitors whose profile names their mechanism). The prosecutor's findings come from its
    inspections and are never imported (NOT_IMPORTED_MECHANISMS)."""
    mechanisms = recording_mechanisms(user)
    return mechanisms is None or bool(mechanisms - set(NOT_IMPORTED_MECHANISMS))


def may_see_all_imports(user: User) -> bool:
    """Administrators see every import; anyone else who imports sees their own."""
    return scoping.ADMIN in scoping.roles(user)


# ---------------------------------------------------------------------------------------------------
# Cells, blocks and conversion projects: ministry editors of the region, administrators.


def may_edit_cells(user: User, region_id: int | None = None) -> bool:
    """Whether ``user`` edits cells (and blocks) in region ``region_id`` (None: in some region at all).

    Ministry editors in their listed regions, administrators everywhere.
    """
    regions = scoping.edit_regions(user, scoping.EDITOR)
    if region_id is None:
        return regions is None or bool(regions)
    return scoping.in_regions(region_id, regions)


def check_may_edit_cells(user: User, region_id: int | None = None) -> None:
    """Raise PermissionDenied unless may_edit_cells(user, region_id): "Only ministry editors and
    administrators may edit cells." for a user who edits nowhere, "This cell is outside your regions."
    for one who edits elsewhere."""
    if not may_edit_cells(user):
        raise PermissionDenied(_("Only ministry editors and administrators may edit cells."))
    if region_id is not None and not may_edit_cells(user, region_id):
        raise PermissionDenied(_("This cell is outside your regions."))


def may_edit_project(user: User, project: "ConversionProject") -> bool:
    """Whether ``user`` records progress on (and completes) ``project``: the editors of its region, as for
    its block's cells (may_edit_cells)."""
    return may_edit_cells(user, project.block.facility.region_id)


def check_may_edit_project(user: User, project: "ConversionProject") -> None:
    """Raise PermissionDenied unless may_edit_project(user, project)."""
    if not may_edit_project(user, project):
        raise PermissionDenied(_("Only a ministry editor of this region or an administrator may edit this project."))


def may_update_headcount(user: User, region_id: int | None = None) -> bool:
    """Whether ``user`` records headcounts (occupancy, population) in region ``region_id`` (None: in some
    region at all, for the API's role check): its ministry editors, administrators, and API clients whose
    token has the headcount write scope for the region."""
    if may_edit_cells(user, region_id):
        return True
    if scoping.API_CLIENT not in scoping.roles(user):
        return False
    regions = scoping.headcount_regions(user)
    if region_id is None:
        return regions is None or bool(regions)
    return scoping.in_regions(region_id, regions)


def check_may_update_headcount(user: User, region_id: int) -> None:
    """Raise PermissionDenied unless may_update_headcount(user, region_id)."""
    if not may_update_headcount(user, region_id):
        raise PermissionDenied(_("This account may not update headcounts in this region."))


# ---------------------------------------------------------------------------------------------------
# Inspections and findings: prosecutors (of the region) inspect and verify, ministry editors answer.


def may_record_inspection(user: User, region_id: int | None = None) -> bool:
    """Whether ``user`` records inspections (and their findings) of facilities in ``region_id`` (None: in
    some region at all): prosecutors of the region (all regions when national), administrators."""
    regions = scoping.edit_regions(user, scoping.PROSECUTOR)
    if region_id is None:
        return regions is None or bool(regions)
    return scoping.in_regions(region_id, regions)


def check_may_record_inspection(user: User, region_id: int | None = None) -> None:
    """Raise PermissionDenied unless may_record_inspection(user, region_id): "Only prosecutors and
    administrators record inspections." for a user who inspects nowhere, "Only a prosecutor for this region
    or an administrator records inspections." for one who inspects elsewhere."""
    if not may_record_inspection(user):
        raise PermissionDenied(_("Only prosecutors and administrators record inspections."))
    if region_id is not None and not may_record_inspection(user, region_id):
        raise PermissionDenied(_("Only a prosecutor for this region or an administrator records inspections."))


def may_verify_findings_in(user: User, region_id: int) -> bool:
    """Prosecutors of the region (and administrators) review findings: verify, reopen, reject."""
    return may_record_inspection(user, region_id)


def may_answer_findings_in(user: User, region_id: int) -> bool:
    """Ministry editors of the region (and administrators) answer findings: in progress, resolved."""
    return may_edit_cells(user, region_id)


# ---------------------------------------------------------------------------------------------------
# Certification: ministry editors of the region request, certification reviewers of the region decide,
# never their own request (separation of duties; cells.certification).


def may_request_certification(user: User, region_id: int | None = None) -> bool:
    """Whether ``user`` opens (and withdraws their own) certification requests for facilities of
    ``region_id`` (None: in some region at all): the editors of the region's cells (may_edit_cells)."""
    return may_edit_cells(user, region_id)


def check_may_request_certification(user: User, region_id: int | None = None) -> None:
    """Raise PermissionDenied unless may_request_certification(user, region_id)."""
    if not may_request_certification(user, region_id):
        raise PermissionDenied(_("Only a ministry editor of this region or an administrator requests a certification."))


def may_review_certification(user: User, region_id: int | None = None) -> bool:
    """Whether ``user`` decides (approves, rejects) certification requests of ``region_id`` (None: in some
    region at all): certification reviewers of their listed regions, administrators everywhere. Whether the
    request is the user's own is checked by may_decide_certification."""
    regions = scoping.edit_regions(user, scoping.REVIEWER)
    if region_id is None:
        return regions is None or bool(regions)
    return scoping.in_regions(region_id, regions)


def may_decide_certification(user: User, region_id: int, requested_by_id: int | None) -> bool:
    """Whether ``user`` decides a request of ``region_id`` made by ``requested_by_id``: a reviewer of the
    region (may_review_certification) who is not its requester; nobody decides their own request."""
    if getattr(user, "pk", None) is not None and user.pk == requested_by_id:
        return False
    return may_review_certification(user, region_id)


def check_may_decide_certification(user: User, region_id: int, requested_by_id: int | None) -> None:
    """Raise PermissionDenied unless may_decide_certification: one message for one's own request, another
    for a user who reviews elsewhere or not at all."""
    if getattr(user, "pk", None) is not None and user.pk == requested_by_id:
        raise PermissionDenied(_("You made this certification request: another certification reviewer must decide it."))
    if not may_review_certification(user, region_id):
        raise PermissionDenied(
            _("Only a certification reviewer of this region or an administrator decides certification requests.")
        )


# ---------------------------------------------------------------------------------------------------
# The registry of recommendations (inspections.models.Finding of every mechanism): a mechanism records
# its own recommendations and judges their implementation; the responsible body reports actions.


def recording_mechanisms(user: User) -> set[str] | None:
    """The mechanisms (facilities.mechanisms.Mechanism values) whose recommendations and judgements ``user``
    records: None for administrators (all), {"prosecutor"} for prosecutors, the profile's mechanism for a
    monitor (none when the profile names none), else the empty set."""
    user_roles = scoping.roles(user)
    if scoping.ADMIN in user_roles:
        return None
    mechanisms: set[str] = set()
    if scoping.PROSECUTOR in user_roles:
        mechanisms.add("prosecutor")
    if scoping.MONITOR in user_roles:
        mechanism = getattr(getattr(user, "staff_profile", None), "mechanism", "")
        if mechanism:
            mechanisms.add(mechanism)
    return mechanisms


def may_record_recommendation(user: User, mechanism: str | None = None, region_id: int | None = None) -> bool:
    """Whether ``user`` records (and judges) recommendations of ``mechanism`` (None: of some mechanism) whose
    scope lies in ``region_id`` (None: a national recommendation, or anywhere for the navigation).

    Administrators: all. Prosecutors: the prosecutor's mechanism in their regions (national prosecutors
    also national recommendations). Monitors: their profile's mechanism in their regions, national scope
    when they have no region. Nobody else (DESIGN: the monitor records their mechanism's recommendations
    and judgements in their scope, and nothing else)."""
    mechanisms = recording_mechanisms(user)
    if mechanisms is not None and not mechanisms:
        return False
    if mechanism is not None and mechanisms is not None and mechanism not in mechanisms:
        return False
    if scoping.ADMIN in scoping.roles(user):
        return True
    regions = scoping.region_scope(user)
    if region_id is None:
        return True if mechanism is None else regions is None
    return scoping.in_regions(region_id, regions)


def check_may_record_recommendation(user: User, mechanism: str | None = None, region_id: int | None = None) -> None:
    """Raise PermissionDenied unless may_record_recommendation(user, mechanism, region_id), with one message
    naming what is refused."""
    if not may_record_recommendation(user):
        raise PermissionDenied(_("Only prosecutors, monitors and administrators record recommendations."))
    if not may_record_recommendation(user, mechanism, region_id):
        raise PermissionDenied(
            _("You record only your own mechanism's recommendations, in the regions of your responsibility.")
        )


def may_publish_releases(user: User) -> bool:
    """Whether ``user`` prepares, reviews and publishes releases of the public site: administrators."""
    return scoping.ADMIN in scoping.roles(user)


def check_may_publish_releases(user: User) -> None:
    """Raise PermissionDenied unless may_publish_releases(user)."""
    if not may_publish_releases(user):
        raise PermissionDenied(_("Only administrators prepare and publish releases."))
