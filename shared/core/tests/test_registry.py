"""ClientRegistry: one client per provider name, built from ``SERVICE_CLIENTS``, overridable."""

import threading
from typing import Protocol, runtime_checkable

import pytest
from django.core.exceptions import ImproperlyConfigured

from shared.core.clients import ClientRegistry, clients
from shared.core.tests.testapp.clients import CountingClient, OtherClient, SelfClient
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
    assert isinstance(ClientRegistry().get("users", CountingClient), CountingClient)
    assert isinstance(ClientRegistry().get("billing", OtherClient), OtherClient)


def test_client_is_built_once_per_name():
    registry = ClientRegistry()

    first, second = registry.get("users", CountingClient), registry.get("users", CountingClient)

    assert first is second
    assert CountingClient.constructed == 1


def test_concurrent_first_uses_build_the_client_once():
    registry = ClientRegistry()
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(registry.get("users", CountingClient)))
        for _ in range(8)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert CountingClient.constructed == 1
    assert len({id(result) for result in results}) == 1


def test_reset_builds_a_new_client_on_next_use():
    registry = ClientRegistry()
    first = registry.get("users", CountingClient)

    registry.reset()

    assert registry.get("users", CountingClient) is not first
    assert CountingClient.constructed == 2


def test_override_applies_inside_the_block_and_restores_after():
    registry = ClientRegistry()
    built = registry.get("users", CountingClient)
    fake = object()

    with registry.override("users", fake) as given:
        assert given is fake
        assert registry.get("users", CountingClient) is fake

    assert registry.get("users", CountingClient) is built


def test_nested_override_restores_the_outer_override():
    registry = ClientRegistry()
    outer, inner = object(), object()

    with registry.override("users", outer):
        with registry.override("users", inner):
            assert registry.get("users", CountingClient) is inner
        assert registry.get("users", CountingClient) is outer


def test_override_restores_even_when_the_block_raises():
    registry = ClientRegistry()

    with pytest.raises(RuntimeError), registry.override("users", object()):
        raise RuntimeError

    assert isinstance(registry.get("users", CountingClient), CountingClient)


def test_override_works_for_a_name_that_is_not_configured():
    registry = ClientRegistry()
    fake = object()

    with registry.override("search", fake):
        assert registry.get("search", object) is fake

    with pytest.raises(ServiceUnavailableError):
        registry.get("search", object)


def test_unknown_name_is_service_unavailable():
    with pytest.raises(ServiceUnavailableError, match="'search'"):
        ClientRegistry().get("search", object)


def test_missing_setting_makes_every_name_unavailable(settings):
    del settings.SERVICE_CLIENTS

    with pytest.raises(ServiceUnavailableError):
        ClientRegistry().get("users", CountingClient)


class Pings(Protocol):
    def ping(self) -> str: ...


@runtime_checkable
class CheckedPings(Protocol):
    def ping(self) -> str: ...


def test_a_built_client_is_checked_against_a_runtime_checkable_protocol():
    assert ClientRegistry().get("billing", CheckedPings).ping() == "pong"

    with pytest.raises(ImproperlyConfigured, match=r"SERVICE_CLIENTS\['users'\].*CountingClient"):
        ClientRegistry().get("users", CheckedPings)


def test_a_built_client_is_checked_against_a_class():
    with pytest.raises(ImproperlyConfigured, match="not a OtherClient"):
        ClientRegistry().get("users", OtherClient)


def test_a_client_that_fails_the_check_is_not_kept():
    registry = ClientRegistry()
    with pytest.raises(ImproperlyConfigured):
        registry.get("users", CheckedPings)

    assert isinstance(registry.get("users", CountingClient), CountingClient)
    assert CountingClient.constructed == 2


def test_a_plain_protocol_only_types_the_client():
    # isinstance cannot tell without @runtime_checkable: the type checker's word is taken.
    assert isinstance(ClientRegistry().get("users", Pings), CountingClient)


def test_an_override_is_not_checked():
    registry = ClientRegistry()
    fake = object()

    with registry.override("users", fake):
        assert registry.get("users", CheckedPings) is fake


def test_process_wide_registry_hands_out_configured_clients():
    assert clients.get("users", CountingClient) is clients.get("users", CountingClient)


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

    client = ClientRegistry().get("self", SelfClient)

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

    client = ClientRegistry().get("self", SelfClient)

    assert client.health() == {"status": "ok"}
    assert client.internal_ping() == {"caller_is_service": True}
