"""Token authentication that refuses malformed keys before they reach the database."""
import re

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

_TOKEN = re.compile(r"^[0-9a-f]{40}$")


class StrictTokenAuthentication(TokenAuthentication):
    """Token authentication that refuses a malformed key (not 40 hex digits) before querying the database."""

    def authenticate_credentials(self, key):
        if not _TOKEN.match(key):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(key)
