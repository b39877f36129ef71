"""The gateway's edges, end to end: no redirects, every error in the envelope, restarts.

Heads are sent over raw sockets: httpx would refuse to send most of them.
"""

import collections
import json
import socket
import subprocess
import threading
import time
import uuid
from urllib.parse import urlsplit

import httpx
import pytest

from tests.test_gateway_routes import public_paths_without_their_slash
from tests_e2e.conftest import ROOT
from tests_e2e.scenario import register_and_login


def assert_envelope(status: int, headers: dict[str, str], body: bytes, expected: int, code: str):
    assert status == expected, body[:300]
    assert headers["content-type"].startswith("application/json"), body[:300]
    envelope = json.loads(body)
    assert set(envelope) == {"error"}
    error = envelope["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert error["message"]
    assert error["details"] == {}
    assert error["request_id"] == headers["x-request-id"]


def test_no_path_without_its_slash_is_redirected(gateway_url):
    with httpx.Client(base_url=gateway_url, timeout=10) as client:  # follows no redirect
        for path in public_paths_without_their_slash():
            response = client.get(path)
            assert "location" not in response.headers, path
            assert_envelope(
                response.status_code, response.headers, response.content, 404, "not_found"
            )


def send_raw(url: str, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are; read the answer until the server closes the connection."""
    parts = urlsplit(url)
    received = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        try:
            sock.sendall(data)
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:  # the server answered before reading everything
            pass
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def request(line: bytes = b"GET /api/projects/ HTTP/1.1", headers: bytes = b"") -> bytes:
    return line + b"\r\nHost: localhost\r\n" + headers + b"Connection: close\r\n\r\n"


def post(content_length: bytes, extra: bytes = b"") -> bytes:
    return (
        b"POST /api/auth/register/ HTTP/1.1\r\nHost: localhost\r\n"
        + b"Content-Type: application/json\r\nContent-Length: "
        + content_length
        + b"\r\n"
        + extra
        + b"Connection: close\r\n\r\n{}"
    )


def many_headers(count: int) -> bytes:
    return b"".join(b"X-H%d: v\r\n" % number for number in range(count))


REFUSED_BY_THE_GATEWAY = {
    # gunicorn answered these with HTML (414, 431, 400) or nginx with its own HTML 500.
    "request line over 4k": (request(b"GET /api/projects/?q=" + b"a" * 5000 + b" HTTP/1.1"), 414),
    "request line over gunicorn's": (request(b"GET /?q=" + b"a" * 9000 + b" HTTP/1.1"), 414),
    "header line over 4k": (request(headers=b"X-Big: " + b"a" * 5000 + b"\r\n"), 431),
    "header line at gunicorn's limit": (request(headers=b"X-Big: " + b"a" * 8183 + b"\r\n"), 431),
    "too many headers": (request(headers=many_headers(3000)), 431),
    "malformed request line": (b"G@T /api/projects/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    "not HTTP": (b"hello\r\n\r\n", 400),
    "Content-Length not a number": (post(b"abc"), 400),
    "negative Content-Length": (post(b"-1"), 400),
    "Content-Length list": (post(b"2, 2"), 400),
    "two Content-Lengths": (post(b"2", b"Content-Length: 2\r\n"), 400),
    "Content-Length and chunked": (post(b"2", b"Transfer-Encoding: chunked\r\n"), 400),
}


@pytest.mark.parametrize("case", REFUSED_BY_THE_GATEWAY)
def test_the_gateway_refuses_bad_heads_in_the_envelope(gateway_url, case):
    data, expected = REFUSED_BY_THE_GATEWAY[case]
    status, headers, body = send_raw(gateway_url, data)
    assert_envelope(status, headers, body, expected, "validation_error")


PASSED_TO_THE_SERVICE = {
    # Within the gateway's limits, so within gunicorn's: the service answers (401, no token).
    "request line of 4000 bytes": request(b"GET /api/projects/?q=" + b"a" * 4000 + b" HTTP/1.1"),
    "header line of 4000 bytes": request(headers=b"X-Big: " + b"a" * 4000 + b"\r\n"),
    "150 headers (gunicorn's default limit is 100)": request(headers=many_headers(150)),
    "three long X-Forwarded-For": request(
        headers=b"".join(b"X-Forwarded-For: " + b"1" * 4000 + b"\r\n" for _ in range(3))
    ),
}


@pytest.mark.parametrize("case", PASSED_TO_THE_SERVICE)
def test_large_heads_within_the_limits_reach_the_service(gateway_url, case):
    status, headers, body = send_raw(gateway_url, PASSED_TO_THE_SERVICE[case])
    assert_envelope(status, headers, body, 401, "not_authenticated")


# -- A replica restarted during a stream of writes: no 5xx, no write lost or doubled ---------


def compose(*args: str) -> str:
    # COMPOSE_PROJECT_NAME and GATEWAY_PORT come from the compose_stack fixture's environment.
    command = ["docker", "compose", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def health(container: str) -> str:
    command = ["docker", "inspect", "-f", "{{.State.Health.Status}}", container]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def restart_gateway(url: str) -> None:
    """nginx resolves "projects" once, at start: it sees the replicas there are then."""
    compose("restart", "gateway")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError("the gateway did not come back")


def test_restarting_a_replica_loses_no_write_and_doubles_none(compose_stack):
    url, _ = compose_stack
    compose("up", "--detach", "--no-build", "--wait", "--scale", "projects=2")
    try:
        restart_gateway(url)
        with httpx.Client(base_url=url, timeout=30) as client:
            _, auth = register_and_login(client, "Writer")
        replicas = compose("ps", "--quiet", "projects").split()
        assert len(replicas) == 2

        tag = uuid.uuid4().hex[:8]
        results: list[tuple[str, int | str, float]] = []
        stop = threading.Event()

        def write(writer: int) -> None:
            with httpx.Client(base_url=url, timeout=30, headers=auth) as client:
                for number in range(100_000):
                    if stop.is_set():
                        return
                    name = f"{tag}-{writer}-{number}"
                    try:
                        status = client.post("/api/projects/", json={"name": name}).status_code
                    except httpx.HTTPError as error:  # counted as a failure below
                        status = repr(error)
                    results.append((name, status, time.monotonic()))

        writers = [threading.Thread(target=write, args=(number,)) for number in range(2)]
        for thread in writers:
            thread.start()
        try:
            time.sleep(2)  # the gateway holds kept-alive connections to both replicas now
            started = time.monotonic()
            subprocess.run(["docker", "restart", replicas[0]], check=True, capture_output=True)
            stopped_for = time.monotonic() - started
            deadline = time.monotonic() + 60
            while health(replicas[0]) != "healthy" and time.monotonic() < deadline:
                time.sleep(0.5)
            back = time.monotonic()
            time.sleep(1)  # the gateway uses the restarted replica again
        finally:
            stop.set()
            for thread in writers:
                thread.join()

        with httpx.Client(base_url=url, timeout=30, headers=auth) as client:
            stored: collections.Counter[str] = collections.Counter()
            page = 1
            while True:
                listing = client.get("/api/projects/", params={"page": page, "page_size": 100})
                assert listing.status_code == 200, listing.text
                stored.update(project["name"] for project in listing.json()["results"])
                if not listing.json()["next"]:
                    break
                page += 1

        statuses = collections.Counter(status for _, status, _ in results)
        during = [at for _, _, at in results if started <= at <= back]
        print(
            f"\nrestart: {len(results)} writes, {len(during)} while the replica restarted "
            f"(stopped in {stopped_for:.1f} s, healthy after {back - started:.1f} s), "
            f"statuses {dict(statuses)}"
        )
        assert statuses == {201: len(results)}, statuses
        assert len(during) > 20
        created = {name for name, _, _ in results}
        assert set(stored) == created  # none lost
        assert max(stored.values()) == 1  # none doubled
    finally:
        compose("up", "--detach", "--no-build", "--wait", "--scale", "projects=1")
        restart_gateway(url)
