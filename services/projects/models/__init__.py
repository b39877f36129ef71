"""Models of the projects service."""

from services.projects.models.deleted_subject import DeletedSubject
from services.projects.models.events import InboxEvent, OutboxEvent
from services.projects.models.idempotency import IdempotentRequest
from services.projects.models.membership import ProjectMembership
from services.projects.models.project import Project, ProjectPriority, ProjectStatus

__all__ = [
    "DeletedSubject",
    "IdempotentRequest",
    "InboxEvent",
    "OutboxEvent",
    "Project",
    "ProjectMembership",
    "ProjectPriority",
    "ProjectStatus",
]
