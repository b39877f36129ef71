"""The envelope every integration event travels in; each contract defines its ``data`` models."""

from datetime import UTC, datetime
from typing import Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

DataT = TypeVar("DataT", bound=BaseModel)


class EventEnvelope(BaseModel, Generic[DataT]):
    """``type`` names the event (``user.deleted``); ``version`` is its schema's major version."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID = Field(default_factory=uuid4)
    type: str
    version: int = Field(ge=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    data: DataT
