"""Template context of the top floor."""

from facilities import scoping


def roles(request):
    """``can_import``: whether the navigation offers register imports to this user."""
    user_roles = scoping.roles(getattr(request, "user", None))
    return {"can_import": bool(user_roles & {scoping.ADMIN, scoping.EDITOR})}
