"""Projects and their members: every write and every rule of the projects service."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Exists, OrderBy, OuterRef, Q, QuerySet

from projects_contracts.v1.events import (
    MembershipData,
    ProjectCreated,
    ProjectData,
    ProjectDeleted,
    ProjectDeletedData,
    ProjectMemberAdded,
    ProjectMemberRemoved,
    ProjectUpdated,
)
from services.projects.models import (
    DeletedSubject,
    OutboxEvent,
    Project,
    ProjectMembership,
    ProjectPriority,
    ProjectStatus,
)
from services.projects.models.membership import MemberRole
from services.projects.models.project import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from shared.core.clients import clients
from shared.core.db.ordering import ordered
from shared.core.events.publisher import Publisher
from shared.core.services import BaseService
from shared.core.utils.validators import clean_text, parse_uuid
from shared.kit.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)
from users_contracts.v1 import UsersClient, UserSummary

DB: Final = "projects"
publisher: Final = Publisher(outbox=OutboxEvent, using=DB)
OWNER_ROLE: Final = "owner"
DEFAULT_ORDERING: Final = "-created_at"
# Public ordering key -> (field, is text). Ties are always broken by creation order.
ORDERING_FIELDS: Final = {
    "created_at": ("created_at", False),
    "due_date": ("due_date", False),
    "priority": ("priority", False),
    "name": ("name", True),
}


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


@dataclass(frozen=True)
class MemberEntry:
    user_uuid: UUID
    display_name: str | None
    role: str
    added_at: dt.datetime


@dataclass(frozen=True)
class MemberList:
    members: list[MemberEntry]
    degraded: bool  # True when display names could not be fetched from users


@dataclass(frozen=True)
class OwnerLookup:
    owners: dict[UUID, UserSummary]
    degraded: bool


class ProjectService(BaseService[Project]):
    model = Project
    not_found_message = "Project not found."

    def __init__(self, *, users_client: UsersClient | None = None):
        self._users_client = users_client

    @property
    def users(self) -> UsersClient:
        return self._users_client or clients.get("users", UsersClient)

    # --- reading --------------------------------------------------------------------------------

    def get_queryset(self) -> QuerySet[Project]:
        return Project.objects.using(DB).all()

    def visible_projects(self, *, actor_uuid: UUID) -> QuerySet[Project]:
        """Live projects the actor owns or is a member of."""
        is_member = ProjectMembership.objects.using(DB).filter(
            project=OuterRef("pk"), user_uuid=actor_uuid
        )
        return self.get_queryset().filter(Q(owner_uuid=actor_uuid) | Q(Exists(is_member)))

    def list_projects(
        self,
        *,
        actor_uuid: UUID,
        status: str | None = None,
        priority: int | None = None,
        search: str | None = None,
        ordering: str | None = None,
    ) -> QuerySet[Project]:
        """The actor's projects, filtered and in an order that is the same on every database."""
        projects = self.visible_projects(actor_uuid=actor_uuid)
        if status is not None:
            projects = projects.filter(status=status)
        if priority is not None:
            projects = projects.filter(priority=priority)
        if search:
            projects = projects.filter(search_text__contains=search.casefold())
        return projects.order_by(*self._ordering(ordering))

    def get_project(self, *, actor_uuid: UUID, project_uuid: UUID | str) -> Project:
        """A project the actor may see; anything else (even a malformed uuid) is NotFoundError."""
        return self.get_by_uuid(project_uuid, self.visible_projects(actor_uuid=actor_uuid))

    def owners_of(self, *, projects: list[Project]) -> OwnerLookup:
        """Owners' summaries in one users call; degraded (empty) when users is unavailable."""
        owner_uuids = {project.owner_uuid for project in projects}
        if not owner_uuids:
            return OwnerLookup(owners={}, degraded=False)
        try:
            return OwnerLookup(owners=self.users.get_users(owner_uuids), degraded=False)
        except ServiceUnavailableError:
            return OwnerLookup(owners={}, degraded=True)

    # --- writing --------------------------------------------------------------------------------

    def create_project(
        self,
        *,
        actor_uuid: UUID,
        name: str,
        description: str = "",
        status: str = ProjectStatus.DRAFT,
        priority: int = ProjectPriority.MEDIUM,
        start_date: dt.date | None = None,
        due_date: dt.date | None = None,
    ) -> Project:
        """Create a project owned by the actor; start date may not be after the due date."""
        project = Project(owner_uuid=actor_uuid)
        self._apply(
            project,
            name=name,
            description=description,
            status=status,
            priority=priority,
            start_date=start_date,
            due_date=due_date,
        )
        with transaction.atomic(using=DB):
            project.save(using=DB)
            publisher.publish(ProjectCreated(aggregate_id=str(project.uuid), data=_data(project)))
        return project

    def update_project(
        self,
        *,
        actor_uuid: UUID,
        project_uuid: UUID | str,
        name: Any = UNSET,
        description: Any = UNSET,
        status: Any = UNSET,
        priority: Any = UNSET,
        start_date: Any = UNSET,
        due_date: Any = UNSET,
    ) -> Project:
        """Change a project; only its owner may. Date rules apply to the merged result."""
        with transaction.atomic(using=DB):
            project = self._owned_project(
                actor_uuid=actor_uuid, project_uuid=project_uuid, lock=True
            )
            self._apply(
                project,
                name=name,
                description=description,
                status=status,
                priority=priority,
                start_date=start_date,
                due_date=due_date,
            )
            project.save(using=DB)
            publisher.publish(ProjectUpdated(aggregate_id=str(project.uuid), data=_data(project)))
        return project

    def delete_project(self, *, actor_uuid: UUID, project_uuid: UUID | str) -> None:
        """Soft-delete a project; only its owner may."""
        with transaction.atomic(using=DB):
            project = self._owned_project(
                actor_uuid=actor_uuid, project_uuid=project_uuid, lock=True
            )
            self._delete(project)

    def ensure_owner(self, *, actor_uuid: UUID, project_uuid: UUID | str) -> None:
        """NotFoundError unless the actor sees the project, PermissionDeniedError unless it owns it.

        Views call it before validating a write's body, so strangers get 404 whatever they send.
        """
        self._owned_project(actor_uuid=actor_uuid, project_uuid=project_uuid)

    # --- members --------------------------------------------------------------------------------

    def list_members(self, *, actor_uuid: UUID, project_uuid: UUID | str) -> MemberList:
        """The owner first, then members by the time they were added, with display names."""
        project = self.get_project(actor_uuid=actor_uuid, project_uuid=project_uuid)
        memberships = list(project.memberships.using(DB).order_by("added_at", "id"))
        uuids = [project.owner_uuid, *(membership.user_uuid for membership in memberships)]
        try:
            names: dict[UUID, str | None] = {
                uuid: summary.display_name for uuid, summary in self.users.get_users(uuids).items()
            }
            degraded = False
        except ServiceUnavailableError:
            names, degraded = {}, True
        owner = MemberEntry(
            user_uuid=project.owner_uuid,
            display_name=names.get(project.owner_uuid),
            role=OWNER_ROLE,
            added_at=project.created_at,
        )
        members = [
            MemberEntry(
                user_uuid=membership.user_uuid,
                display_name=names.get(membership.user_uuid),
                role=membership.role,
                added_at=membership.added_at,
            )
            for membership in memberships
        ]
        return MemberList(members=[owner, *members], degraded=degraded)

    def add_member(self, *, actor_uuid: UUID, project_uuid: UUID | str, email: str) -> MemberEntry:
        """Add the user with this email as a member; only the owner may."""
        project = self._owned_project(actor_uuid=actor_uuid, project_uuid=project_uuid)
        try:
            user = self.users.find_by_email(email)
        except NotFoundError:
            raise ValidationError.for_field("email", "No active user has this email.") from None
        if user.uuid == project.owner_uuid:
            raise ValidationError.for_field("email", "The owner cannot be added as a member.")
        try:
            with transaction.atomic(using=DB):
                membership = ProjectMembership.objects.using(DB).create(
                    project=project, user_uuid=user.uuid, role=MemberRole.MEMBER
                )
                publisher.publish(
                    ProjectMemberAdded(
                        aggregate_id=str(project.uuid),
                        data=MembershipData(project_uuid=project.uuid, user_uuid=user.uuid),
                    )
                )
        except IntegrityError:
            raise ConflictError("This user is already a member of the project.") from None
        return MemberEntry(
            user_uuid=user.uuid,
            display_name=user.display_name,
            role=membership.role,
            added_at=membership.added_at,
        )

    def remove_member(
        self, *, actor_uuid: UUID, project_uuid: UUID | str, user_uuid: UUID | str
    ) -> None:
        """The owner removes anyone; a member may only remove itself. The owner is not a member."""
        project = self.get_project(actor_uuid=actor_uuid, project_uuid=project_uuid)
        try:
            member_uuid = parse_uuid(user_uuid, field="user_uuid")
        except ValidationError:
            raise NotFoundError("Member not found.") from None
        if project.owner_uuid != actor_uuid and member_uuid != actor_uuid:
            raise PermissionDeniedError("Only the owner can remove other members.")
        if member_uuid == project.owner_uuid:
            raise ValidationError.for_field("user_uuid", "The owner cannot be removed.")
        with transaction.atomic(using=DB):
            deleted, _ = (
                ProjectMembership.objects.using(DB)
                .filter(project=project, user_uuid=member_uuid)
                .delete()
            )
            if not deleted:
                raise NotFoundError("Member not found.")
            self._member_removed(project_uuid=project.uuid, user_uuid=member_uuid)

    # --- accounts deleted in users --------------------------------------------------------------

    def forget_user(self, *, user_uuid: UUID) -> None:
        """``user.deleted``: refuse its tokens, delete its projects, remove its memberships.

        One transaction, with a ``project.deleted`` or ``project.member_removed`` event for each
        change. Running it again changes nothing more (the consumer's inbox makes sure it does
        not run twice for one event anyway).
        """
        with transaction.atomic(using=DB):
            # One INSERT that tolerates a repeat (no read first, no savepoint): this is the hot
            # path of the consumer when many accounts are deleted at once.
            DeletedSubject.objects.using(DB).bulk_create(
                [DeletedSubject(user_uuid=user_uuid)], ignore_conflicts=True
            )
            owned = Project.objects.using(DB).filter(owner_uuid=user_uuid).order_by("id")
            for project in owned.select_for_update():
                self._delete(project)
            memberships = (
                ProjectMembership.objects.using(DB)
                .filter(user_uuid=user_uuid)
                .select_related("project")
                .order_by("id")
            )
            for membership in memberships.select_for_update(of=("self",)):
                membership.delete(using=DB)
                self._member_removed(project_uuid=membership.project.uuid, user_uuid=user_uuid)

    def is_deleted_subject(self, *, user_uuid: UUID) -> bool:
        """Whether users said this account is deleted (its unexpired tokens are refused)."""
        return DeletedSubject.objects.using(DB).filter(user_uuid=user_uuid).exists()

    # --- helpers --------------------------------------------------------------------------------

    def _delete(self, project: Project) -> None:
        project.delete(using=DB)
        publisher.publish(
            ProjectDeleted(
                aggregate_id=str(project.uuid),
                data=ProjectDeletedData(project_uuid=project.uuid, owner_uuid=project.owner_uuid),
            )
        )

    def _member_removed(self, *, project_uuid: UUID, user_uuid: UUID) -> None:
        publisher.publish(
            ProjectMemberRemoved(
                aggregate_id=str(project_uuid),
                data=MembershipData(project_uuid=project_uuid, user_uuid=user_uuid),
            )
        )

    def _owned_project(
        self, *, actor_uuid: UUID, project_uuid: UUID | str, lock: bool = False
    ) -> Project:
        visible = self.visible_projects(actor_uuid=actor_uuid)
        if lock:
            visible = visible.select_for_update(of=("self",))
        project = self.get_by_uuid(project_uuid, visible)
        if project.owner_uuid != actor_uuid:
            raise PermissionDeniedError("Only the owner can change this project.")
        return project

    def _apply(self, project: Project, **changes: Any) -> None:
        """Validate and set the given fields (UNSET ones keep their value), then check dates."""
        for field, value in changes.items():
            if value is not UNSET:
                setattr(project, field, self._clean(field, value))
        if project.start_date and project.due_date and project.start_date > project.due_date:
            raise ValidationError.for_field(
                "due_date", "The due date must not be before the start date."
            )

    def _clean(self, field: str, value: Any) -> Any:
        if field == "name":
            return clean_text(value, field="name", min_length=1, max_length=NAME_MAX_LENGTH)
        if field == "description":
            if not isinstance(value, str) or len(value) > DESCRIPTION_MAX_LENGTH:
                raise ValidationError.for_field(
                    "description", f"Must be text of at most {DESCRIPTION_MAX_LENGTH} characters."
                )
            return value
        if field == "status" and value not in ProjectStatus.values:
            raise ValidationError.for_field("status", f"{value!r} is not a valid status.")
        if field == "priority" and value not in ProjectPriority.values:
            raise ValidationError.for_field("priority", "Priority must be between 1 and 4.")
        return value

    def _ordering(self, ordering: str | None) -> list[OrderBy]:
        if not ordering or ordering.removeprefix("-") not in ORDERING_FIELDS:
            ordering = DEFAULT_ORDERING  # unknown values are ignored, "--name" among them
        field, is_text = ORDERING_FIELDS[ordering.removeprefix("-")]
        primary = ordered(field, descending=ordering.startswith("-"), text=is_text, using=DB)
        return [primary, ordered("id", using=DB)]


def _data(project: Project) -> ProjectData:
    return ProjectData(
        project_uuid=project.uuid,
        owner_uuid=project.owner_uuid,
        name=project.name,
        status=project.status,
    )
