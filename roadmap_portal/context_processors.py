"""Template context of the top floor."""

from facilities import decisions


def roles(request):
    """``can_import``: whether the navigation offers register imports to this user
    (facilities.decisions.may_import of any kind)."""
    return {"can_import": decisions.may_import(getattr(request, "user", None))}
