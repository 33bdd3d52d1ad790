"""Token authentication (django-rest-knox: tokens stored as SHA-512 digests, expiring) that refuses
malformed keys before they reach the database."""

import re
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions

# "rp_" (settings.REST_KNOX["TOKEN_PREFIX"]) and 64 hexadecimal digits.
_TOKEN = re.compile(rb"^rp_[0-9a-f]{64}\Z")


class StrictTokenAuthentication(TokenAuthentication):
    """``Authorization: Token rp_<64 hex>``: a knox token; a malformed key answers 401 without a query.

    An expired token is deleted by knox and answers 401 like a revoked (deleted) or unknown one.
    """

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        """``token`` is the header's bytes; returns ``(user, AuthToken)`` or raises AuthenticationFailed."""
        if not _TOKEN.match(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)


class StrictTokenScheme(OpenApiAuthenticationExtension):
    """The token scheme in the OpenAPI schema: ``Authorization: Token rp_...`` (as the scheme ``tokenAuth``)."""

    target_class = "core.authentication.StrictTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
