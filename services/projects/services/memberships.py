"""A project's members: the list (the owner first), adding one by email, removing one."""

import datetime as dt
from dataclasses import dataclass
from typing import Final
from uuid import UUID

from django.db import IntegrityError, transaction

from projects_contracts.v1.events import MembershipData, ProjectMemberAdded, ProjectMemberRemoved
from services.projects.models import ProjectMembership
from services.projects.models.membership import MemberRole
from services.projects.services import DB, publisher
from services.projects.services.reads import get_project, owned_project
from shared.core.clients import clients
from shared.core.utils.validators import parse_uuid
from shared.kit.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)
from users_contracts.v1 import UsersClient

OWNER_ROLE: Final = "owner"


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


def list_members(*, actor_uuid: UUID, project_uuid: UUID | str) -> MemberList:
    """The owner first, then members by the time they were added, with display names."""
    project = get_project(actor_uuid=actor_uuid, project_uuid=project_uuid)
    memberships = list(project.memberships.using(DB).order_by("added_at", "id"))
    uuids = [project.owner_uuid, *(membership.user_uuid for membership in memberships)]
    try:
        names: dict[UUID, str | None] = {
            uuid: summary.display_name
            for uuid, summary in clients.get("users", UsersClient).get_users(uuids).items()
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


def add_member(*, actor_uuid: UUID, project_uuid: UUID | str, email: str) -> MemberEntry:
    """Add the user with this email as a member; only the owner may."""
    project = owned_project(actor_uuid=actor_uuid, project_uuid=project_uuid)
    try:
        user = clients.get("users", UsersClient).find_by_email(email)
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


def remove_member(*, actor_uuid: UUID, project_uuid: UUID | str, user_uuid: UUID | str) -> None:
    """The owner removes anyone; a member may only remove itself. The owner is not a member."""
    project = get_project(actor_uuid=actor_uuid, project_uuid=project_uuid)
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
        publish_member_removed(project_uuid=project.uuid, user_uuid=member_uuid)


def publish_member_removed(*, project_uuid: UUID, user_uuid: UUID) -> None:
    """Publish ``project.member_removed``, in the caller's transaction."""
    publisher.publish(
        ProjectMemberRemoved(
            aggregate_id=str(project_uuid),
            data=MembershipData(project_uuid=project_uuid, user_uuid=user_uuid),
        )
    )
