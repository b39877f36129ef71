"""Idempotency keys end to end, the same in every topology (ADR 20).

A write sent again with its ``Idempotency-Key`` is applied once and answered again byte for byte,
also when both copies arrive at once; the key on another request is 422. Through the gateway a
write without a key gets one of the gateway's own, a new one per request.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests_e2e.api import Account, api_client, assert_envelope, shared_account


@pytest.fixture
def api(base_url):
    with api_client(base_url) as client:
        yield client


@pytest.fixture
def owner(api) -> Account:
    return shared_account(api, "Owner")


def stored(api: httpx.Client, owner: Account, name: str) -> int:
    listing = api.get("/api/projects/", params={"search": name}, headers=owner.auth)
    assert listing.status_code == 200, listing.text
    return sum(project["name"] == name for project in listing.json()["results"])


def test_a_post_sent_twice_with_one_key_creates_one_project(api, owner):
    name = f"Once {uuid.uuid4().hex[:8]}"
    headers = {**owner.auth, "Idempotency-Key": str(uuid.uuid4())}
    first = api.post("/api/projects/", json={"name": name}, headers=headers)
    again = api.post("/api/projects/", json={"name": name}, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert stored(api, owner, name) == 1


def test_two_copies_at_once_are_applied_once(api, owner):
    name = f"Race {uuid.uuid4().hex[:8]}"
    headers = {**owner.auth, "Idempotency-Key": str(uuid.uuid4())}

    def send(_: int) -> httpx.Response:
        with httpx.Client(base_url=api.base_url, timeout=30) as client:
            return client.post("/api/projects/", json={"name": name}, headers=headers)

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(send, range(4)))
    assert {response.status_code for response in responses} == {201}
    assert len({response.content for response in responses}) == 1
    replayed = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
    assert len(replayed) == 3
    assert stored(api, owner, name) == 1


def test_a_key_reused_for_another_request_is_422_and_changes_nothing(api, owner):
    key = str(uuid.uuid4())
    name = f"First {uuid.uuid4().hex[:8]}"
    headers = {**owner.auth, "Idempotency-Key": key}
    assert api.post("/api/projects/", json={"name": name}, headers=headers).status_code == 201
    other = api.post("/api/projects/", json={"name": f"{name} bis"}, headers=headers)
    assert_envelope(other, 422, "idempotency_key_reused")
    assert stored(api, owner, f"{name} bis") == 0


def test_a_malformed_key_is_400(api, owner):
    headers = {**owner.auth, "Idempotency-Key": "k" * 256}
    response = api.post("/api/projects/", json={"name": "Never"}, headers=headers)
    assert_envelope(response, 400, "validation_error", details={"Idempotency-Key": [
        "The key must be at most 255 characters."
    ]})  # fmt: skip


def test_without_a_key_each_write_is_its_own(api, owner):
    """Through the gateway each gets a key of the gateway's: a new one per request."""
    name = f"Twice {uuid.uuid4().hex[:8]}"
    for _ in range(2):
        response = api.post("/api/projects/", json={"name": name}, headers=owner.auth)
        assert response.status_code == 201, response.text
        assert "idempotent-replayed" not in response.headers
    assert stored(api, owner, name) == 2
