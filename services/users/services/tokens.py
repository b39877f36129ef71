"""The refresh token class: simplejwt's, signed through the core backend (with ``kid``).

The users database records refresh tokens (jti, owner, expiry) for rotation and revocation, but
only a SHA-256 digest of each token: a copy of the database must not be able to refresh.
"""

import hashlib
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import BlacklistMixin
from rest_framework_simplejwt.tokens import RefreshToken as SimpleJWTRefreshToken

from shared.core.authentication.tokens import AccessToken, KeyedTokenMixin

DB = "users"


def token_digest(raw: str) -> str:
    """What the database keeps of a token: enough to recognise it, useless to present."""
    return hashlib.sha256(raw.encode()).hexdigest()


def outstanding_fields(claims: Any, *, raw: str, user: Any) -> dict[str, Any]:
    """The columns of a refresh token's OutstandingToken row, from its claims (a payload or a
    token): the digest of the token, never the token itself."""
    return {
        "jti": claims[api_settings.JTI_CLAIM],
        "user": user,
        "token": token_digest(raw),
        "created_at": datetime.fromtimestamp(claims["iat"], UTC) if "iat" in claims else None,
        "expires_at": datetime.fromtimestamp(claims["exp"], UTC),
    }


def record_outstanding(claims: Any, *, raw: str, user: Any) -> OutstandingToken:
    """The outstanding row of a refresh token by its jti, created if missing."""
    fields = outstanding_fields(claims, raw=raw, user=user)
    outstanding, _ = OutstandingToken.objects.using(DB).get_or_create(
        jti=fields.pop("jti"), defaults=fields
    )
    return outstanding


class RefreshToken(KeyedTokenMixin, SimpleJWTRefreshToken):
    """Rotates on use and is blacklisted in the users database (token_blacklist app).

    simplejwt's BlacklistMixin writes ``str(token)`` into OutstandingToken.token; every method of
    it that writes a row is replaced so that only the digest is stored.
    """

    access_token_class = AccessToken

    @classmethod
    def for_user(cls, user: Any) -> "RefreshToken":
        # Token.for_user builds the claims; BlacklistMixin.for_user (skipped) would store them
        # in clear. RS256 signatures are deterministic, so str(token) is what the caller gets.
        token = super(BlacklistMixin, cls).for_user(user)
        OutstandingToken.objects.using(DB).create(
            **outstanding_fields(token, raw=str(token), user=user)
        )
        return token

    def outstand(self) -> OutstandingToken:
        return record_outstanding(self.payload, raw=self._raw(), user=self._subject())

    def blacklist(self) -> tuple[BlacklistedToken, bool]:
        return BlacklistedToken.objects.using(DB).get_or_create(token=self.outstand())

    def _raw(self) -> str:
        # A token parsed from a string digests that string; a new one, its encoding.
        return self.token.decode() if isinstance(self.token, bytes) else self.token or str(self)

    def _subject(self) -> Any:
        lookup = {api_settings.USER_ID_FIELD: self.payload.get(api_settings.USER_ID_CLAIM)}
        return get_user_model().objects.using(DB).filter(**lookup).first()
