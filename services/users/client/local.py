"""The in-process UsersClient: calls UserService and returns contract models, never ORM objects."""

from collections.abc import Iterable
from uuid import UUID

from services.users.models import User
from services.users.services.user_service import UserService
from users_contracts.v1.schemas import UserSummary


def _summary(user: User) -> UserSummary:
    return UserSummary(uuid=user.uuid, display_name=user.display_name)


class LocalUsersClient:
    def __init__(self) -> None:
        self._service = UserService()

    def get_users(self, uuids: Iterable[UUID]) -> dict[UUID, UserSummary]:
        wanted = set(uuids)
        if not wanted:
            return {}
        # Rows of the users database, typed by the ORM and checked on every write (a display
        # name is cleaned, 1 to 100 characters): constructed, not validated again.
        return {
            user.uuid: UserSummary.model_construct(uuid=user.uuid, display_name=user.display_name)
            for user in self._service.summaries(uuids=wanted)
        }

    def get_user(self, uuid: UUID) -> UserSummary:
        return _summary(self._service.get_active(uuid=uuid))

    def find_by_email(self, email: str) -> UserSummary:
        return _summary(self._service.find_active_by_email(email=email))
