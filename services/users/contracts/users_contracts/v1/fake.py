"""An in-memory UsersClient for consumers' tests: no users service needed."""

from collections.abc import Iterable
from uuid import UUID, uuid4

from shared.kit.errors import NotFoundError, ServiceUnavailableError
from users_contracts.v1.schemas import UserSummary


class FakeUsersClient:
    def __init__(self) -> None:
        self._users: dict[UUID, UserSummary] = {}
        self._emails: dict[str, UUID] = {}
        self.calls: list[str] = []
        self.unavailable = False

    def add_user(
        self, *, email: str, display_name: str | None = None, uuid: UUID | None = None
    ) -> UserSummary:
        summary = UserSummary(
            uuid=uuid or uuid4(), display_name=display_name or email.split("@", 1)[0]
        )
        self._users[summary.uuid] = summary
        self._emails[email.strip().lower()] = summary.uuid
        return summary

    def remove_user(self, uuid: UUID) -> None:
        self._users.pop(uuid, None)

    def get_users(self, uuids: Iterable[UUID]) -> dict[UUID, UserSummary]:
        self._record("get_users")
        return {uuid: self._users[uuid] for uuid in uuids if uuid in self._users}

    def get_user(self, uuid: UUID) -> UserSummary:
        self._record("get_user")
        if uuid not in self._users:
            raise NotFoundError("User not found.")
        return self._users[uuid]

    def find_by_email(self, email: str) -> UserSummary:
        self._record("find_by_email")
        uuid = self._emails.get(email.strip().lower())
        if uuid is None or uuid not in self._users:
            raise NotFoundError("User not found.")
        return self._users[uuid]

    def _record(self, call: str) -> None:
        self.calls.append(call)
        if self.unavailable:
            raise ServiceUnavailableError("The users service is unavailable.")
