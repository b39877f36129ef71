"""The UsersClient over HTTP (``http`` transport, and ``wsgi`` with an in-process transport)."""

from collections.abc import Iterable
from uuid import UUID

import httpx

from shared.kit.errors import NotFoundError
from shared.kit.http import ClientPolicy, ResilientHttpClient
from users_contracts.v1.schemas import MAX_BATCH, InternalUserListResponse, UserSummary


class HttpUsersClient(ResilientHttpClient):
    def __init__(
        self,
        *,
        base_url: str,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        policy: ClientPolicy | None = None,
    ):
        super().__init__(
            service="users", base_url=base_url, token=token, transport=transport, policy=policy
        )

    def get_users(self, uuids: Iterable[UUID]) -> dict[UUID, UserSummary]:
        wanted = list(dict.fromkeys(uuids))
        found: dict[UUID, UserSummary] = {}
        for start in range(0, len(wanted), MAX_BATCH):
            # A uuid's text is hex digits and dashes: the query needs no escaping.
            query = "&".join(f"uuid={uuid}" for uuid in wanted[start : start + MAX_BATCH])
            page = self.get_model(f"/internal/v1/users/?{query}", InternalUserListResponse)
            found.update(
                {
                    user.uuid: UserSummary(uuid=user.uuid, display_name=user.display_name)
                    for user in page.results
                    if user.is_active
                }
            )
        return found

    def get_user(self, uuid: UUID) -> UserSummary:
        summary = self.get_users([uuid]).get(uuid)
        if summary is None:
            raise NotFoundError("User not found.")
        return summary

    def find_by_email(self, email: str) -> UserSummary:
        return self.get_model("/internal/v1/users/by-email/", UserSummary, params={"email": email})
