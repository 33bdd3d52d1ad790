"""API permission: every endpoint needs a portal role; writes are checked again by the services."""

from rest_framework.permissions import BasePermission

from . import scoping


class HasPortalRole(BasePermission):
    """Allow users with a portal role (administrator, prosecutor, ministry editor, API client).

    Which rows they see is the queryset's job (``visible_to``); whether a write is allowed is the
    service's (PermissionDenied -> 403, a foreign key outside their regions -> 400).
    """

    message = "Your account has no role in the portal; ask an administrator."

    def has_permission(self, request, view):
        return bool(scoping.roles(request.user))
