"""The token backend (simplejwt's, plus a ``kid`` header) and the access token class.

simplejwt never writes a ``kid`` header, so every token class of the project takes its backend
from :func:`token_backend` instead of simplejwt's module-level one.
"""

from datetime import UTC, datetime
from functools import cache
from typing import Any

import jwt
from django.dispatch import receiver
from django.test.signals import setting_changed
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.tokens import AccessToken as SimpleJWTAccessToken

from shared.core.authentication.keys import jwk_thumbprint

ALLOWED_ALGORITHM = "RS256"


class KeyedTokenBackend(TokenBackend):
    """Signs with ``kid`` = the RFC 7638 thumbprint of the verifying key; verifies RS256 only."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.kid = jwk_thumbprint(self.verifying_key) if self.verifying_key else None

    def decode(self, token: Any, verify: bool = True) -> dict[str, Any]:
        """The payload, refusing a signed ``exp`` that is no point in time (it would be a 500)."""
        payload = super().decode(token, verify)
        try:
            datetime.fromtimestamp(payload["exp"], UTC)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            raise TokenBackendError("Token has no valid expiry") from None
        return payload

    def encode(self, payload: dict[str, Any]) -> str:
        claims = payload.copy()
        if self.audience is not None:
            claims["aud"] = self.audience
        if self.issuer is not None:
            claims["iss"] = self.issuer
        headers = {"kid": self.kid} if self.kid else None
        return jwt.encode(
            claims,
            self.prepared_signing_key,
            algorithm=self.algorithm,
            json_encoder=self.json_encoder,
            headers=headers,
        )


@cache
def token_backend() -> KeyedTokenBackend:
    # Looked up on the module: simplejwt rebinds ``api_settings`` when SIMPLE_JWT changes.
    api_settings = simplejwt_settings.api_settings
    if api_settings.ALGORITHM != ALLOWED_ALGORITHM:
        raise ValueError(f"SIMPLE_JWT['ALGORITHM'] must be {ALLOWED_ALGORITHM}")
    return KeyedTokenBackend(
        algorithm=api_settings.ALGORITHM,
        signing_key=api_settings.SIGNING_KEY,
        verifying_key=api_settings.VERIFYING_KEY,
        audience=api_settings.AUDIENCE,
        issuer=api_settings.ISSUER,
        jwk_url=api_settings.JWK_URL,
        leeway=api_settings.LEEWAY,
        json_encoder=api_settings.JSON_ENCODER,
    )


@receiver(setting_changed)
def _reset_token_backend(*, setting: str, **kwargs: Any) -> None:
    if setting == "SIMPLE_JWT":
        token_backend.cache_clear()


class KeyedTokenMixin:
    def get_token_backend(self) -> TokenBackend:
        return token_backend()


class AccessToken(KeyedTokenMixin, SimpleJWTAccessToken):
    """A 5-minute access token; its ``sub`` is the user's uuid."""
