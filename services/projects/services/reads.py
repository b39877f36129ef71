"""Reading projects: who sees which, the list and one project, the owner checks, owners' names.

The API's reads (a page of the list, one project) return rows (dicts of ``PROJECT_COLUMNS``)
through prepared queries: the ORM defines each query once, compiled once per shape
(shared.core.db.prepared). Writes and their checks get model instances.
"""

from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OrderBy, OuterRef, Q, QuerySet

from services.projects.models import Project, ProjectMembership
from services.projects.services import DB
from shared.core.clients import clients
from shared.core.db.ordering import ordered
from shared.core.db.prepared import PreparedQuery
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


# What the API renders of a project (projects_contracts.v1.ProjectResponse, but is_overdue).
PROJECT_COLUMNS: Final = (
    "uuid",
    "name",
    "description",
    "status",
    "priority",
    "start_date",
    "due_date",
    "owner_uuid",
    "created_at",
    "updated_at",
)
Row = dict[str, Any]


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


class ProjectRows:
    """The list as a paginator pages through it: ``count()`` and a slice, each one query.

    Without ``search`` both are prepared queries; a search (a ``contains`` lookup) takes the ORM.
    """

    def __init__(
        self,
        *,
        actor_uuid: UUID,
        status: str | None = None,
        priority: int | None = None,
        search: str | None = None,
        ordering: str | None = None,
    ):
        self._filters = {"status": status, "priority": priority, "search": search}
        self._ordering = _known_ordering(ordering)  # so a made-up one is no shape of its own
        self._values: dict[str, Any] = {"actor_uuid": actor_uuid}
        self._values.update(
            (k, v) for k, v in (("status", status), ("priority", priority)) if v is not None
        )

    def count(self) -> int:
        if self._filters["search"]:
            return self._queryset().count()
        return _PROJECT_ROWS.count(using=DB, shape=self._shape(None), **self._values)

    def __getitem__(self, window: slice) -> list[Row]:
        if self._filters["search"]:
            return list(self._queryset()[window])
        bounds = (window.start or 0, window.stop)
        return _PROJECT_ROWS.rows(using=DB, shape=self._shape(bounds), **self._values)

    def _queryset(self) -> QuerySet:
        filters = {k: v for k, v in self._filters.items() if v is not None}
        actor_uuid = self._values["actor_uuid"]
        projects = list_projects(actor_uuid=actor_uuid, ordering=self._ordering, **filters)
        return projects.values(*PROJECT_COLUMNS)

    def _shape(self, bounds: tuple[int, int | None] | None) -> tuple:
        return (self._ordering, *sorted(self._values), bounds)


def _project_rows(shape: tuple, **values: Any) -> QuerySet:
    ordering, *_, bounds = shape
    rows = list_projects(ordering=ordering, **values).values(*PROJECT_COLUMNS)
    return rows if bounds is None else rows[bounds[0] : bounds[1]]


_PROJECT_ROWS = PreparedQuery(
    _project_rows,
    bind={
        "actor_uuid": Project._meta.get_field("owner_uuid"),
        "status": Project._meta.get_field("status"),
        "priority": Project._meta.get_field("priority"),
    },
)


def project_row(*, actor_uuid: UUID, project_uuid: UUID | str) -> Row:
    """The row of a project the actor may see; anything else (a malformed uuid too) NotFound."""
    try:
        rows = _PROJECT_ROW.rows(using=DB, actor_uuid=actor_uuid, project_uuid=project_uuid)
    except DjangoValidationError:  # not a uuid
        rows = []
    if not rows:
        raise NotFoundError("Project not found.")
    return rows[0]


_PROJECT_ROW = PreparedQuery(
    lambda shape, *, actor_uuid, project_uuid: (
        visible_projects(actor_uuid=actor_uuid).filter(uuid=project_uuid).values(*PROJECT_COLUMNS)
    ),
    bind={
        "actor_uuid": Project._meta.get_field("owner_uuid"),
        "project_uuid": Project._meta.get_field("uuid"),
    },
)


def row_of(project: Project) -> Row:
    """A project, as a write returns it, as the row a read returns."""
    return {column: getattr(project, column) for column in PROJECT_COLUMNS}


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


def owners_of(*, projects: list[Row]) -> OwnerLookup:
    """Owners' summaries in one users call; degraded (empty) when users is unavailable."""
    owner_uuids = {project["owner_uuid"] for project in projects}
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


def _known_ordering(ordering: str | None) -> str:
    if not ordering or ordering.removeprefix("-") not in ORDERING_FIELDS:
        return DEFAULT_ORDERING  # unknown values are ignored, "--name" among them
    return ordering


def _order_by(ordering: str | None) -> list[OrderBy]:
    ordering = _known_ordering(ordering)
    field, is_text = ORDERING_FIELDS[ordering.removeprefix("-")]
    primary = ordered(field, descending=ordering.startswith("-"), text=is_text, using=DB)
    return [primary, ordered("id", using=DB)]
