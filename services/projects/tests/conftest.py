"""Fixtures of the projects suite: the users service is always the in-memory fake.

The suite runs with the users app not installed (``SERVICES=projects``) and its DB tests may only
touch the "projects" database, which is what proves that projects never reads users' data.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest
from rest_framework.test import APIClient

from services.projects.models import Project
from services.projects.services import memberships, projects
from shared.core.clients import clients
from shared.core.testing import bearer
from users_contracts.v1.fake import FakeUsersClient
from users_contracts.v1.schemas import UserSummary


@pytest.fixture(autouse=True)
def users_fake() -> Iterator[FakeUsersClient]:
    """Every users call of the code under test goes to this fake."""
    fake = FakeUsersClient()
    with clients.override("users", fake):
        yield fake


@pytest.fixture
def user_emails() -> dict[UUID, str]:
    """The email of every user made by ``make_user``."""
    return {}


@pytest.fixture
def make_user(
    users_fake: FakeUsersClient, user_emails: dict[UUID, str]
) -> Callable[..., UserSummary]:
    """A user known to the fake users service (``email`` defaults to a fresh address)."""
    counter = iter(range(1, 1_000_000))

    def make(
        email: str | None = None, *, display_name: str | None = None, **kwargs: Any
    ) -> UserSummary:
        email = email or f"user{next(counter)}@example.com"
        user = users_fake.add_user(email=email, display_name=display_name, **kwargs)
        user_emails[user.uuid] = email
        return user

    return make


@pytest.fixture
def owner(make_user: Callable[..., UserSummary]) -> UserSummary:
    return make_user("owner@example.com", display_name="Olivia Owner")


@pytest.fixture
def member(make_user: Callable[..., UserSummary]) -> UserSummary:
    return make_user("member@example.com", display_name="Max Member")


@pytest.fixture
def stranger(make_user: Callable[..., UserSummary]) -> UserSummary:
    return make_user("stranger@example.com", display_name="Sam Stranger")


@pytest.fixture
def make_project(owner: UserSummary) -> Callable[..., Project]:
    """A project created through the service, owned by ``owner`` unless ``actor_uuid`` is given."""

    def make(name: str = "Apollo", *, actor_uuid: UUID | None = None, **fields: Any) -> Project:
        return projects.create_project(actor_uuid=actor_uuid or owner.uuid, name=name, **fields)

    return make


@pytest.fixture
def project(make_project: Callable[..., Project]) -> Project:
    return make_project(
        "Apollo",
        description="Land on the moon",
        start_date=dt.date(2030, 1, 10),
        due_date=dt.date(2030, 6, 30),
    )


@pytest.fixture
def add_member(user_emails: dict[UUID, str]) -> Callable[..., None]:
    """Add ``user`` to ``project`` as its owner would (through the service)."""

    def add(project: Project, user: UserSummary) -> None:
        memberships.add_member(
            actor_uuid=project.owner_uuid, project_uuid=project.uuid, email=user_emails[user.uuid]
        )

    return add


@pytest.fixture
def shared_project(
    project: Project, member: UserSummary, add_member: Callable[..., None]
) -> Project:
    """``project`` with ``member`` as its member."""
    add_member(project, member)
    return project


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def as_user(api: APIClient) -> Callable[[UserSummary | UUID], APIClient]:
    """The API client, authenticated as the given user with a freshly minted access token."""

    def authenticate(user: UserSummary | UUID) -> APIClient:
        user_uuid = user.uuid if isinstance(user, UserSummary) else user
        api.credentials(**{"HTTP_AUTHORIZATION": bearer(user_uuid)["Authorization"]})
        return api

    return authenticate
