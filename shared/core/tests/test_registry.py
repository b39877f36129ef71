"""ClientRegistry: one client per provider name, built from ``SERVICE_CLIENTS``, overridable."""

import threading

import pytest

from shared.core.clients import ClientRegistry, clients
from shared.core.tests.testapp.clients import CountingClient, OtherClient
from shared.kit.errors import ServiceUnavailableError

COUNTING = "shared.core.tests.testapp.clients.CountingClient"
OTHER = "shared.core.tests.testapp.clients.OtherClient"


@pytest.fixture(autouse=True)
def _configured(settings):
    settings.SERVICE_CLIENTS = {
        "users": {"transport": "local", "local": COUNTING},
        "billing": {"transport": "local", "local": OTHER},
    }
    CountingClient.constructed = 0


def test_local_transport_builds_the_configured_local_adapter():
    assert isinstance(ClientRegistry().get("users"), CountingClient)
    assert isinstance(ClientRegistry().get("billing"), OtherClient)


def test_client_is_built_once_per_name():
    registry = ClientRegistry()

    first, second = registry.get("users"), registry.get("users")

    assert first is second
    assert CountingClient.constructed == 1


def test_concurrent_first_uses_build_the_client_once():
    registry = ClientRegistry()
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(registry.get("users"))) for _ in range(8)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert CountingClient.constructed == 1
    assert len({id(result) for result in results}) == 1


def test_reset_builds_a_new_client_on_next_use():
    registry = ClientRegistry()
    first = registry.get("users")

    registry.reset()

    assert registry.get("users") is not first
    assert CountingClient.constructed == 2


def test_override_applies_inside_the_block_and_restores_after():
    registry = ClientRegistry()
    built = registry.get("users")
    fake = object()

    with registry.override("users", fake) as given:
        assert given is fake
        assert registry.get("users") is fake

    assert registry.get("users") is built


def test_nested_override_restores_the_outer_override():
    registry = ClientRegistry()
    outer, inner = object(), object()

    with registry.override("users", outer):
        with registry.override("users", inner):
            assert registry.get("users") is inner
        assert registry.get("users") is outer


def test_override_restores_even_when_the_block_raises():
    registry = ClientRegistry()

    with pytest.raises(RuntimeError), registry.override("users", object()):
        raise RuntimeError

    assert isinstance(registry.get("users"), CountingClient)


def test_override_works_for_a_name_that_is_not_configured():
    registry = ClientRegistry()
    fake = object()

    with registry.override("search", fake):
        assert registry.get("search") is fake

    with pytest.raises(ServiceUnavailableError):
        registry.get("search")


def test_unknown_name_is_service_unavailable():
    with pytest.raises(ServiceUnavailableError, match="'search'"):
        ClientRegistry().get("search")


def test_missing_setting_makes_every_name_unavailable(settings):
    del settings.SERVICE_CLIENTS

    with pytest.raises(ServiceUnavailableError):
        ClientRegistry().get("users")


def test_process_wide_registry_hands_out_configured_clients():
    assert clients.get("users") is clients.get("users")


# --- Transports --------------------------------------------------------------------------------

SELF_CLIENT = "shared.core.tests.testapp.clients.SelfClient"


@pytest.fixture
def _fresh_http_pools():
    from shared.kit.http import reset_clients

    reset_clients()
    yield
    reset_clients()


@pytest.mark.usefixtures("_fresh_http_pools")
def test_http_transport_builds_the_remote_client_for_its_url(settings):
    settings.SERVICE_CLIENTS = {
        "self": {
            "transport": "http",
            "remote": SELF_CLIENT,
            "url": "http://users:8000",
            "token": "t",
        }
    }

    client = ClientRegistry().get("self")

    assert str(client._http.base_url) == "http://users:8000"


@pytest.mark.usefixtures("_fresh_http_pools")
def test_wsgi_transport_calls_into_this_process(settings):
    settings.SERVICE_CLIENTS = {
        "self": {
            "transport": "wsgi",
            "remote": SELF_CLIENT,
            "token": "core-tests-internal-token",
        }
    }

    client = ClientRegistry().get("self")

    assert client.health() == {"status": "ok"}
    assert client.internal_ping() == {"caller_is_service": True}
