"""The conversion flow of a ConversionProject, defined once (docs/data.md, §The domain model): read by the progress
service, the progress form's choices, the block page and the demo generator.

``planned -> design -> procurement -> construction -> commissioning -> completed``; any state of the
flow before completion may be ``suspended`` (which returns only to the state it left) or ``cancelled``;
completed and cancelled are final.
"""

from .models import ConversionProject, Facility

Status = ConversionProject.Status

FLOW: tuple[str, ...] = (
    Status.PLANNED,
    Status.DESIGN,
    Status.PROCUREMENT,
    Status.CONSTRUCTION,
    Status.COMMISSIONING,
    Status.COMPLETED,
)
FINAL: frozenset[str] = frozenset({Status.COMPLETED, Status.CANCELLED})


def allowed_transitions(status: str, before_suspension: str = "") -> list[str]:
    """The statuses a project in ``status`` may move to next (besides staying where it is), in this order:
    the next step of FLOW, suspended, cancelled; a suspended project returns to ``before_suspension``
    (planned when unknown) or is cancelled; a final status allows nothing. Raises ValueError for a status
    outside Status."""
    if status in FINAL:
        return []
    if status == Status.SUSPENDED:
        return [before_suspension or Status.PLANNED, Status.CANCELLED]
    following = FLOW[FLOW.index(status) + 1]
    return [following, Status.SUSPENDED, Status.CANCELLED]


def may_move(status: str, new: str, before_suspension: str = "") -> bool:
    """Whether a project may go from ``status`` to ``new`` (staying is always allowed, except in a final
    status, which takes no more updates)."""
    if status in FINAL:
        return False
    return new == status or new in allowed_transitions(status, before_suspension)


def before_suspension_after(status: str, new: str, before_suspension: str) -> str:
    """The ``status_before_suspension`` of a project moving from ``status`` to ``new``: the state it left
    when it is suspended now, kept while it stays suspended, cleared ("") otherwise."""
    if new == Status.SUSPENDED:
        return before_suspension if status == Status.SUSPENDED else status
    return ""


def reconstruction_status_outdated(facility_status: str, project_statuses: "list[str]") -> bool:
    """Whether a facility still says "under reconstruction" although every one of its conversion projects
    has ended (completed or cancelled: FINAL; at least one project). The portal does not change the
    status itself (it is the facility's published identity, ``Facility.source``, and a reconstruction may
    be more than the conversions): the facility page asks an editor to change it (issue 18, item 6)."""
    return (
        facility_status == Facility.Status.UNDER_RECONSTRUCTION
        and bool(project_statuses)
        and all(status in FINAL for status in project_statuses)
    )
