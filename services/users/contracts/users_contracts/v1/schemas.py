"""Contract models of the users service, v1: every public and internal endpoint's shapes.

Names ending in ``Request`` are what callers send; every other model is what the service answers.

This module is the one place the users API's shapes and limits are written: the account model
sizes its columns from these constants, the views validate requests and render responses with
these models, and the OpenAPI document is generated from them.
"""

from datetime import datetime
from typing import Annotated, Final, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.kit.fields import EMAIL_MAX_LENGTH, EMAIL_PATTERN, NotNull

DISPLAY_NAME_MAX_LENGTH: Final = 100
PASSWORD_MAX_LENGTH: Final = 128
MAX_BATCH: Final = 100  # uuids per call of the internal batch endpoint

# Surrounding whitespace is not part of a display name or an address; limits apply to the rest.
DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH)
]
# An address to look up: anything that is not one is simply not found.
EmailText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=EMAIL_MAX_LENGTH)
]
# An address to register: of an address's shape (the service checks the rest).
Email = Annotated[EmailText, StringConstraints(pattern=EMAIL_PATTERN)]
# Passwords are taken as typed, whitespace included.
Password = Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)]


class UserSummary(BaseModel):
    """What another service may know of a user: identity and the name to show.

    Also the body of ``GET /api/users/{uuid}/`` and ``GET /internal/v1/users/by-email/``.
    """

    model_config = ConfigDict(frozen=True)

    uuid: UUID
    display_name: str = Field(min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH)


class RegisterRequest(BaseModel):
    """``display_name`` defaults to the address's local part."""

    email: Email
    password: Password
    display_name: Annotated[DisplayName | None, NotNull] = None


class UserResponse(BaseModel):
    """``POST /api/auth/register/`` and ``/api/users/me/``."""

    uuid: UUID
    email: str
    display_name: str
    date_joined: datetime


class ProfileUpdateRequest(BaseModel):
    """An omitted field keeps its value."""

    display_name: Annotated[DisplayName | None, NotNull] = None


class TokenRequest(BaseModel):
    email: EmailText
    password: Password


class RefreshRequest(BaseModel):
    """``POST /api/auth/token/refresh/`` and ``POST /api/auth/logout/``."""

    refresh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


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


class InternalUserListRequest(BaseModel):
    """The query of ``GET /internal/v1/users/``: ``?uuid=...&uuid=...``."""

    uuid: list[UUID] = Field(min_length=1, max_length=MAX_BATCH)


class InternalUserByEmailRequest(BaseModel):
    """The query of ``GET /internal/v1/users/by-email/``; an address that is none is not found."""

    email: EmailText


class InternalUserListResponse(BaseModel):
    """``GET /internal/v1/users/?uuid=...``: unknown uuids are left out."""

    results: list[InternalUser]
