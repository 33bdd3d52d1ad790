"""Template context of the top floor."""

from facilities import decisions
from facilities.admin_site import may_use_admin


def roles(request):
    """``can_import``: whether the navigation offers register imports to this user
    (facilities.decisions.may_import of any kind); ``can_admin``: whether it offers the admin
    (facilities.admin_site.may_use_admin)."""
    user = getattr(request, "user", None)
    return {
        "can_import": decisions.may_import(user),
        "can_admin": user is not None and user.is_authenticated and may_use_admin(user),
    }
