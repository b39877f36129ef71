"""Integration events end to end: a deleted account leaves projects, and nothing is lost.

In every topology, deleting an account makes projects soft-delete the projects it owned, drop its
memberships and refuse its still-valid access tokens: at once in the monolith (the outbox is
drained in-process after the commit), eventually in split-local and compose (outbox -> relay ->
RabbitMQ -> consumer -> inbox), so the tests poll with a bounded wait.

Against split-local and compose, each part of the pipeline is then failed in turn:
- **broker stopped**: accounts are deleted and projects written meanwhile; once the broker is
  back, every event arrives and has exactly one effect;
- **consumer stopped** mid-stream: started again, it resumes; no effect twice;
- **relay killed between publishing and marking sent** (``FAULT_RELAY_EXIT_AFTER_PUBLISH``): the
  event is sent again, and the consumer's inbox absorbs the duplicate.
"Exactly one effect" is read in the consumer's log, where the inbox says ``event handled`` once
per event and ``event already handled`` for every duplicate; each deletion is followed by its
request id, from the HTTP request through the relay to the consumer.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
import pytest

from tests_e2e.drivers import Compose, Driver, SplitLocal
from tests_e2e.scenario import register_and_login

EVENTUALLY_SECONDS = 45.0  # a relay pass, the broker, a consumer; a restarted part on top
T = TypeVar("T")


def eventually(check: Callable[[], T], *, seconds: float = EVENTUALLY_SECONDS) -> T:
    started = time.monotonic()
    while True:
        try:
            return check()
        except (AssertionError, httpx.HTTPError):
            if time.monotonic() - started > seconds:
                raise
            time.sleep(0.3)


@dataclass
class Account:
    email: str
    auth: dict[str, str]


@dataclass
class World:
    """Alice owns a project Bob is a member of, and is a member of Bob's project."""

    client: httpx.Client
    alice: Account
    bob: Account
    alices_project: str
    bobs_project: str


def account(client: httpx.Client, name: str) -> Account:
    email, auth = register_and_login(client, name)
    return Account(email, auth)


def project_with_member(client: httpx.Client, owner: Account, member: Account, name: str) -> str:
    created = client.post("/api/projects/", json={"name": name}, headers=owner.auth)
    assert created.status_code == 201, created.text
    uuid_ = created.json()["uuid"]
    added = client.post(
        f"/api/projects/{uuid_}/members/", json={"email": member.email}, headers=owner.auth
    )
    assert added.status_code == 201, added.text
    return uuid_


def world(client: httpx.Client) -> World:
    alice, bob = account(client, "Alice"), account(client, "Bob")
    return World(
        client=client,
        alice=alice,
        bob=bob,
        alices_project=project_with_member(client, alice, bob, "Alice's"),
        bobs_project=project_with_member(client, bob, alice, "Bob's"),
    )


def delete_account(client: httpx.Client, who: Account) -> str:
    request_id = f"delete-{uuid.uuid4().hex[:16]}"
    deleted = client.delete("/api/users/me/", headers={**who.auth, "X-Request-ID": request_id})
    assert deleted.status_code == 204, deleted.text
    return request_id


def assert_gone_from_projects(w: World) -> None:
    """What user.deleted does in projects, seen through the public API."""
    refused = w.client.get("/api/projects/", headers=w.alice.auth)
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"]["code"] == "authentication_failed"
    gone = w.client.get(f"/api/projects/{w.alices_project}/", headers=w.bob.auth)
    assert gone.status_code == 404, gone.text
    members = w.client.get(f"/api/projects/{w.bobs_project}/members/", headers=w.bob.auth)
    assert members.status_code == 200, members.text
    assert [member["role"] for member in members.json()] == ["owner"]


def test_a_deleted_account_leaves_projects_in_every_topology(base_url):
    with httpx.Client(base_url=base_url, timeout=15) as client:
        w = world(client)
        before = client.get("/api/projects/", headers=w.alice.auth)
        assert before.json()["count"] == 2
        delete_account(client, w.alice)
        eventually(lambda: assert_gone_from_projects(w))
        # Bob's own project stays, with Bob alone in it.
        listing = client.get("/api/projects/", headers=w.bob.auth).json()
        assert [project["uuid"] for project in listing["results"]] == [w.bobs_project]


# -- The pipeline failed part by part (split-local and compose) ---------------------------------


@pytest.fixture
def driver(request, gateway_url, tmp_path) -> Driver:
    kind = request.node.callspec.params["gateway_url"]
    return SplitLocal() if kind == "split-local" else Compose(tmp_path)


def handled(driver: Driver, request_id: str) -> tuple[int, int]:
    """(handled, already handled) lines of the consumer's log for this request's events."""
    lines = [line for line in driver.logs("projects-consumer").splitlines() if request_id in line]
    first = sum("event handled: user.deleted" in line for line in lines)
    again = sum("event already handled: user.deleted" in line for line in lines)
    return first, again


def assert_handled_once(driver: Driver, request_id: str) -> None:
    assert handled(driver, request_id)[0] == 1, request_id


def test_a_deletion_can_be_followed_by_its_request_id(gateway_url, driver):
    with httpx.Client(base_url=gateway_url, timeout=15) as client:
        w = world(client)
        request_id = delete_account(client, w.alice)
        eventually(lambda: assert_gone_from_projects(w))
    eventually(lambda: assert_handled_once(driver, request_id))
    for part, says in (
        ("users", "DELETE"),
        ("users-relay", "event published: user.deleted"),
        ("projects-consumer", "event handled: user.deleted"),
    ):
        lines = [line for line in driver.logs(part).splitlines() if request_id in line]
        assert any(says in line for line in lines), (part, lines[-5:])


def test_nothing_is_lost_while_the_broker_is_down(gateway_url, driver):
    with httpx.Client(base_url=gateway_url, timeout=15) as client:
        worlds = [world(client) for _ in range(2)]
        carol = account(client, "Carol")
        driver.stop("broker")
        try:
            request_ids = [delete_account(client, w.alice) for w in worlds]
            # Writes do not need the broker: their events wait in the outbox.
            created = client.post("/api/projects/", json={"name": "Offline"}, headers=carol.auth)
            assert created.status_code == 201, created.text
            renamed = client.patch(
                f"/api/projects/{created.json()['uuid']}/",
                json={"name": "Still offline"},
                headers=carol.auth,
            )
            assert renamed.status_code == 200, renamed.text
            time.sleep(2)  # a relay pass or two fails meanwhile
            assert client.get("/api/projects/", headers=worlds[0].alice.auth).status_code == 200
        finally:
            driver.start("broker")
        for w in worlds:
            eventually(lambda w=w: assert_gone_from_projects(w))
    for request_id in request_ids:
        eventually(lambda request_id=request_id: assert_handled_once(driver, request_id))


def test_a_stopped_consumer_resumes_and_applies_each_event_once(gateway_url, driver):
    with httpx.Client(base_url=gateway_url, timeout=15) as client:
        worlds = [world(client) for _ in range(3)]
        first = delete_account(client, worlds[0].alice)
        eventually(lambda: assert_gone_from_projects(worlds[0]))
        driver.stop("projects-consumer")
        try:
            later = [delete_account(client, w.alice) for w in worlds[1:]]
            time.sleep(2)
            # Nobody applies them meanwhile: the deleted accounts still see their projects.
            for w in worlds[1:]:
                assert client.get("/api/projects/", headers=w.alice.auth).status_code == 200
        finally:
            driver.start("projects-consumer")
        for w in worlds[1:]:
            eventually(lambda w=w: assert_gone_from_projects(w))
    for request_id in [first, *later]:
        eventually(lambda request_id=request_id: assert_handled_once(driver, request_id))


def test_a_relay_killed_before_marking_sent_sends_again_and_the_inbox_absorbs_it(
    gateway_url, driver
):
    with httpx.Client(base_url=gateway_url, timeout=15) as client:
        w = world(client)
        driver.restart_with("users-relay", {"FAULT_RELAY_EXIT_AFTER_PUBLISH": "true"})
        try:
            request_id = delete_account(client, w.alice)
            # The broker confirmed the publish before the relay died: the event is applied.
            eventually(lambda: assert_gone_from_projects(w))
        finally:
            driver.restart_with("users-relay", {})  # as configured: it sends the row again

    # The row was never marked sent, so it went again; the inbox took the first copy only.
    def sent_again_and_absorbed() -> None:
        first, again = handled(driver, request_id)
        assert again >= 1, "no duplicate delivered yet"
        assert first == 1

    eventually(sent_again_and_absorbed)
