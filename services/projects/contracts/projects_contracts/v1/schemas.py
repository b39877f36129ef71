"""Contract models of the projects API, v1. Breaking changes need a v2.

Names ending in ``Request`` are what callers send; every other model is what the service answers.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

ProjectStatus = Literal["draft", "active", "completed", "archived"]


class ProjectCreateRequest(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    status: ProjectStatus = "draft"
    priority: Literal[1, 2, 3, 4] = 2
    start_date: date | None = None
    due_date: date | None = None


class ProjectUpdateRequest(BaseModel):
    """PUT (``name`` required there) and PATCH: omitted fields keep their values."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    status: ProjectStatus | None = None
    priority: Literal[1, 2, 3, 4] | None = None
    start_date: date | None = None
    due_date: date | None = None


class MemberAddRequest(BaseModel):
    email: str = Field(max_length=254)


class OwnerSummary(BaseModel):
    uuid: UUID
    display_name: str


class ProjectResponse(BaseModel):
    uuid: UUID
    name: str
    description: str
    status: ProjectStatus
    priority: int = Field(ge=1, le=4)
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
