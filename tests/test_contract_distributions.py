"""Each contract distribution installs into an empty virtualenv, without Django, and works there.

A consumer depends on a provider's contract distribution and nothing else of it: this builds the
kit's and each contract's wheel, installs them (and their declared dependencies, from the
package index) into a fresh virtualenv, and runs a consumer's script there: the in-memory fake,
and the HTTP client against a stub users server speaking the internal API.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTIONS = {
    "kit": ROOT / "shared" / "kit",
    "users": ROOT / "services" / "users" / "contracts",
    "projects": ROOT / "services" / "projects" / "contracts",
}

CONSUMER_SCRIPT = textwrap.dedent(
    """
    import importlib.util
    import json
    import threading
    import uuid
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlparse

    for absent in ("django", "rest_framework", "shared.core", "services", "config"):
        assert importlib.util.find_spec(absent) is None, absent

    from projects_contracts.v1.events import ProjectCreated, ProjectData
    from shared.kit.errors import NotFoundError, ServiceUnavailableError
    from users_contracts.v1 import UsersClient
    from users_contracts.v1.fake import FakeUsersClient
    from users_contracts.v1.http import HttpUsersClient

    # The fake: what a consumer's unit tests use.
    fake: UsersClient = FakeUsersClient()
    ada = fake.add_user(email="ada@example.com", display_name="Ada")
    assert fake.get_users([ada.uuid]) == {ada.uuid: ada}
    assert fake.find_by_email("ADA@example.com") == ada
    fake.unavailable = True
    try:
        fake.get_user(ada.uuid)
    except ServiceUnavailableError:
        pass
    else:
        raise AssertionError("the fake ignored unavailable")

    # The HTTP client, against a stub of users' internal API.
    known = {str(ada.uuid): "Ada"}
    seen = []

    class Stub(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("Authorization")))
            url = urlparse(self.path)
            query = parse_qs(url.query)
            if url.path == "/internal/v1/users/":
                body = {"results": [
                    {"uuid": u, "display_name": known[u], "is_active": True}
                    for u in query["uuid"] if u in known
                ]}
                status = 200
            else:
                body = {"error": {"code": "not_found", "message": "User not found.",
                                  "details": {}, "request_id": None}}
                status = 404
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client: UsersClient = HttpUsersClient(
        base_url=f"http://127.0.0.1:{server.server_port}", token="service-token"
    )
    stranger = uuid.uuid4()
    found = client.get_users([ada.uuid, stranger])
    assert list(found) == [ada.uuid] and found[ada.uuid].display_name == "Ada", found
    try:
        client.find_by_email("nobody@example.com")
    except NotFoundError as error:
        assert error.message == "User not found."
    else:
        raise AssertionError("404 did not become NotFoundError")
    assert all(auth == "Service service-token" for _, auth in seen), seen

    # The projects contract: an event in its envelope, as a consumer would parse it.
    event = ProjectCreated(
        aggregate_id="p", data=ProjectData(
            project_uuid=uuid.uuid4(), owner_uuid=ada.uuid, name="n", status="active"
        ),
    )
    assert ProjectCreated.model_validate_json(event.model_dump_json()) == event
    server.shutdown()
    print("consumer ok")
    """
)


@pytest.fixture(scope="module")
def contract_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding only the kit, both contracts and their dependencies."""
    work = tmp_path_factory.mktemp("contracts")
    wheels = work / "wheels"
    run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
        "--wheel-dir", str(wheels), *map(str, DISTRIBUTIONS.values()),
    )  # fmt: skip
    env = work / "env"
    run(sys.executable, "-m", "venv", str(env))
    run(
        str(env / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        *map(str, wheels.glob("*.whl")),
    )
    return env


def run(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def installed(env: Path) -> set[str]:
    listing = run(str(env / "bin" / "python"), "-m", "pip", "list", "--format=freeze").stdout
    return {line.split("==")[0].lower() for line in listing.splitlines()}


def test_the_contracts_install_without_django_or_core(contract_env):
    packages = installed(contract_env)
    assert {"users-contracts", "projects-contracts", "split-ready-kit", "pydantic", "httpx"} <= (
        packages
    )
    assert not packages & {"django", "djangorestframework", "split-ready-core", "split-ready"}


def test_a_consumer_uses_the_fake_and_the_http_client(contract_env, tmp_path):
    # Run from an empty folder, so nothing of this checkout is importable.
    script = tmp_path / "consumer.py"
    script.write_text(CONSUMER_SCRIPT)
    result = run(str(contract_env / "bin" / "python"), str(script), cwd=tmp_path)
    assert result.stdout.strip() == "consumer ok"
