"""The portal's admin site: only staff users who may read every region enter it.

Why out rather than scoped: the admin is where administrators manage what is national (users, roles,
regions of responsibility, standards, targets, compliance runs, tokens). Its lists, change pages,
autocomplete and raw-id pop-ups, django-simple-history's history pages, list filters and the choices of
every foreign key read whole tables; scoping each of them to a user's regions would be a dozen paths
each able to leak on its own, for users whose own pages (already scoped by ``visible_to``) do everything
their role needs. So a user whose read scope is limited to some regions (facilities.scoping.region_scope
is not None: ministry editors, prosecutors and API clients with regions, a user without a role) is kept
out at the one gate every admin view passes through (``AdminSite.has_permission``, checked by
``admin_view`` for every URL of the site, the login page included), even when given ``is_staff``.
Administrators (and superusers) enter as before; a national prosecutor or API client given ``is_staff``
sees what its model permissions allow, which is national like its own pages.

Installed in place of ``django.contrib.admin`` (settings.INSTALLED_APPS: ``PortalAdminConfig``), so that
``django.contrib.admin.site`` and every ``@admin.register`` use this site.
"""

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

from . import scoping


def may_use_admin(user: Any) -> bool:
    """Whether ``user`` may enter the admin: active, staff, and reading every region (region_scope None)."""
    return bool(user.is_active and user.is_staff and scoping.region_scope(user) is None)


class PortalAdminSite(AdminSite):
    """Django's admin site, entered only by ``may_use_admin`` users (others get the admin's login page)."""

    def has_permission(self, request: Any) -> bool:
        return may_use_admin(request.user)


class PortalAdminConfig(AdminConfig):
    """``django.contrib.admin`` with PortalAdminSite as its default site."""

    default_site = "facilities.admin_site.PortalAdminSite"
