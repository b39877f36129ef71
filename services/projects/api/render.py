"""The projects API's response bodies, rendered with the contract's response models.

A list page renders up to 100 projects per request and is the hot path: the page goes through
one TypeAdapter (validation and serialisation in pydantic-core); the only per-project Python is
the model's ``is_overdue`` and setting ``owner`` (below).
"""

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from projects_contracts.v1.schemas import MemberResponse, ProjectResponse
from services.projects.models import Project
from shared.core.utils.contract_models import Renderer
from users_contracts.v1 import UserSummary

PROJECTS = Renderer(ProjectResponse)
MEMBERS = Renderer(MemberResponse)


# ``owner`` is only in the JSON with ?expand=owner. It is set on the rows (this request's own) even
# when it is not wanted: reading an attribute a row lacks costs an AttributeError per project,
# about as much as rendering the rest of it.
NOT_EXPANDED = {"owner"}


def projects_json(
    projects: Iterable[Project], *, owners: Mapping[UUID, UserSummary] | None = None
) -> list[dict[str, Any]]:
    """Projects' JSON; with ``owners`` (expand=owner) each gains ``owner`` (null if unknown)."""
    rows = list(projects)
    for row in rows:
        row.owner = owners.get(row.owner_uuid) if owners is not None else None  # type: ignore[attr-defined]
    return PROJECTS.render_many(rows, exclude=NOT_EXPANDED if owners is None else None)


def project_json(
    project: Project, *, owners: Mapping[UUID, UserSummary] | None = None
) -> dict[str, Any]:
    project.owner = owners.get(project.owner_uuid) if owners is not None else None  # type: ignore[attr-defined]
    return PROJECTS.render(project, exclude=NOT_EXPANDED if owners is None else None)


def members_json(members: Iterable[Any]) -> list[dict[str, Any]]:
    return MEMBERS.render_many(members)


def member_json(member: Any) -> dict[str, Any]:
    return MEMBERS.render(member)
