"""Version 1 of the projects contract."""

from projects_contracts.v1.schemas import (
    MemberAddRequest,
    MemberResponse,
    ProjectCreateRequest,
    ProjectListRequest,
    ProjectListResponse,
    ProjectReplaceRequest,
    ProjectResponse,
    ProjectUpdateRequest,
)

__all__ = [
    "MemberAddRequest",
    "MemberResponse",
    "ProjectCreateRequest",
    "ProjectListRequest",
    "ProjectListResponse",
    "ProjectReplaceRequest",
    "ProjectResponse",
    "ProjectUpdateRequest",
]
