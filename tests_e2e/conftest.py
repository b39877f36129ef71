"""Bring topologies up for the end-to-end suite, and take them down again.

Docker is required: in CI (CI=true) its absence fails the run loudly; elsewhere the compose tests
are skipped with the reason.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
IMAGES = (
    "split-ready/app:local",
    "split-ready/gateway:local",
    "split-ready/postgres:local",
    "split-ready/broker:local",
)


TOPOLOGIES = ("monolith", "split-local", "compose", "swarm")
# A test that uses one of these fixtures runs in that topology.
TOPOLOGY_OF_FIXTURE = {
    "monolith": "monolith",
    "split_local": "split-local",
    "compose_stack": "compose",
    "compose_env": "compose",
    "amqp_broker": "compose",  # the compose broker image, in a container of its own
    "swarm_stack": "swarm",  # tests_e2e/test_swarm.py
}


def topologies_of(item: pytest.Item) -> set[str]:
    callspec = getattr(item, "callspec", None)
    params = callspec.params.values() if callspec else ()
    chosen = {value for value in params if isinstance(value, str) and value in TOPOLOGIES}
    fixtures = getattr(item, "fixturenames", ())
    return chosen or {TOPOLOGY_OF_FIXTURE[name] for name in fixtures if name in TOPOLOGY_OF_FIXTURE}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``TOPOLOGY=compose`` (``make test-e2e TOPOLOGY=compose``) runs one topology's tests.

    Without it every topology runs but swarm, which has a step of its own (``make test-swarm``:
    it initialises a swarm on this engine).
    """
    wanted = os.environ.get("TOPOLOGY")
    if not wanted:
        swarm = [item for item in items if "swarm" in topologies_of(item)]
        if swarm:
            config.hook.pytest_deselected(items=swarm)
            items[:] = [item for item in items if item not in swarm]
        return
    if wanted not in TOPOLOGIES:
        raise pytest.UsageError(f"TOPOLOGY: one of {', '.join(TOPOLOGIES)}, got {wanted!r}")
    deselected = [item for item in items if wanted not in topologies_of(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if wanted in topologies_of(item)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_docker() -> None:
    reason = None
    if shutil.which("docker") is None:
        reason = "the docker CLI is not installed"
    elif subprocess.run(["docker", "info"], capture_output=True, check=False).returncode != 0:
        reason = "the Docker engine is not reachable"
    elif subprocess.run(
        ["docker", "compose", "version"], capture_output=True, check=False
    ).returncode:
        reason = "Compose v2 is missing (make compose-plugin installs it)"
    if reason is None:
        missing = [
            image
            for image in IMAGES
            if subprocess.run(
                ["docker", "image", "inspect", image], capture_output=True, check=False
            ).returncode
        ]
        reason = f"images missing ({', '.join(missing)}): run make images" if missing else None
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Docker is required for the end-to-end tests in CI: {reason}")
        pytest.skip(reason)


def wait_until_ready(url: str, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"not ready after {seconds} s: {url}")


@pytest.fixture(scope="session")
def monolith(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Both services in one gunicorn (2 workers), as the image runs it, on fresh SQLite files."""
    port = free_port()
    var_dir = tmp_path_factory.mktemp("monolith-var")
    env = {
        **os.environ,
        "SERVICES": "users,projects",
        "VAR_DIR": str(var_dir),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DJANGO_ACCESS_LOG": "false",
        "GUNICORN_WORKERS": "2",
    }
    python = sys.executable
    for command in ("prepare_local_state", "migrate_all --verbosity 0"):  # as make migrate does
        subprocess.run([python, "manage.py", *command.split()], cwd=ROOT, env=env, check=True)
    log = (var_dir / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "--config", "python:config.gunicorn", "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{url}/readyz")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def split_local() -> Iterator[str]:
    ports = {
        "USERS_PORT": free_port(),
        "PROJECTS_PORT": free_port(),
        "GATEWAY_PORT": free_port(),
        "BROKER_PORT": free_port(),
    }
    env = {**os.environ, **{name: str(port) for name, port in ports.items()}}
    script = ROOT / "docker" / "split-local.sh"
    subprocess.run([str(script), "up"], cwd=ROOT, env=env, check=True, timeout=300)
    try:
        yield f"http://127.0.0.1:{ports['GATEWAY_PORT']}"
    finally:
        subprocess.run([str(script), "down"], cwd=ROOT, env=env, check=True, timeout=120)


@pytest.fixture(scope="session")
def compose_stack() -> Iterator[tuple[str, object]]:
    require_docker()
    from testcontainers.compose import DockerCompose

    port = free_port()
    # A project of its own, so a developer's `make split` stack is left alone (E2E_COMPOSE_PROJECT
    # names another, for two runs at once).
    os.environ["COMPOSE_PROJECT_NAME"] = os.environ.get("E2E_COMPOSE_PROJECT", "split-ready-e2e")
    os.environ["GATEWAY_PORT"] = str(port)
    stack = DockerCompose(ROOT, compose_file_name="docker-compose.yml", pull=False, build=False)
    stack.start()
    try:
        url = f"http://127.0.0.1:{port}"
        httpx.get(f"{url}/healthz", timeout=10).raise_for_status()
        yield url, stack
    finally:
        stack.stop()


@pytest.fixture(params=["split-local", "compose"])
def gateway_url(request) -> str:
    if request.param == "compose":
        return request.getfixturevalue("compose_stack")[0]
    return request.getfixturevalue("split_local")


@pytest.fixture(params=["monolith", "split-local", "compose"])
def base_url(request) -> str:
    """The public API's base URL in each topology: a client cannot tell them apart."""
    if request.param == "compose":
        return request.getfixturevalue("compose_stack")[0]
    return request.getfixturevalue(request.param.replace("-", "_"))


@pytest.fixture
def topology(request, base_url) -> str:
    """The name of the topology ``base_url`` points at: monolith, split-local or compose."""
    return request.node.callspec.params["base_url"]
