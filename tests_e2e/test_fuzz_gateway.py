"""Fuzzes both OpenAPI documents through the gateway of split-local, over real HTTP.

The same documents as the in-process fuzzing (tests/test_fuzz_openapi.py), fetched and exercised
through nginx and two gunicorn services: every response must be no 5xx, have a documented status,
match the documented schema, and carry an error code that belongs to its status. The budget is
small and fixed (``FUZZ_GATEWAY_MAX_EXAMPLES``, default 8 per operation and generation mode,
derandomized); ``make fuzz`` runs it with a large one.
"""

import itertools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from tests.fuzz_checks import CHECKS, fuzz_settings

MAX_EXAMPLES = int(os.environ.get("FUZZ_GATEWAY_MAX_EXAMPLES", "8"))
PASSWORD = "fuzz-correct-horse-battery-9"
FUZZ_SETTINGS = fuzz_settings(MAX_EXAMPLES, shrink=False)


@dataclass
class Account:
    email: str
    access: str


@dataclass
class GatewayWorld:
    """Real resources, made through the public API, that most generated requests point at."""

    api: httpx.Client
    actor: Account
    other: Account  # a member of every project made here
    newcomer: Account  # a member of none: the one to add
    counter: Iterator[int] = field(default_factory=itertools.count)

    @classmethod
    def create(cls, base_url: str) -> "GatewayWorld":
        api = httpx.Client(base_url=base_url, timeout=15)
        return cls(api, *(account(api) for _ in range(3)))  # type: ignore[call-arg]

    def use_real(self) -> bool:
        return next(self.counter) % 4 != 0

    def headers_for(self, case: Any) -> dict[str, str]:
        if case.method == "DELETE" and case.path == "/api/users/me/":
            try:  # each deletion deletes an account of its own
                return bearer(account(self.api))
            except AssertionError:  # rate limited: the deletion goes unauthenticated
                return {}
        return bearer(self.actor)

    def point_at_real_resources(self, case: Any) -> None:
        path_parameters = case.path_parameters or {}
        body = case.body if isinstance(case.body, dict) else None
        if "project_uuid" in path_parameters and self.use_real():
            project = self.api.post(
                "/api/projects/",
                json={"name": f"fuzz {next(self.counter)}"},
                headers=bearer(self.actor),
            ).json()
            self.api.post(
                f"/api/projects/{project['uuid']}/members/",
                json={"email": self.other.email},
                headers=bearer(self.actor),
            )
            path_parameters["project_uuid"] = project["uuid"]
        if case.method == "GET" and "members" not in case.path and self.use_real():
            case.query = {**(case.query or {}), "expand": "owner"}
        if body is None or not self.use_real():
            return
        if case.path == "/api/auth/token/":
            body.update(email=self.actor.email, password=PASSWORD)
        elif case.path in ("/api/auth/token/refresh/", "/api/auth/logout/"):
            login = self.api.post(
                "/api/auth/token/", json={"email": self.actor.email, "password": PASSWORD}
            )
            if login.status_code == 200:
                body["refresh"] = login.json()["refresh"]
        elif case.path == "/api/projects/{project_uuid}/members/":
            body["email"] = self.newcomer.email


def account(api: httpx.Client) -> Account:
    email = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
    created = api.post("/api/auth/register/", json={"email": email, "password": PASSWORD})
    assert created.status_code == 201, created.text
    tokens = api.post("/api/auth/token/", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return Account(email=email, access=tokens.json()["access"])


def bearer(who: Account) -> dict[str, str]:
    return {"Authorization": f"Bearer {who.access}"}


@pytest.fixture(scope="module")
def world(split_local) -> Iterator[GatewayWorld]:
    world = GatewayWorld.create(split_local)
    yield world
    world.api.close()


@pytest.mark.parametrize("service", ["users", "projects"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_through_the_gateway_answers_as_documented(
    service, mode, world, split_local
):
    # The document is fetched from the running gateway, so the operations are walked here rather
    # than parametrized at collection time.
    document = schemathesis.openapi.from_url(f"{split_local}/api/schema/{service}/?format=json")
    operations = [result.ok() for result in document.get_all_operations()]
    assert operations
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @FUZZ_SETTINGS
        def answers_as_documented(case: Any) -> None:
            world.point_at_real_resources(case)
            headers = world.headers_for(case)
            response = case.call(base_url=split_local, headers=headers, timeout=15)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            answers_as_documented()
        except Unsatisfiable:
            # Nothing of this operation can be made invalid (no parameters, no body).
            assert mode is GenerationMode.NEGATIVE, operation.label
