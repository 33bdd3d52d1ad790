"""Issuing and revoking API tokens (django-rest-knox). The database keeps only each token's digest.

A user's tokens are revoked whenever their password changes, whatever path changed it (the portal's
password page, the admin, ``manage.py changepassword``, any code that calls ``set_password`` or
``set_unusable_password`` and saves): ``revoke_on_password_change`` and ``remember_password_hash``,
connected to the user model's ``post_save`` / ``pre_save`` by ``core.apps.CoreConfig.ready``.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher
from knox.models import AuthToken

_STORED_HASH = "_portal_stored_password"  # attribute set on the instance by remember_password_hash
REVOKED_ON_SAVE = "_portal_tokens_revoked"  # tokens revoked by the last save (int), read by the pages


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


def _is_rehash(user: Any, old_hash: str) -> bool:
    """Whether this save only re-hashes the same password: Django's ``check_password`` upgrades an old
    hasher's hash at login through a setter that clears ``user._password`` before saving. A hash set by
    ``set_password`` keeps ``_password`` until the save."""
    if getattr(user, "_password", None) is not None:
        return False
    try:
        hasher = identify_hasher(old_hash)
    except ValueError:  # unusable or unknown: nothing to upgrade from
        return False
    return hasher.algorithm != get_hasher().algorithm or hasher.must_update(old_hash)


def remember_password_hash(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """``pre_save`` of the user model: keep the stored password hash of an existing user on the instance
    (one query; none for a new user or a save whose ``update_fields`` leaves out the password, such as
    the login's ``last_login``)."""
    instance.__dict__.pop(_STORED_HASH, None)
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None:
        instance.__dict__[_STORED_HASH] = stored


def revoke_on_password_change(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """``post_save`` of the user model: if the password hash changed (not a mere re-hash of the same
    password), revoke every API token of the user, in the saving transaction. The number revoked is left
    on the instance as ``REVOKED_ON_SAVE`` (0 when nothing changed) for the page that changed it."""
    instance.__dict__[REVOKED_ON_SAVE] = 0
    stored = instance.__dict__.pop(_STORED_HASH, None)
    if created or stored is None or stored == instance.password or _is_rehash(instance, stored):
        return
    instance.__dict__[REVOKED_ON_SAVE] = revoke_tokens(instance)
