"""The split topologies run: the smoke scenario and the gateway's own answers."""

import concurrent.futures
import subprocess
import threading
import time
import uuid

import httpx
import pytest

from tests_e2e.conftest import ROOT
from tests_e2e.scenario import smoke


def test_smoke_scenario_through_the_gateway(gateway_url):
    smoke(gateway_url, request_id=f"smoke-{uuid.uuid4().hex[:12]}")


def assert_envelope(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["details"] == {} or isinstance(error["details"], dict)
    assert error["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize("path", ["/internal/v1/users/", "/admin/", "/readyz", "/no/such/path"])
def test_the_gateway_answers_404_in_the_envelope(gateway_url, path):
    assert_envelope(httpx.get(gateway_url + path), 404, "not_found")


def test_the_gateway_answers_health_itself(gateway_url):
    response = httpx.get(gateway_url + "/healthz")
    assert response.json() == {"status": "ok"}


def test_bodies_over_one_mebibyte_get_413(gateway_url):
    response = httpx.post(gateway_url + "/api/auth/register/", content=b"x" * (1024 * 1024 + 1))
    assert_envelope(response, 413, "payload_too_large")


def test_a_request_id_is_kept_or_made(gateway_url):
    kept = httpx.get(gateway_url + "/healthz", headers={"X-Request-ID": "abc.DEF-123"})
    made = httpx.get(gateway_url + "/healthz", headers={"X-Request-ID": "bad id!"})
    assert kept.headers["X-Request-ID"] == "abc.DEF-123"
    assert made.headers["X-Request-ID"] not in {"", "bad id!"}


def test_login_is_rate_limited_per_client(gateway_url):
    def attempt(_: int) -> httpx.Response:
        return httpx.post(gateway_url + "/api/auth/token/", json={}, timeout=15)

    barrier = threading.Barrier(60)

    def at_once(_: int) -> httpx.Response:
        with httpx.Client(timeout=15) as client:
            barrier.wait()  # connections made, then all requests leave together
            return client.post(gateway_url + "/api/auth/token/", json={})

    with concurrent.futures.ThreadPoolExecutor(max_workers=60) as pool:
        responses = list(pool.map(at_once, range(60)))
    limited = [response for response in responses if response.status_code == 429]
    assert limited, [response.status_code for response in responses]
    assert_envelope(limited[0], 429, "throttled")
    assert {response.status_code for response in responses} <= {400, 429}

    # The excess drains at 10 requests/s: after 2.5 s the whole burst is available again, so the
    # tests after this one (several logins in a row) are not throttled.
    time.sleep(2.5)
    assert attempt(0).status_code == 400


def test_one_request_can_be_followed_across_gateway_projects_and_users(compose_stack):
    url, _ = compose_stack
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    smoke(url, request_id=request_id)
    logs = subprocess.run(
        ["docker", "compose", "logs", "--no-log-prefix", "gateway", "projects", "users"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line for line in logs.splitlines() if request_id in line]
    services = {
        service
        for service in ("gateway", "projects", "users")
        if any(f'"service": "{service}"' in line for line in lines)
    }
    assert services == {"gateway", "projects", "users"}
