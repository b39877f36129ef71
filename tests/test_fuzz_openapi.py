"""Fuzzes both OpenAPI documents against the monolith, in-process (schemathesis over WSGI).

Every operation of ``/api/schema/users/`` and ``/api/schema/projects/`` gets generated requests,
valid and invalid, sent authenticated through ``config.wsgi.application``; every response must
be no 5xx, have a documented status and match the documented schema, and every error carries a
code that belongs to its status. Operations on a resource mostly get a real one: a fresh project
(with a member) per example, a real user, a live refresh token, the account's own credentials.

The budget is small and fixed in the unit suite (``FUZZ_MAX_EXAMPLES``, default 20 per operation
and generation mode, derandomized); ``make fuzz`` runs the same tests with a large one.
"""

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from services.projects.models import ProjectMembership
from services.projects.services.projects import create_project
from services.users.services.token_service import TokenService
from services.users.services.user_service import UserService
from shared.core.clients import clients
from tests.fuzz_checks import CHECKS, fuzz_settings
from users_contracts.v1.fake import FakeUsersClient

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
PASSWORD = "fuzz-correct-horse-battery-9"
GATEWAY_ONLY_STATUSES = {429}  # documented for clients of the gateway; the service never answers


FUZZ_SETTINGS = fuzz_settings(MAX_EXAMPLES)

users_schema = schemathesis.openapi.from_wsgi("/api/schema/users/?format=json", application)
projects_schema = schemathesis.openapi.from_wsgi("/api/schema/projects/?format=json", application)


@dataclass
class Account:
    uuid: UUID
    email: str
    access: str


@dataclass
class FuzzWorld:
    """Real resources the generated requests are pointed at, about three times in four."""

    actor: Account
    other: Account  # a member of every project made here
    newcomer: Account  # a member of none: the one to add
    counter: Iterator[int] = field(default_factory=itertools.count)

    def account(self) -> Account:
        user = UserService().register(
            email=f"fuzz{next(self.counter)}@example.com", password=PASSWORD
        )
        access = TokenService().obtain_pair(email=user.email, password=PASSWORD).access
        return Account(uuid=user.uuid, email=user.email, access=access)

    def headers_for(self, case: Any) -> dict[str, str]:
        actor = self.actor
        if case.method == "DELETE" and case.path == "/api/users/me/":
            actor = self.account()  # each deletion deletes an account of its own
        return {"Authorization": f"Bearer {actor.access}"}

    def use_real(self) -> bool:
        return next(self.counter) % 4 != 0

    def point_at_real_resources(self, case: Any) -> None:
        path_parameters = case.path_parameters or {}
        body = case.body if isinstance(case.body, dict) else None
        if "project_uuid" in path_parameters and self.use_real():
            project = create_project(
                actor_uuid=self.actor.uuid, name=f"fuzz project {next(self.counter)}"
            )
            ProjectMembership.objects.using("projects").create(
                project=project, user_uuid=self.other.uuid
            )
            path_parameters["project_uuid"] = str(project.uuid)
            if "user_uuid" in path_parameters:
                choice = next(self.counter) % 3
                if choice:
                    path_parameters["user_uuid"] = str(
                        self.other.uuid if choice == 1 else self.actor.uuid
                    )
        elif case.path == "/api/users/{user_uuid}/" and self.use_real():
            path_parameters["user_uuid"] = str(self.other.uuid)
        if case.method == "GET" and "members" not in case.path and self.use_real():
            case.query = {**(case.query or {}), "expand": "owner"}
        if body is None or not self.use_real():
            return
        if case.path == "/api/auth/token/":
            body.update(email=self.actor.email, password=PASSWORD)
        elif case.path in ("/api/auth/token/refresh/", "/api/auth/logout/"):
            body["refresh"] = (
                TokenService().obtain_pair(email=self.actor.email, password=PASSWORD).refresh
            )
        elif case.path == "/api/projects/{project_uuid}/members/":
            body["email"] = self.newcomer.email


@pytest.fixture
def world(settings) -> Iterator[FuzzWorld]:
    # Hashing at full strength would spend the budget on PBKDF2, not on the API.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Like Django's test client: requests must not close the test's transaction's connections.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        seed = FuzzWorld(actor=None, other=None, newcomer=None)  # type: ignore[arg-type]
        seed.actor, seed.other, seed.newcomer = seed.account(), seed.account(), seed.account()
        yield seed
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run(case: Any, world: FuzzWorld, checks: list[Any] = CHECKS) -> Any:
    world.point_at_real_resources(case)
    headers = world.headers_for(case)
    response = case.call(headers=headers)
    assert response.status_code not in GATEWAY_ONLY_STATUSES, "only the gateway answers this"
    case.validate_response(response, checks=checks, headers=headers)
    return response


@pytest.mark.django_db(databases=["users", "projects"])
@users_schema.parametrize()
@FUZZ_SETTINGS
def test_users_api_answers_as_documented(case, world):
    run(case, world)


@pytest.mark.django_db(databases=["users", "projects"])
@projects_schema.parametrize()
@FUZZ_SETTINGS
def test_projects_api_answers_as_documented(case, world):
    run(case, world)


class UsersDown(FakeUsersClient):
    def __init__(self) -> None:
        super().__init__()
        self.unavailable = True


@pytest.mark.django_db(databases=["users", "projects"])
@projects_schema.include(method=["GET", "POST"]).parametrize()
@FUZZ_SETTINGS
def test_projects_api_answers_as_documented_when_users_is_down(case, world):
    """Degraded reads (``X-Degraded: users``) and 503 on adding a member, as documented."""
    with clients.override("users", UsersDown()):
        response = run(case, world, checks=[c for c in CHECKS if c is not not_a_server_error])
    assert response.status_code != 500
    if response.status_code == 503:
        assert (case.method, case.path) == ("POST", "/api/projects/{project_uuid}/members/")
