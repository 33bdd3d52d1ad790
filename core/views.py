"""The "API tokens" page: a user issues tokens for their own API use (each shown once) and revokes them."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.models import AuthToken

from .tokens import issue_token, revoke_tokens


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
