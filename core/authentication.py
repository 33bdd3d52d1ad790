"""Token authentication (django-rest-knox: tokens stored as SHA-512 digests, expiring) that refuses
malformed keys before they reach the database."""
import re

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

# "rp_" (settings.REST_KNOX["TOKEN_PREFIX"]) and 64 hexadecimal digits.
_TOKEN = re.compile(rb"^rp_[0-9a-f]{64}\Z")


class StrictTokenAuthentication(TokenAuthentication):
    """``Authorization: Token rp_<64 hex>``: a knox token; a malformed key answers 401 without a query.

    An expired token is deleted by knox and answers 401 like a revoked (deleted) or unknown one.
    """

    def authenticate_credentials(self, token):
        """``token`` is the header's bytes; returns ``(user, AuthToken)`` or raises AuthenticationFailed."""
        if not _TOKEN.match(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)
