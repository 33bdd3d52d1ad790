"""Roles and regions of responsibility: who sees and edits what (one place for every view and API).

Roles are Django groups: ``Administrators`` (or superusers), ``Prosecutors``, ``Ministry editors``,
``Certification reviewers``, ``API clients``, ``Monitors`` (a national preventive mechanism's or another
monitoring body's staff: StaffProfile.mechanism says which; they record that mechanism's recommendations
and judgements in their regions and read the rest). A user's regions are StaffProfile.regions; for prosecutors and API clients an empty set
means the national scope (all regions); so for monitors. Ministry editors and certification reviewers always work in their listed regions only.
A user with no role sees nothing.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

ADMIN, PROSECUTOR, EDITOR, REVIEWER, API_CLIENT = "admin", "prosecutor", "editor", "reviewer", "api_client"
MONITOR = "monitor"
GROUPS = {
    "Administrators": ADMIN,
    "Prosecutors": PROSECUTOR,
    "Ministry editors": EDITOR,
    "Certification reviewers": REVIEWER,
    "API clients": API_CLIENT,
    "Monitors": MONITOR,
}
ROLE_GROUPS = {role: name for name, role in GROUPS.items()}


def roles(user) -> set[str]:
    """The roles of ``user`` (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = {GROUPS[name] for name in user.groups.values_list("name", flat=True) if name in GROUPS}
        if user.is_superuser:
            cached.add(ADMIN)
        user._portal_roles = cached
    return cached


def _profile_regions(user, attribute="regions") -> set[int]:
    """Region ids of the user's StaffProfile ``attribute`` (cached on the user object for the request)."""
    cache = user.__dict__.setdefault("_portal_regions", {})
    if attribute not in cache:
        try:
            profile = user.staff_profile
        except ObjectDoesNotExist:
            cache[attribute] = set()
        else:
            cache[attribute] = set(getattr(profile, attribute).values_list("pk", flat=True))
    return set(cache[attribute])


def region_scope(user) -> set[int] | None:
    """Region ids ``user`` may read, or None for all regions. Empty set: nothing."""
    cached = getattr(user, "_portal_scope", "unset")
    if cached != "unset":
        return cached
    user_roles = roles(user)
    if not user_roles:
        scope = set()
    elif ADMIN in user_roles:
        scope = None
    else:
        regions = _profile_regions(user)
        national = bool(user_roles & {PROSECUTOR, API_CLIENT, MONITOR}) and not regions
        scope = None if national else regions
    user._portal_scope = scope
    return scope


def edit_regions(user, role: str) -> set[int] | None:
    """Region ids where ``user`` may act in ``role`` (None: everywhere). Administrators act everywhere."""
    user_roles = roles(user)
    if ADMIN in user_roles:
        return None
    if role not in user_roles:
        return set()
    if role in (EDITOR, REVIEWER):
        return _profile_regions(user)
    return region_scope(user)


def headcount_regions(user) -> set[int] | None:
    """Region ids where an API client's token may write headcounts (occupancy)."""
    if ADMIN in roles(user):
        return None
    return _profile_regions(user, "headcount_regions") if API_CLIENT in roles(user) else set()


def in_regions(region_id: int, regions: set[int] | None) -> bool:
    return regions is None or region_id in regions


def scope_filter(user, region_path: str) -> Q:
    """A Q restricting rows to the regions ``user`` may read; ``region_path`` leads to the region id."""
    scope = region_scope(user)
    if scope is None:
        return Q()
    return Q(**{f"{region_path}__in": scope})
