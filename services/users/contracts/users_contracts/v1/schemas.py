"""Contract models of the users service, v1: every public and internal endpoint's shapes.

Names ending in ``Request`` are what callers send; every other model is what the service answers.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class UserSummary(BaseModel):
    """What another service may know of a user: identity and the name to show.

    Also the body of ``GET /api/users/{uuid}/`` and ``GET /internal/v1/users/by-email/``.
    """

    model_config = ConfigDict(frozen=True)

    uuid: UUID
    display_name: str = Field(min_length=1, max_length=100)


class RegisterRequest(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    display_name: str | None = Field(default=None, min_length=1, max_length=100)


class UserResponse(BaseModel):
    """``POST /api/auth/register/`` and ``/api/users/me/``."""

    uuid: UUID
    email: str
    display_name: str
    date_joined: datetime


class ProfileUpdateRequest(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)


class TokenRequest(BaseModel):
    email: str
    password: str


class RefreshRequest(BaseModel):
    """``POST /api/auth/token/refresh/`` and ``POST /api/auth/logout/``."""

    refresh: str


class TokenPairResponse(BaseModel):
    access: str
    refresh: str


class JsonWebKey(BaseModel):
    kty: Literal["RSA"]
    kid: str
    use: Literal["sig"]
    alg: Literal["RS256"]
    n: str
    e: str


class JwksResponse(BaseModel):
    keys: list[JsonWebKey]


class InternalUser(BaseModel):
    uuid: UUID
    display_name: str
    is_active: bool


class InternalUserListResponse(BaseModel):
    """``GET /internal/v1/users/?uuid=...``: unknown uuids are left out."""

    results: list[InternalUser]
