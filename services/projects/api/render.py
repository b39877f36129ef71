"""The projects API's response bodies, rendered with the contract's response models.

A list page renders up to 100 projects per request and is the hot path: the page's rows go
through one TypeAdapter (validation and serialisation in pydantic-core); the only per-project
Python is ``is_overdue`` and, with expand=owner, setting ``owner``.
"""

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from projects_contracts.v1.schemas import MemberResponse, ProjectResponse
from services.projects.models.project import project_is_overdue
from services.projects.services.reads import Row
from shared.core.utils.contract_models import Renderer
from shared.core.utils.renderers import RenderedJSON
from users_contracts.v1 import UserSummary

PROJECTS = Renderer(ProjectResponse)
MEMBERS = Renderer(MemberResponse)


# ``owner`` is only in the JSON with ?expand=owner.
NOT_EXPANDED = {"owner"}


def projects_page(
    rows: Iterable[Row],
    *,
    count: int,
    next: str | None,
    previous: str | None,
    owners: Mapping[UUID, UserSummary] | None = None,
) -> RenderedJSON:
    """A page of the list; with ``owners`` (expand=owner) each gains ``owner`` (null if unknown)."""
    return PROJECTS.render_page(
        _completed(rows, owners),
        count=count,
        next=next,
        previous=previous,
        exclude=NOT_EXPANDED if owners is None else None,
    )


def projects_json(
    rows: Iterable[Row], *, owners: Mapping[UUID, UserSummary] | None = None
) -> list[dict[str, Any]]:
    """Project rows' JSON; with ``owners`` (expand=owner) each gains ``owner`` (null if unknown)."""
    exclude = NOT_EXPANDED if owners is None else None
    return PROJECTS.render_many(_completed(rows, owners), exclude=exclude)


def _completed(rows: Iterable[Row], owners: Mapping[UUID, UserSummary] | None) -> list[Row]:
    """The rows with what the response adds to the columns: ``is_overdue``, ``owner``."""
    rows = list(rows)
    for row in rows:
        row["is_overdue"] = project_is_overdue(row["due_date"], row["status"])
        if owners is not None:
            row["owner"] = owners.get(row["owner_uuid"])
    return rows


def project_json(row: Row, *, owners: Mapping[UUID, UserSummary] | None = None) -> dict[str, Any]:
    return projects_json([row], owners=owners)[0]


def members_json(members: Iterable[Any]) -> list[dict[str, Any]]:
    return MEMBERS.render_many(members)


def member_json(member: Any) -> dict[str, Any]:
    return MEMBERS.render(member)
