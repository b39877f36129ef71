"""Ordinary concurrency on a live multi-worker server: writes wait for each other, never fail.

SQLite (monolith, split-local) and PostgreSQL (compose) alike: concurrent refreshes of one
refresh token give exactly one 200, and concurrent writes to different rows all succeed.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests_e2e.scenario import PASSWORD, register_and_login

CONCURRENCY = 8
ROUNDS = 2


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run every call in its own thread, all released together."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def login(client: httpx.Client, email: str) -> dict[str, str]:
    response = client.post("/api/auth/token/", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def test_concurrent_refreshes_of_one_token_succeed_exactly_once(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        email, _ = register_and_login(client, "Racer")
        for _ in range(ROUNDS):
            body = {"refresh": login(client, email)["refresh"]}
            responses = at_once(
                [
                    lambda body=body: httpx.post(
                        f"{base_url}/api/auth/token/refresh/", json=body, timeout=30
                    )
                ]
                * CONCURRENCY
            )
            statuses = sorted(response.status_code for response in responses)
            assert statuses == [200] + [401] * (CONCURRENCY - 1), [r.text for r in responses]


def test_concurrent_refreshes_of_different_users_all_succeed(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        emails = [register_and_login(client, f"Refresher{n}")[0] for n in range(CONCURRENCY)]
        for _ in range(ROUNDS):
            tokens = [login(client, email)["refresh"] for email in emails]
            responses = at_once(
                [
                    lambda token=token: httpx.post(
                        f"{base_url}/api/auth/token/refresh/", json={"refresh": token}, timeout=30
                    )
                    for token in tokens
                ]
            )
            assert [r.status_code for r in responses] == [200] * CONCURRENCY, [
                r.text for r in responses
            ]


def test_concurrent_writes_to_different_projects_all_succeed(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        _, owner = register_and_login(client, "Writer")
        uuids = []
        for n in range(CONCURRENCY):
            created = client.post("/api/projects/", json={"name": f"P{n}"}, headers=owner)
            assert created.status_code == 201, created.text
            uuids.append(created.json()["uuid"])
        for round_ in range(ROUNDS):
            responses = at_once(
                [
                    lambda uuid=uuid, round_=round_: httpx.patch(
                        f"{base_url}/api/projects/{uuid}/",
                        json={"description": f"round {round_}"},
                        headers=owner,
                        timeout=30,
                    )
                    for uuid in uuids
                ]
            )
            assert [r.status_code for r in responses] == [200] * CONCURRENCY, [
                r.text for r in responses
            ]
        for uuid in uuids:
            detail = client.get(f"/api/projects/{uuid}/", headers=owner)
            assert detail.json()["description"] == f"round {ROUNDS - 1}"
