"""Issuing and revoking API tokens (django-rest-knox). The database keeps only each token's digest."""

import datetime
from typing import Any

from django.conf import settings
from knox.models import AuthToken


def issue_token(user: Any, days: int | None = None) -> tuple[AuthToken, str]:
    """Create an API token for ``user`` valid for ``days`` days (default ``settings.API_TOKEN_DAYS``).

    Returns ``(AuthToken, plaintext)``: the plaintext ("rp_" + 64 hex digits) exists only in this return
    value; show it once. Raises ValueError if ``days`` is not a positive whole number.
    """
    days = settings.API_TOKEN_DAYS if days is None else days
    if not isinstance(days, int) or days < 1:
        raise ValueError("days must be a whole number of at least 1")
    return AuthToken.objects.create(user=user, expiry=datetime.timedelta(days=days))


def revoke_tokens(user: Any, digest: str | None = None) -> int:
    """Delete ``user``'s API tokens (only the one with this ``digest`` when given); returns how many."""
    tokens = AuthToken.objects.filter(user=user)
    if digest is not None:
        tokens = tokens.filter(digest=digest)
    return tokens.delete()[0]
