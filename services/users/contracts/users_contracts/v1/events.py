"""Integration events the users service publishes, v1."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from shared.kit.events import EventEnvelope

PRODUCER = "users"
USER_DELETED = "user.deleted"


class UserDeletedData(BaseModel):
    user_uuid: UUID


class UserDeleted(EventEnvelope[UserDeletedData]):
    type: Literal["user.deleted"] = USER_DELETED
    version: int = 1
    producer: str = PRODUCER
