"""Reading projects: who sees which, the list and one project, the owner checks, owners' names."""

from dataclasses import dataclass
from typing import Final
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OrderBy, OuterRef, Q, QuerySet

from services.projects.models import Project, ProjectMembership
from services.projects.services import DB
from shared.core.clients import clients
from shared.core.db.ordering import ordered
from shared.kit.errors import NotFoundError, PermissionDeniedError, ServiceUnavailableError
from users_contracts.v1 import UsersClient, UserSummary

DEFAULT_ORDERING: Final = "-created_at"
# Public ordering key -> (field, is text). Ties are always broken by creation order.
ORDERING_FIELDS: Final = {
    "created_at": ("created_at", False),
    "due_date": ("due_date", False),
    "priority": ("priority", False),
    "name": ("name", True),
}


@dataclass(frozen=True)
class OwnerLookup:
    owners: dict[UUID, UserSummary]
    degraded: bool


def visible_projects(*, actor_uuid: UUID) -> QuerySet[Project]:
    """Live projects the actor owns or is a member of."""
    is_member = ProjectMembership.objects.using(DB).filter(
        project=OuterRef("pk"), user_uuid=actor_uuid
    )
    return Project.objects.using(DB).filter(Q(owner_uuid=actor_uuid) | Q(Exists(is_member)))


def list_projects(
    *,
    actor_uuid: UUID,
    status: str | None = None,
    priority: int | None = None,
    search: str | None = None,
    ordering: str | None = None,
) -> QuerySet[Project]:
    """The actor's projects, filtered and in an order that is the same on every database."""
    projects = visible_projects(actor_uuid=actor_uuid)
    if status is not None:
        projects = projects.filter(status=status)
    if priority is not None:
        projects = projects.filter(priority=priority)
    if search:
        projects = projects.filter(search_text__contains=search.casefold())
    return projects.order_by(*_order_by(ordering))


def get_project(*, actor_uuid: UUID, project_uuid: UUID | str) -> Project:
    """A project the actor may see; anything else (even a malformed uuid) is NotFoundError."""
    return _one(visible_projects(actor_uuid=actor_uuid), project_uuid)


def owned_project(*, actor_uuid: UUID, project_uuid: UUID | str, lock: bool = False) -> Project:
    """A project the actor owns: NotFoundError unless it sees it, PermissionDeniedError if not its.

    ``lock`` selects it for update, inside the caller's transaction.
    """
    visible = visible_projects(actor_uuid=actor_uuid)
    if lock:
        visible = visible.select_for_update(of=("self",))
    project = _one(visible, project_uuid)
    if project.owner_uuid != actor_uuid:
        raise PermissionDeniedError("Only the owner can change this project.")
    return project


def ensure_owner(*, actor_uuid: UUID, project_uuid: UUID | str) -> None:
    """NotFoundError unless the actor sees the project, PermissionDeniedError unless it owns it.

    Views call it before validating a write's body, so strangers get 404 whatever they send.
    """
    owned_project(actor_uuid=actor_uuid, project_uuid=project_uuid)


def owners_of(*, projects: list[Project]) -> OwnerLookup:
    """Owners' summaries in one users call; degraded (empty) when users is unavailable."""
    owner_uuids = {project.owner_uuid for project in projects}
    if not owner_uuids:
        return OwnerLookup(owners={}, degraded=False)
    try:
        owners = clients.get("users", UsersClient).get_users(owner_uuids)
    except ServiceUnavailableError:
        return OwnerLookup(owners={}, degraded=True)
    return OwnerLookup(owners=owners, degraded=False)


def _one(projects: QuerySet[Project], project_uuid: UUID | str) -> Project:
    try:
        return projects.get(uuid=project_uuid)
    except (Project.DoesNotExist, DjangoValidationError, ValueError):
        raise NotFoundError("Project not found.") from None


def _order_by(ordering: str | None) -> list[OrderBy]:
    if not ordering or ordering.removeprefix("-") not in ORDERING_FIELDS:
        ordering = DEFAULT_ORDERING  # unknown values are ignored, "--name" among them
    field, is_text = ORDERING_FIELDS[ordering.removeprefix("-")]
    primary = ordered(field, descending=ordering.startswith("-"), text=is_text, using=DB)
    return [primary, ordered("id", using=DB)]
