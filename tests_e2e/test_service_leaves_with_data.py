"""The app image starts projects alone on the PostgreSQL database a monolith filled (ADR 14).

The monolith (on the host) migrates and fills a users and a projects database in a container
of the project's postgres image. The app image then runs with ``SERVICES=projects`` on that
projects database, as a split deployment would: its entrypoint's ``migrate_all`` forgets the
records of auth and contenttypes the monolith left there and makes their tables, gunicorn
serves, and Alice's projects are answered from that database.
"""

import os
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.service_data import key_pair, postgres_admin, run, step
from tests_e2e.conftest import free_port, require_docker

POSTGRES_IMAGE = "split-ready/postgres:local"
APP_IMAGE = "split-ready/app:local"
USER, PASSWORD = "tests", "tests"


@pytest.fixture(scope="module")
def network() -> Iterator[object]:
    require_docker()
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")  # Ryuk would be a pull
    from testcontainers.core.network import Network

    with Network() as network:
        yield network


@pytest.fixture(scope="module")
def postgres_server(network) -> Iterator[str]:
    """The server's URL from the host; the app container reaches it as ``db:5432``."""
    from testcontainers.community.postgres import PostgresContainer

    server = PostgresContainer(POSTGRES_IMAGE, username=USER, password=PASSWORD, dbname="tests")
    with server.with_network(network).with_network_aliases("db") as started:
        url = started.get_connection_url(host="127.0.0.1", driver=None).rsplit("/", 1)[0]
        url = url.replace("postgresql://", "postgres://", 1)
        for name in ("users", "projects"):
            postgres_admin(url, f'CREATE DATABASE "{name}"')
        yield url


@pytest.fixture(scope="module")
def monolith_filled(postgres_server, tmp_path_factory) -> dict:
    urls = {
        "USERS_DATABASE_URL": f"{postgres_server}/users",
        "PROJECTS_DATABASE_URL": f"{postgres_server}/projects",
    }
    var_dir = tmp_path_factory.mktemp("var")
    run(["manage.py", "migrate_all"], "users,projects", urls, var_dir)
    return step("fill", "users,projects", urls, var_dir)


def wait_for_readiness(container, url: str, seconds: float = 90) -> None:
    """Until ``/readyz`` answers 200; fails at once, with the logs, if the container stops."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wrapped = container.get_wrapped_container()
        wrapped.reload()
        if wrapped.status == "exited":
            pytest.fail(f"the container stopped:\n{logs(container)}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"not ready after {seconds} s:\n{logs(container)}")


def logs(container) -> str:
    out, err = container.get_logs()
    return (out + err).decode(errors="replace")


def test_the_entrypoint_migrates_and_serves_a_monolith_projects_database(network, monolith_filled):
    from testcontainers.core.container import DockerContainer

    port = free_port()
    app = (
        DockerContainer(APP_IMAGE)
        .with_network(network)
        .with_env("SERVICES", "projects")
        .with_env("PROJECTS_DATABASE_URL", f"postgres://{USER}:{PASSWORD}@db:5432/projects")
        .with_env("USERS_SERVICE_URL", "http://users.invalid:8000")
        .with_env("DJANGO_SECRET_KEY", "e2e-only-secret-key-" + "x" * 40)
        .with_env("INTERNAL_API_TOKEN", "e2e-only-internal-token-" + "x" * 20)
        .with_env("JWT_PUBLIC_KEY", key_pair()[1])
        .with_env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
        .with_env("GUNICORN_WORKERS", "1")
        .with_bind_ports(8000, port)
    )
    with app:
        url = f"http://127.0.0.1:{port}"
        wait_for_readiness(app, f"{url}/readyz")
        alice = {"Authorization": f"Bearer {monolith_filled['access']}"}
        listing = httpx.get(f"{url}/api/projects/?ordering=name", headers=alice, timeout=10)
        output = logs(app)

    assert "Forgetting 12 recorded migration(s) of 'auth'" in output
    assert "Forgetting 2 recorded migration(s) of 'contenttypes'" in output
    assert listing.status_code == 200, listing.text
    assert [project["name"] for project in listing.json()["results"]] == ["Apollo", "Gemini"]
