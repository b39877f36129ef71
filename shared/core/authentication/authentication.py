"""DRF authentication that verifies RS256 access tokens and yields a stateless Principal.

A token verified once is remembered, by its exact bytes, until its ``exp``: a client sends the
same token for minutes, and verifying its signature again each time cost more than a page of
the project list. Nothing else is cached: the claims are what the signature covered.
"""

import time
from typing import Any
from uuid import UUID

from django.dispatch import receiver
from django.test.signals import setting_changed
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from shared.core.authentication.principal import Principal
from shared.kit.context import user_uuid_var

VERIFIED_TOKENS_MAX = 10_000  # per process; at most a few MB


class VerifiedTokens:
    """Tokens whose signature and claims were verified, by their bytes, until they expire."""

    def __init__(self, *, max_size: int = VERIFIED_TOKENS_MAX):
        self.max_size = max_size
        self._tokens: dict[bytes, Token] = {}

    def get(self, raw_token: bytes) -> Token | None:
        token = self._tokens.get(raw_token)
        if token is not None and time.time() < token["exp"]:
            return token
        return None

    def remember(self, raw_token: bytes, token: Token) -> None:
        if len(self._tokens) >= self.max_size:
            now = time.time()
            self._tokens = {raw: t for raw, t in self._tokens.items() if now < t["exp"]}
            if len(self._tokens) >= self.max_size:
                self._tokens = {}
        self._tokens[raw_token] = token

    def clear(self) -> None:
        self._tokens = {}


verified_tokens = VerifiedTokens()


@receiver(setting_changed)
def _forget_verified_tokens(*, setting: str, **kwargs: Any) -> None:
    if setting == "SIMPLE_JWT":  # another key or audience: verify again
        verified_tokens.clear()


class StatelessJWTAuthentication(JWTStatelessUserAuthentication):
    """Never touches the users database: the token alone says who the caller is."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        token = verified_tokens.get(raw_token)
        if token is None:
            token = super().get_validated_token(raw_token)
            verified_tokens.remember(raw_token, token)
        return token

    def authenticate(self, request: Request) -> tuple[Principal, Token] | None:
        result = super().authenticate(request)
        if result is not None:
            user_uuid_var.set(str(result[0].uuid))
        return result

    def get_user(self, validated_token: Token) -> Principal:
        subject = validated_token.get("sub")
        try:
            UUID(str(subject))
        except ValueError:
            raise InvalidToken(_("Token contained no recognizable user identification")) from None
        return Principal(validated_token)
