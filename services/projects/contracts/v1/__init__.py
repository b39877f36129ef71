"""Version 1 of the projects contract."""

from services.projects.contracts.v1.schemas import (
    MemberResponse,
    ProjectCreateRequest,
    ProjectResponse,
)

__all__ = ["MemberResponse", "ProjectCreateRequest", "ProjectResponse"]
