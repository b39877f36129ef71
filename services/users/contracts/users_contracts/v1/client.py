"""The Protocol every users client implements, whatever its transport."""

from collections.abc import Iterable
from typing import Protocol, runtime_checkable
from uuid import UUID

from users_contracts.v1.schemas import UserSummary


@runtime_checkable
class UsersClient(Protocol):
    """Lookups of active accounts. Raises ``NotFoundError``, ``ServiceUnavailableError``."""

    def get_users(self, uuids: Iterable[UUID]) -> dict[UUID, UserSummary]:
        """The active users among ``uuids``; unknown and deleted ones are left out."""
        ...

    def get_user(self, uuid: UUID) -> UserSummary:
        """One active user, or ``NotFoundError``."""
        ...

    def find_by_email(self, email: str) -> UserSummary:
        """The active user with this email (any case), or ``NotFoundError``."""
        ...
