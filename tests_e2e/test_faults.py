"""The fault matrix, end to end through the gateway, in split-local and compose.

Each fault is injected into one part of a running topology, the degraded answers are checked,
then the fault is removed and the topology must recover by itself, nothing else restarted:

- **users stopped**: projects still verifies tokens (stateless RS256) and lists projects; owner
  expansion and member names degrade to ``null`` with ``X-Degraded: users``; adding a member is a
  503 ``service_unavailable`` envelope within the client's budget. Users started again, projects
  (never restarted) answers in full again once its breaker lets a trial call through (5 s).
- **users slow**: users restarted with ``FAULT_INTERNAL_DELAY_SECONDS`` (its internal API answers
  later than the client's read timeout): the same degraded answers, none later than the client's
  deadline (3 s). In compose the delay is a test-only setting refused when
  ``DJANGO_ENV=production``, so the slow users container runs in development mode meanwhile.
- **projects stopped**: its paths answer the gateway's 502/503/504 envelope with X-Request-ID;
  users (register, login, me) is unaffected. Started again, it answers again.
- **a PostgreSQL stopped** (compose only: split-local runs on SQLite files, there is no database
  server to stop): projects' ``/readyz`` turns 503 and its API answers 503
  ``service_unavailable``; users is unaffected; the database started again, projects reconnects
  without a restart (``conn_health_checks``). It is stopped with SIGINT, PostgreSQL's fast
  shutdown (its image's STOPSIGNAL).
- **the broker, a consumer, a relay**: tests_e2e/test_events.py.

Every test restores the topology in a ``finally`` block and ends by checking it is healthy.
Each prints its slowest answer during the fault and how long recovery took.
"""

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import httpx
import pytest

from tests_e2e.drivers import Compose, Driver, SplitLocal
from tests_e2e.scenario import PASSWORD, register_and_login

# The users client's budget is 3 s per call, retries included (ClientPolicy): with the gateway
# and projects' own work, no answer may take 5 s.
DEADLINE = 5.0
# The breaker lets a trial call through 5 s after it opened; a service starts in a few seconds.
RECOVERY_SECONDS = 30.0
DELAY_SECONDS = 3  # beyond the client's read timeout (2 s)
T = TypeVar("T")


@pytest.fixture
def driver(request, gateway_url, tmp_path) -> Driver:
    kind = request.node.callspec.params["gateway_url"]
    return SplitLocal() if kind == "split-local" else Compose(tmp_path)


# -- Helpers -----------------------------------------------------------------------------------


def eventually(check: Callable[[], T], *, seconds: float = RECOVERY_SECONDS) -> T:
    """``check()`` once it stops failing (an assertion or an HTTP error), at most ``seconds``."""
    started = time.monotonic()
    while True:
        try:
            result = check()
        except (AssertionError, httpx.HTTPError):
            if time.monotonic() - started > seconds:
                raise
            time.sleep(0.3)
        else:
            if check.__name__ != "<lambda>":
                print(f"\n  {check.__name__}: after {time.monotonic() - started:.1f} s")
            return result


def readiness_becomes(driver: Driver, service: str, status: int) -> None:
    """``/readyz`` of ``service`` answers ``status``, within the recovery time."""

    def check() -> None:
        assert driver.readiness(service) == status, service

    eventually(check)


ANSWER_TIMES: list[float] = []  # of timed() in the current test


@pytest.fixture(autouse=True)
def report_timings(request) -> Iterator[None]:
    ANSWER_TIMES.clear()
    yield
    if ANSWER_TIMES:
        print(
            f"\n{request.node.name}: {len(ANSWER_TIMES)} answers during the fault, the slowest "
            f"in {max(ANSWER_TIMES):.2f} s"
        )


def timed(client: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
    """One request that must be answered within DEADLINE, whatever the answer."""
    started = time.monotonic()
    response = client.request(method, path, **kwargs)
    elapsed = time.monotonic() - started
    ANSWER_TIMES.append(elapsed)
    assert elapsed < DEADLINE, f"{method} {path}: answered in {elapsed:.2f} s"
    return response


def assert_envelope(response: httpx.Response, statuses: set[int], code: str | None = None):
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    error = response.json()["error"]
    assert error["code"] == (code or GATEWAY_CODES[response.status_code])
    assert error["message"]
    assert error["request_id"] == response.headers["X-Request-ID"]


GATEWAY_CODES = {502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout"}


@dataclass
class World:
    """Alice owns a project Bob is a member of; Carol is not a member yet."""

    client: httpx.Client
    alice: dict[str, str]
    bob: dict[str, str]
    carol_email: str
    project: str

    @property
    def members_path(self) -> str:
        return f"/api/projects/{self.project}/members/"


@pytest.fixture
def world(gateway_url) -> Iterator[World]:
    with httpx.Client(base_url=gateway_url, timeout=20) as client:
        _, alice = register_and_login(client, "Alice")
        bob_email, bob = register_and_login(client, "Bob")
        carol_email, _ = register_and_login(client, "Carol")
        project = client.post("/api/projects/", json={"name": "Fault"}, headers=alice)
        assert project.status_code == 201, project.text
        uuid_ = project.json()["uuid"]
        added = client.post(
            f"/api/projects/{uuid_}/members/", json={"email": bob_email}, headers=alice
        )
        assert added.status_code == 201, added.text
        yield World(client, alice, bob, carol_email, uuid_)


def assert_degraded_without_users(world: World) -> None:
    """What projects answers while users is down or too slow: every answer within DEADLINE."""
    client, alice = world.client, world.alice
    listing = timed(client, "GET", "/api/projects/", headers=alice)
    assert listing.status_code == 200, listing.text  # the token verified without users
    assert world.project in {entry["uuid"] for entry in listing.json()["results"]}

    expanded = timed(client, "GET", "/api/projects/?expand=owner", headers=alice)
    assert expanded.status_code == 200, expanded.text
    assert expanded.headers.get("X-Degraded") == "users"
    assert [entry["owner"] for entry in expanded.json()["results"]] == [None]

    members = timed(client, "GET", world.members_path, headers=world.bob)
    assert members.status_code == 200, members.text
    assert members.headers.get("X-Degraded") == "users"
    assert [(m["role"], m["display_name"]) for m in members.json()] == [
        ("owner", None),
        ("member", None),
    ]

    request_id = f"fault-{uuid.uuid4().hex[:12]}"
    added = timed(
        client,
        "POST",
        world.members_path,
        json={"email": world.carol_email},
        headers={**alice, "X-Request-ID": request_id},
    )
    assert_envelope(added, {503}, "service_unavailable")
    assert added.headers["X-Request-ID"] == request_id


def assert_whole_again(world: World) -> None:
    """users answers projects again: names are back, no X-Degraded, Carol can be added."""

    def owners_expanded_again() -> None:
        response = world.client.get("/api/projects/?expand=owner", headers=world.alice)
        assert response.status_code == 200, response.text
        assert "X-Degraded" not in response.headers
        assert [entry["owner"]["display_name"] for entry in response.json()["results"]] == ["Alice"]

    eventually(owners_expanded_again)
    members = world.client.get(world.members_path, headers=world.bob)
    assert members.status_code == 200, members.text
    assert "X-Degraded" not in members.headers
    assert [m["display_name"] for m in members.json()] == ["Alice", "Bob"]
    added = world.client.post(
        world.members_path, json={"email": world.carol_email}, headers=world.alice
    )
    assert added.status_code == 201, added.text
    assert added.json()["display_name"] == "Carol"


def assert_healthy(url: str, driver: Driver) -> None:
    """The whole driver answers: the gateway, both services' readiness, the smoke path."""
    assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    for service in ("users", "projects"):
        readiness_becomes(driver, service, 200)
    with httpx.Client(base_url=url, timeout=20) as client:
        _, auth = register_and_login(client, "Healthy")
        assert client.get("/api/users/me/", headers=auth).status_code == 200
        listing = client.get("/api/projects/?expand=owner", headers=auth)
        assert listing.status_code == 200, listing.text
        assert "X-Degraded" not in listing.headers


# -- The matrix ------------------------------------------------------------------------------


def test_users_stopped_projects_degrade_then_recover(gateway_url, driver, world):
    projects_before = driver.identity("projects")
    driver.stop("users")
    try:
        assert_degraded_without_users(world)
        # users' own paths are the gateway's envelope meanwhile
        login = timed(
            world.client,
            "POST",
            "/api/auth/token/",
            json={"email": "x@example.com", "password": PASSWORD},
        )
        assert_envelope(login, {502, 503, 504})
    finally:
        driver.start("users")
    assert_whole_again(world)
    assert driver.identity("projects") == projects_before  # recovered by itself
    assert_healthy(gateway_url, driver)


def test_users_slow_projects_answer_within_the_deadline_then_recover(gateway_url, driver, world):
    projects_before = driver.identity("projects")
    driver.restart_with("users", {"FAULT_INTERNAL_DELAY_SECONDS": str(DELAY_SECONDS)})
    try:
        assert_degraded_without_users(world)
        # once more: the breaker may be open now, or half-open; either way within the deadline
        assert_degraded_without_users(world)
    finally:
        driver.restart_with("users", {})
    assert_whole_again(world)
    assert driver.identity("projects") == projects_before
    assert_healthy(gateway_url, driver)


def test_projects_stopped_the_gateway_answers_and_users_is_unaffected(gateway_url, driver, world):
    users_before = driver.identity("users")
    driver.stop("projects")
    try:
        for path in ("/api/projects/", f"/api/projects/{world.project}/", world.members_path):
            response = timed(world.client, "GET", path, headers=world.alice)
            assert_envelope(response, {502, 503, 504})
        created = timed(
            world.client, "POST", "/api/projects/", json={"name": "x"}, headers=world.alice
        )
        assert_envelope(created, {502, 503, 504})
        deleted = timed(
            world.client, "DELETE", f"/api/projects/{world.project}/", headers=world.alice
        )
        assert_envelope(deleted, {502, 503, 504})  # no replica to replay it on: an envelope
        _, auth = register_and_login(world.client, "Dora")  # register and login
        me = world.client.get("/api/users/me/", headers=auth)
        assert me.status_code == 200, me.text
        assert me.json()["display_name"] == "Dora"
    finally:
        driver.start("projects")

    def projects_answer_again() -> None:
        response = world.client.get("/api/projects/?expand=owner", headers=world.alice)
        assert response.status_code == 200, response.text
        assert [entry["owner"]["display_name"] for entry in response.json()["results"]] == ["Alice"]

    eventually(projects_answer_again)
    assert driver.identity("users") == users_before
    assert_healthy(gateway_url, driver)


def test_projects_database_stopped_projects_answer_503_then_reconnect(compose_stack, tmp_path):
    # Compose only: split-local runs on SQLite files, there is no database server to stop.
    url, _ = compose_stack
    driver = Compose(tmp_path)
    with httpx.Client(base_url=url, timeout=20) as client:
        _, alice = register_and_login(client, "Alice")
        assert (
            client.post("/api/projects/", json={"name": "Kept"}, headers=alice).status_code == 201
        )
        identities = {service: driver.identity(service) for service in ("users", "projects")}
        driver.stop("projects-db", signal="SIGINT")  # see the module's docstring
        try:
            readiness_becomes(driver, "projects", 503)
            for path in ("/api/projects/", "/api/projects/?expand=owner"):
                response = timed(client, "GET", path, headers=alice)
                assert_envelope(response, {503}, "service_unavailable")
            created = timed(client, "POST", "/api/projects/", json={"name": "x"}, headers=alice)
            assert_envelope(created, {503}, "service_unavailable")
            _, dora = register_and_login(client, "Dora")  # users and its database are unaffected
            assert client.get("/api/users/me/", headers=dora).status_code == 200
            readiness_becomes(driver, "users", 200)
        finally:
            driver.start("projects-db")

        def projects_reconnected() -> None:
            response = client.get("/api/projects/", headers=alice)
            assert response.status_code == 200, response.text
            assert [entry["name"] for entry in response.json()["results"]] == ["Kept"]

        eventually(projects_reconnected)
        readiness_becomes(driver, "projects", 200)
        assert {service: driver.identity(service) for service in identities} == identities
    assert_healthy(url, driver)
