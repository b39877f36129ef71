"""Tokens: obtain a pair, rotate a refresh token exactly once, log out, revoke all, publish keys."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from services.users.models import User
from services.users.services.tokens import RefreshToken, record_outstanding
from shared.core.authentication.keys import jwks_document
from shared.core.authentication.tokens import token_backend
from shared.core.utils.validators import normalize_email
from shared.kit.errors import AuthenticationFailedError, ValidationError

DB = "users"
BAD_CREDENTIALS = "No active account found with the given credentials."
BAD_REFRESH = "The refresh token is invalid, expired or already used."


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


class TokenService:
    def obtain_pair(self, *, email: str, password: str) -> TokenPair:
        """Tokens for valid credentials of an active account, given any spelling of its email."""
        try:
            email = normalize_email(email)
        except ValidationError:  # no account can have it: the same answer as a wrong password
            raise AuthenticationFailedError(BAD_CREDENTIALS) from None
        user = authenticate(email=email, password=password)
        if user is None:
            raise AuthenticationFailedError(BAD_CREDENTIALS)
        return self._issue(user)

    def rotate(self, *, refresh: str) -> TokenPair:
        """A new pair for a refresh token, which is blacklisted: it works once, even under races."""
        token = self._verified_refresh(refresh, error=AuthenticationFailedError(BAD_REFRESH))
        try:
            subject = UUID(str(token.get("sub")))
        except ValueError:
            raise AuthenticationFailedError(BAD_REFRESH) from None
        user = User.objects.using(DB).filter(uuid=subject, is_active=True).first()
        if user is None:
            raise AuthenticationFailedError(BAD_REFRESH)
        with transaction.atomic(using=DB):
            # The unique blacklist row is the lock: of concurrent rotations exactly one inserts it.
            if not self._blacklist(self._outstanding(token, refresh, user)):
                raise AuthenticationFailedError(BAD_REFRESH)
            return self._issue(user)

    def logout(self, *, actor_uuid: UUID, refresh: str) -> None:
        """Revoke the caller's own refresh token; revoking a revoked one again is fine."""
        try:
            payload = token_backend().decode(refresh)
        except (TokenBackendError, TypeError):
            raise ValidationError.for_field(
                "refresh", "The refresh token is invalid or expired."
            ) from None
        if payload.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh" or "exp" not in payload:
            raise ValidationError.for_field("refresh", "This is not a refresh token.")
        if str(payload.get("sub")) != str(actor_uuid):
            raise ValidationError.for_field("refresh", "This refresh token is not yours.")
        user = User.objects.using(DB).filter(uuid=actor_uuid).first()
        with transaction.atomic(using=DB):
            self._blacklist(self._outstanding(payload, refresh, user))

    def revoke_all(self, *, user: User) -> int:
        """Blacklist every outstanding refresh token of ``user``."""
        outstanding = OutstandingToken.objects.using(DB).filter(
            user=user, blacklistedtoken__isnull=True
        )
        rows = [BlacklistedToken(token=token) for token in outstanding]
        BlacklistedToken.objects.using(DB).bulk_create(rows, ignore_conflicts=True)
        return len(rows)

    def jwks(self) -> dict[str, Any]:
        """The JWKS document other services verify access tokens with."""
        return jwks_document(api_settings.VERIFYING_KEY)

    def _issue(self, user: User) -> TokenPair:
        refresh = RefreshToken.for_user(user)
        return TokenPair(access=str(refresh.access_token), refresh=str(refresh))

    def _verified_refresh(self, raw: str, *, error: Exception) -> RefreshToken:
        try:
            return RefreshToken(raw)
        except (TokenError, TypeError):
            raise error from None

    def _outstanding(self, token: Any, raw: str, user: User | None) -> OutstandingToken:
        return record_outstanding(token, raw=raw, user=user)

    def _blacklist(self, outstanding: OutstandingToken) -> bool:
        """Insert the blacklist row; False when it was already there."""
        try:
            with transaction.atomic(using=DB):
                BlacklistedToken.objects.using(DB).create(token=outstanding)
        except IntegrityError:
            return False
        return True
