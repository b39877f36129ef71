"""get_transport: EVENTS_TRANSPORT picks the in-process transport or AmqpTransport, lazily."""

import sys
import types

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from shared.core.events import transport
from shared.core.events.testing import InMemoryTransport


def test_local_is_the_default_and_delivers_in_process():
    assert isinstance(transport.get_transport(), transport.LocalTransport)
    assert transport.is_local()


def test_amqp_builds_the_amqp_transport_from_the_broker_url(monkeypatch):
    built = []

    class AmqpTransport:
        def __init__(self, url: str):
            built.append(url)

    module = types.ModuleType("shared.core.events.amqp")
    module.AmqpTransport = AmqpTransport  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "shared.core.events.amqp", module)

    with override_settings(EVENTS_TRANSPORT="amqp", EVENTS_BROKER_URL="amqp://broker:5672/"):
        assert isinstance(transport.get_transport(), AmqpTransport)
        assert not transport.is_local()

    assert built == ["amqp://broker:5672/"]


def test_an_unknown_transport_is_a_configuration_error():
    with (
        override_settings(EVENTS_TRANSPORT="carrier-pigeon"),
        pytest.raises(ImproperlyConfigured, match="EVENTS_TRANSPORT"),
    ):
        transport.get_transport()


def test_override_wins_and_is_undone():
    fake = InMemoryTransport()

    with transport.override(fake):
        assert transport.get_transport() is fake
        assert not transport.is_local()

    assert isinstance(transport.get_transport(), transport.LocalTransport)


def test_the_fake_and_the_local_transport_follow_the_protocol():
    assert isinstance(InMemoryTransport(), transport.EventTransport)
    assert isinstance(InMemoryTransport(), transport.ReplaysDeadLetters)
    assert isinstance(transport.LocalTransport(), transport.EventTransport)


def test_the_local_transport_has_no_queue_to_consume():
    with pytest.raises(RuntimeError, match="in-process"):
        transport.LocalTransport().consume(
            queue="q", event_types=[], handle=lambda body, headers: None, max_attempts=1
        )
