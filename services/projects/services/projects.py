"""Writing projects: create, update and (softly) delete; only a project's owner changes it."""

import datetime as dt
from typing import Any, Final
from uuid import UUID

from django.db import transaction

from projects_contracts.v1.events import (
    ProjectCreated,
    ProjectData,
    ProjectDeleted,
    ProjectDeletedData,
    ProjectUpdated,
)
from services.projects.models import Project, ProjectPriority, ProjectStatus
from services.projects.models.project import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from services.projects.services import DB, publisher
from services.projects.services.reads import owned_project
from shared.core.utils.validators import clean_text
from shared.kit.errors import ValidationError


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


def create_project(
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
    _apply(
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
        project = owned_project(actor_uuid=actor_uuid, project_uuid=project_uuid, lock=True)
        _apply(
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


def delete_project(*, actor_uuid: UUID, project_uuid: UUID | str) -> None:
    """Soft-delete a project; only its owner may."""
    with transaction.atomic(using=DB):
        soft_delete(owned_project(actor_uuid=actor_uuid, project_uuid=project_uuid, lock=True))


def soft_delete(project: Project) -> None:
    """Mark ``project`` deleted and publish ``project.deleted``, in the caller's transaction."""
    project.delete(using=DB)
    publisher.publish(
        ProjectDeleted(
            aggregate_id=str(project.uuid),
            data=ProjectDeletedData(project_uuid=project.uuid, owner_uuid=project.owner_uuid),
        )
    )


def _apply(project: Project, **changes: Any) -> None:
    """Validate and set the given fields (UNSET ones keep their value), then check dates."""
    for field, value in changes.items():
        if value is not UNSET:
            setattr(project, field, _clean(field, value))
    if project.start_date and project.due_date and project.start_date > project.due_date:
        raise ValidationError.for_field(
            "due_date", "The due date must not be before the start date."
        )


def _clean(field: str, value: Any) -> Any:
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
        lowest, highest = min(ProjectPriority.values), max(ProjectPriority.values)
        raise ValidationError.for_field(
            "priority", f"Priority must be between {lowest} and {highest}."
        )
    return value


def _data(project: Project) -> ProjectData:
    return ProjectData(
        project_uuid=project.uuid,
        owner_uuid=project.owner_uuid,
        name=project.name,
        status=project.status,
    )
