"""API permission: every endpoint needs a portal role; writes are checked again by the services."""

from rest_framework.permissions import BasePermission

from . import decisions


class HasPortalRole(BasePermission):
    """Allow users with a portal role (administrator, prosecutor, ministry editor, API client).

    Which rows they see is the queryset's job (``visible_to``); whether a write is allowed is the
    service's (PermissionDenied -> 403, a foreign key outside their regions -> 400).
    """

    message = decisions.NO_ROLE

    def has_permission(self, request, view):
        return decisions.may_use_portal(request.user)
