"""Projects reach users the same way over every transport, and degrade when users is down."""

import socket
import time
from collections import Counter

import httpx
import pytest
from django.conf import settings

from shared.core.clients import clients
from shared.kit.http import ClientPolicy, reset_clients
from users_contracts.v1 import UsersClient
from users_contracts.v1.http import HttpUsersClient

BOTH = ["users", "projects"]


class CountingClient:
    """Counts the calls made on a UsersClient, whatever its transport."""

    def __init__(self, inner):
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def counted(*args, **kwargs):
            self.calls[name] += 1
            return method(*args, **kwargs)

        return counted


def _users_client_config(transport: str, url: str | None = None) -> dict:
    return {**settings.SERVICE_CLIENTS["users"], "transport": transport, "url": url}


@pytest.fixture(params=["local", "wsgi", "http"])
def users_transport(request, settings):
    """Point the users client at the chosen transport; yield a call counter around it."""
    reset_clients()
    url = request.getfixturevalue("live_server").url if request.param == "http" else None
    settings.SERVICE_CLIENTS = {"users": _users_client_config(request.param, url)}
    clients.reset()
    counting = CountingClient(clients.get("users", UsersClient))
    with clients.override("users", counting):
        yield counting
    reset_clients()


@pytest.mark.django_db(databases=BOTH, transaction=True)
@pytest.mark.parametrize("page_size", [1, 5, 12])
def test_expand_owner_makes_one_users_call_per_page(
    client, register_and_login, users_transport, page_size
):
    owners = [register_and_login(f"owner{i}@example.com", f"Owner {i}") for i in range(3)]
    reader_uuid, reader = register_and_login("reader@example.com", "Reader")
    for index in range(12):
        _, owner = owners[index % 3]
        project_uuid = client.post(
            "/api/projects/", {"name": f"P{index}"}, format="json", headers=owner
        ).json()["uuid"]
        client.post(
            f"/api/projects/{project_uuid}/members/",
            {"email": "reader@example.com"},
            format="json",
            headers=owner,
        )
    users_transport.calls.clear()

    page = client.get(f"/api/projects/?expand=owner&page_size={page_size}", headers=reader)

    assert page.status_code == 200
    assert users_transport.calls == Counter({"get_users": 1})
    names = {project["owner"]["display_name"] for project in page.json()["results"]}
    assert names <= {"Owner 0", "Owner 1", "Owner 2"}
    assert len(page.json()["results"]) == page_size
    assert reader_uuid not in {project["owner_uuid"] for project in page.json()["results"]}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(databases=BOTH)
def test_when_users_is_down_projects_degrade_instead_of_failing(
    client, register_and_login, settings
):
    owner_uuid, owner = register_and_login("owner@example.com", "Owner")
    project_uuid = client.post("/api/projects/", {"name": "P"}, format="json", headers=owner)
    project_uuid = project_uuid.json()["uuid"]
    reset_clients()
    settings.SERVICE_CLIENTS = {
        "users": _users_client_config("http", f"http://127.0.0.1:{_closed_port()}")
    }
    clients.reset()

    listing = client.get("/api/projects/", headers=owner)
    assert listing.status_code == 200
    assert "X-Degraded" not in listing

    expanded = client.get("/api/projects/?expand=owner", headers=owner)
    assert expanded.status_code == 200
    assert expanded["X-Degraded"] == "users"
    assert expanded.json()["results"][0]["owner"] is None

    members = client.get(f"/api/projects/{project_uuid}/members/", headers=owner)
    assert members.status_code == 200
    assert members["X-Degraded"] == "users"
    assert members.json()[0] == {**members.json()[0], "user_uuid": owner_uuid, "display_name": None}

    started = time.monotonic()
    added = client.post(
        f"/api/projects/{project_uuid}/members/",
        {"email": "someone@example.com"},
        format="json",
        headers=owner,
    )
    assert added.status_code == 503
    assert added.json()["error"]["code"] == "service_unavailable"
    assert time.monotonic() - started < 5
    reset_clients()


class SwitchableTransport(httpx.BaseTransport):
    """Delegates to a real transport, or fails to connect while ``down``."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner = inner
        self.down = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused")
        return self.inner.handle_request(request)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_projects_recover_when_users_comes_back(client, register_and_login, live_server):
    _, owner = register_and_login("owner@example.com", "Owner")
    client.post("/api/projects/", {"name": "P"}, format="json", headers=owner)
    reset_clients()
    transport = SwitchableTransport(httpx.HTTPTransport())
    users = HttpUsersClient(
        base_url=live_server.url,
        token=settings.INTERNAL_API_TOKEN,
        transport=transport,
        policy=ClientPolicy(breaker_fail_max=2, breaker_reset_timeout=0.3, attempts=1),
    )
    with clients.override("users", users):
        transport.down = True
        for _ in range(3):  # enough failures to open the breaker
            degraded = client.get("/api/projects/?expand=owner", headers=owner)
            assert degraded["X-Degraded"] == "users"

        transport.down = False
        time.sleep(0.35)  # the breaker lets a trial call through after its reset timeout
        recovered = client.get("/api/projects/?expand=owner", headers=owner)
    assert recovered.status_code == 200
    assert "X-Degraded" not in recovered
    assert recovered.json()["results"][0]["owner"]["display_name"] == "Owner"
    reset_clients()


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_readiness_reports_a_remote_provider_without_depending_on_it(client, settings, live_server):
    settings.SERVICE_CLIENTS = {"users": _users_client_config("http", live_server.url)}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["downstream"] == {"users": "ok"}

    settings.SERVICE_CLIENTS = {
        "users": _users_client_config("http", f"http://127.0.0.1:{_closed_port()}")
    }
    still_ready = client.get("/readyz")
    assert still_ready.status_code == 200
    assert still_ready.json()["downstream"]["users"].startswith("unavailable")
