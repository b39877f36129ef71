"""Contract models of the projects API, v1. Breaking changes need a v2."""

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


class MemberResponse(BaseModel):
    user_uuid: UUID
    display_name: str | None
    role: Literal["owner", "member"]
    added_at: datetime
