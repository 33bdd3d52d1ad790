"""Template context of the top floor."""

from cells.models import CertificationRequest
from facilities import decisions
from facilities.admin_site import may_use_admin


def roles(request):
    """``can_import``: whether the navigation offers register imports to this user
    (facilities.decisions.may_import of any kind); ``can_admin``: whether it offers the admin
    (facilities.admin_site.may_use_admin); ``can_publish_releases``: whether it offers the release pages
    (facilities.decisions.may_publish_releases: administrators); ``awaiting_decision``: for a certification reviewer, the
    number of pending certification requests of their regions made by others (one query, only when the
    navigation renders it)."""
    user = getattr(request, "user", None)

    def awaiting_decision() -> int:
        if not decisions.may_review_certification(user):
            return 0
        pending = CertificationRequest.objects.visible_to(user).filter(status=CertificationRequest.Status.PENDING)
        return pending.exclude(requested_by=user).count()

    return {
        "can_import": decisions.may_import(user),
        "can_publish_releases": user is not None and user.is_authenticated and decisions.may_publish_releases(user),
        "can_admin": user is not None and user.is_authenticated and may_use_admin(user),
        "awaiting_decision": awaiting_decision,
    }
