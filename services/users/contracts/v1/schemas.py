"""Contract models of the users service, v1."""

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class UserSummary(BaseModel):
    """What another service may know of a user: identity and the name to show."""

    model_config = ConfigDict(frozen=True)

    uuid: UUID
    display_name: str = Field(min_length=1, max_length=100)
