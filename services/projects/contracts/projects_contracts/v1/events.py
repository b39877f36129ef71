"""Integration events the projects service publishes, v1."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from shared.kit.events import EventEnvelope

PRODUCER = "projects"


class ProjectData(BaseModel):
    project_uuid: UUID
    owner_uuid: UUID
    name: str
    status: str


class ProjectDeletedData(BaseModel):
    project_uuid: UUID
    owner_uuid: UUID


class MembershipData(BaseModel):
    project_uuid: UUID
    user_uuid: UUID


class ProjectCreated(EventEnvelope[ProjectData]):
    type: Literal["project.created"] = "project.created"
    version: int = 1
    producer: str = PRODUCER


class ProjectUpdated(EventEnvelope[ProjectData]):
    type: Literal["project.updated"] = "project.updated"
    version: int = 1
    producer: str = PRODUCER


class ProjectDeleted(EventEnvelope[ProjectDeletedData]):
    type: Literal["project.deleted"] = "project.deleted"
    version: int = 1
    producer: str = PRODUCER


class ProjectMemberAdded(EventEnvelope[MembershipData]):
    type: Literal["project.member_added"] = "project.member_added"
    version: int = 1
    producer: str = PRODUCER


class ProjectMemberRemoved(EventEnvelope[MembershipData]):
    type: Literal["project.member_removed"] = "project.member_removed"
    version: int = 1
    producer: str = PRODUCER
