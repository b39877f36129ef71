"""gunicorn as the image runs it: every line it writes is one valid JSON object.

A real gunicorn (config/gunicorn.py) on a free loopback port, with Django's own access line off
as in the image, so the access line comes from gunicorn's logger alone.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ISO_UTC_MILLIS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
# A backslash, a raw quote, encoded line breaks and a JSON object to forge a second line with.
HOSTILE_TARGET = '/api/x\\y"z%0a{"level":%20"ERROR",%20"forged":%20true}%0d%0aend'
WSGI_APP = "config.wsgi:application"
HOSTILE_PATH = '/api/x\\y"z\n{"level": "ERROR", "forged": true}\r\nend'


@dataclass
class Gunicorn:
    port: int
    stdout: Path
    stderr: Path

    def lines(self) -> list[str]:
        return [
            line
            for log in (self.stdout, self.stderr)
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raw_get(port: int, target: str, request_id: str) -> bytes:
    """One request with the target sent as is (HTTP clients would quote or refuse it)."""
    head = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: {request_id}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head.encode() + b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def wait_until(condition, timeout: float, what: str, server: Gunicorn | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    logs = "\n".join(server.lines()) if server else ""
    pytest.fail(f"timed out waiting for {what}\n{logs}")


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory) -> Iterator[Gunicorn]:
    var_dir = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {
        **os.environ,
        "SERVICES": "users,projects",
        "VAR_DIR": str(var_dir),
        "DJANGO_ACCESS_LOG": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
        "XDG_RUNTIME_DIR": str(var_dir),  # gunicorn's control socket, away from $HOME
        "TZ": "Asia/Kathmandu",  # the logs are UTC whatever the host's zone
    }
    for variable in ("USERS_SERVICE_URL", "USERS_DATABASE_URL", "PROJECTS_DATABASE_URL"):
        env.pop(variable, None)  # SQLite files of its own, whatever database the suite runs on
    python = sys.executable
    for command in ("prepare_local_state", "migrate_all --verbosity 0"):  # as make migrate does
        subprocess.run(
            [python, "manage.py", *command.split()],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
        )
    server = Gunicorn(port, var_dir / "stdout.log", var_dir / "stderr.log")
    with server.stdout.open("wb") as stdout, server.stderr.open("wb") as stderr:
        process = subprocess.Popen(
            [python, "-m", "gunicorn", *("--config", "python:config.gunicorn", WSGI_APP)],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        wait_until(lambda: _answers(port), 15, "gunicorn to answer", server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _answers(port: int) -> bool:
    try:
        return raw_get(port, "/healthz", "probe").startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def access_lines(server: Gunicorn, request_id: str) -> list[dict]:
    records = [_loads(line) for line in server.lines()]
    return [
        record
        for record in records
        if record.get("logger") == "gunicorn.access" and record.get("request_id") == request_id
    ]


def _loads(line: str) -> dict:
    try:
        record = json.loads(line)
    except ValueError:
        pytest.fail(f"not a JSON line: {line!r}")
    assert isinstance(record, dict), line
    return record


def test_a_hostile_path_gives_exactly_one_valid_json_access_line(gunicorn):
    answer = raw_get(gunicorn.port, HOSTILE_TARGET, "hostile-1")
    assert answer.startswith(b"HTTP/1.1 404"), answer[:200]
    assert b"X-Request-ID: hostile-1" in answer

    wait_until(lambda: access_lines(gunicorn, "hostile-1"), 5, "the access line", gunicorn)

    records = [_loads(line) for line in gunicorn.lines()]  # every line, stdout and stderr
    assert all(ISO_UTC_MILLIS.fullmatch(record["time"]) for record in records), records
    assert not any("forged" in record for record in records)
    assert not any(record.get("logger") == "shared.core.access" for record in records)
    [line] = access_lines(gunicorn, "hostile-1")
    assert line["path"] == HOSTILE_PATH
    assert (line["method"], line["status"], line["level"]) == ("GET", 404, "INFO")
    assert line["service"] == "monolith"
    assert isinstance(line["duration_ms"], int | float)
    assert line["remote_addr"] == "127.0.0.1"


def test_the_access_line_carries_the_id_the_service_answered_with(gunicorn):
    """A malformed inbound id is replaced; the log shows the replacement, as the client sees."""
    answer = raw_get(gunicorn.port, "/healthz", "not a valid id!")
    [request_id] = re.findall(rb"X-Request-ID: ([0-9a-f]{32})", answer)

    wait_until(lambda: access_lines(gunicorn, request_id.decode()), 5, "the access line", gunicorn)

    [line] = access_lines(gunicorn, request_id.decode())
    assert (line["path"], line["status"]) == ("/healthz", 200)
