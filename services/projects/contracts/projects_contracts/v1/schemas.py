"""Contract models of the projects API, v1. Breaking changes need a v2.

Names ending in ``Request`` are what callers send; every other model is what the service answers.

This module is the one place the projects API's shapes and limits are written: the service's
models size their columns from these constants, its views validate requests and render responses
with these models, and its OpenAPI document is generated from them.
"""

from datetime import date, datetime
from typing import Annotated, Any, Final, Literal, get_args
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from shared.kit.fields import EMAIL_MAX_LENGTH, EMAIL_PATTERN, NotNull

NAME_MAX_LENGTH: Final = 200
DESCRIPTION_MAX_LENGTH: Final = 10_000

ProjectStatus = Literal["draft", "active", "completed", "archived"]
ProjectPriority = Literal[1, 2, 3, 4]  # low, medium, high, critical
PRIORITY_MIN: Final[int] = min(get_args(ProjectPriority))
PRIORITY_MAX: Final[int] = max(get_args(ProjectPriority))
PRIORITY_VALUES: Final = ", ".join(map(str, get_args(ProjectPriority)))
DEFAULT_STATUS: Final[ProjectStatus] = "draft"
DEFAULT_PRIORITY: Final[ProjectPriority] = 2


def _not_a_boolean(value: Any) -> Any:
    # 1 == True in Python, so a Literal of ints would take JSON's true for 1.
    if isinstance(value, bool):
        raise PydanticCustomError(
            "literal_error", "Input should be one of {expected}", {"expected": PRIORITY_VALUES}
        )
    return value


# Surrounding whitespace is not part of a name; the limits apply to what is left.
ProjectName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH)
]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH)]
Priority = Annotated[ProjectPriority, BeforeValidator(_not_a_boolean)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=EMAIL_MAX_LENGTH, pattern=EMAIL_PATTERN
    ),
]


class ProjectCreateRequest(BaseModel):
    name: ProjectName
    description: Description = ""
    status: ProjectStatus = DEFAULT_STATUS
    priority: Priority = DEFAULT_PRIORITY
    start_date: date | None = None
    due_date: date | None = None


class ProjectUpdateRequest(BaseModel):
    """PATCH: omitted fields keep their values; only the dates may be set to null."""

    name: Annotated[ProjectName | None, NotNull] = None
    description: Annotated[Description | None, NotNull] = None
    status: Annotated[ProjectStatus | None, NotNull] = None
    priority: Annotated[Priority | None, NotNull] = None
    start_date: date | None = None
    due_date: date | None = None


class ProjectReplaceRequest(ProjectUpdateRequest):
    """PUT: as PATCH, but ``name`` is required; other omitted fields keep their values."""

    name: ProjectName


class ProjectListRequest(BaseModel):
    """The query of ``GET /api/projects/`` (pagination aside); an empty value is no filter."""

    status: ProjectStatus | None = None
    priority: int | None = Field(default=None, ge=PRIORITY_MIN, le=PRIORITY_MAX)
    search: str | None = None
    ordering: str | None = None


class MemberAddRequest(BaseModel):
    email: Email


class OwnerSummary(BaseModel):
    uuid: UUID
    display_name: str


class ProjectResponse(BaseModel):
    uuid: UUID
    name: str
    description: str
    status: ProjectStatus
    priority: int = Field(ge=PRIORITY_MIN, le=PRIORITY_MAX)
    start_date: date | None
    due_date: date | None
    is_overdue: bool
    owner_uuid: UUID
    created_at: datetime
    updated_at: datetime
    owner: OwnerSummary | None = Field(default=None, description="Only with ?expand=owner")


class ProjectListResponse(BaseModel):
    count: int = Field(ge=0)
    next: str | None
    previous: str | None
    results: list[ProjectResponse]


class MemberResponse(BaseModel):
    user_uuid: UUID
    display_name: str | None
    role: Literal["owner", "member"]
    added_at: datetime
