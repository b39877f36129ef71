"""The envelope every integration event travels in; each contract defines its ``data`` models."""

from datetime import UTC, datetime
from typing import Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

DataT = TypeVar("DataT", bound=BaseModel)


class EventEnvelope(BaseModel, Generic[DataT]):
    """``type`` names the event (``user.deleted``); ``version`` is its schema's major version.

    ``aggregate_id`` is the uuid of the thing the event is about (the user, the project);
    ``request_id`` the id of the request that caused it (filled in by the publisher), so logs can
    be followed from that request to every consumer; ``traceparent`` a W3C trace context, if any.
    """

    model_config = ConfigDict(frozen=True)

    event_id: UUID = Field(default_factory=uuid4)
    type: str
    version: int = Field(ge=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    aggregate_id: str = Field(min_length=1, max_length=100)
    request_id: str | None = Field(default=None, max_length=64)
    traceparent: str | None = Field(default=None, max_length=55)
    data: DataT
