"""The account pages: "API tokens" (a user issues tokens for their own API use, each shown once, and revokes
them) and "Change password" (which revokes the user's API tokens, core.tokens, and says how many)."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from knox.models import AuthToken

from .tokens import REVOKED_ON_SAVE, issue_token, revoke_tokens


class IssueTokenForm(forms.Form):
    """How many days a new token is valid (1 to 365; default ``settings.API_TOKEN_DAYS``)."""

    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=365)


def api_tokens(request: HttpRequest) -> HttpResponse:
    """GET: the user's tokens (first characters, created, expires). POST ``issue``: a new token, shown once
    on this response only. POST ``revoke`` with ``token``: revokes one of the user's own tokens."""
    form = IssueTokenForm(initial={"days": settings.API_TOKEN_DAYS})
    plaintext = None
    if request.method == "POST" and "revoke" in request.POST:
        if revoke_tokens(request.user, digest=request.POST.get("token", "")):
            messages.success(request, _("The token was revoked."))
        return redirect("api-tokens")
    if request.method == "POST":
        form = IssueTokenForm(request.POST)
        if form.is_valid():
            _token, plaintext = issue_token(request.user, form.cleaned_data["days"])
            form = IssueTokenForm(initial={"days": settings.API_TOKEN_DAYS})
    tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
    response = render(
        request,
        "core/api_tokens.html",
        {"form": form, "plaintext": plaintext, "tokens": tokens},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the page may hold a token
    return response


def password_changed_message(revoked: int) -> str:
    """The message after a password change that revoked ``revoked`` API tokens (0: none to revoke)."""
    text = _("Your password was changed.")
    if revoked:
        text += " " + ngettext(
            "Your %(count)d API token was revoked; issue a new one on the API tokens page.",
            "Your %(count)d API tokens were revoked; issue new ones on the API tokens page.",
            revoked,
        ) % {"count": revoked}
    return text


class PasswordChangeView(auth_views.PasswordChangeView):
    """``/account/password/``: Django's password change (old password, new one twice, the validators of
    AUTH_PASSWORD_VALIDATORS) in the portal's page. Saving it revokes the user's API tokens (the user
    model's save signal, core.tokens) and says how many; the user stays logged in on this session
    (update_session_auth_hash), other sessions of the user end."""

    template_name = "core/password_change_form.html"
    success_url = reverse_lazy("password-change-done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, password_changed_message(getattr(form.user, REVOKED_ON_SAVE, 0)))
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    """``/account/password/done/``: the page after a password change (its message says what was revoked)."""

    template_name = "core/password_change_done.html"
