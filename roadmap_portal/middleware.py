"""Login and a portal role required for every HTML page; the API authenticates by itself (session or token)."""

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from facilities import decisions


class PortalLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except for ``/api/`` (DRF answers 401/403 as JSON), ``/static/`` and
    the public site (``/public/``);
    a logged-in user without a portal role gets 403 on the pages."""

    # The language switcher works on the login page too; /public/ is the public site (no login, no role).
    exempt_prefixes = ("/api/", "/static/", "/i18n/", "/public/")
    role_exempt_prefixes = ("/login/", "/logout/", "/i18n/", "/admin/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.exempt_prefixes):
            return None
        response = super().process_view(request, view_func, view_args, view_kwargs)
        if (
            response is None
            and request.user.is_authenticated
            and not request.path.startswith(self.role_exempt_prefixes)
            and not decisions.may_use_portal(request.user)
        ):
            raise PermissionDenied(decisions.NO_ROLE)
        return response


class OutboxNoticeMiddleware:
    """Tell the user when a write saved but its background task waits for the queue (broker unreachable):
    a warning message on the next page, and the ``X-Portal-Deferred-Tasks`` header (count) on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib import messages

        from core import outbox

        outbox.reset_request_flag()
        response = self.get_response(request)
        deferred = outbox.deferred_in_request()
        if deferred:
            response["X-Portal-Deferred-Tasks"] = str(deferred)
            if hasattr(request, "_messages"):
                messages.warning(
                    request,
                    _(
                        "Saved. The background queue is unreachable, so the compliance figures will be recomputed "
                        "when it is back; until then the dashboard shows the last successful run."
                    ),
                )
        return response
