"""The AMQP transport's logic without a broker: its helpers, and its flow over kombu's in-memory
transport (no confirms, returns, TTLs nor dead-lettering there: tests_e2e/test_amqp_transport.py
runs those against RabbitMQ)."""

import itertools
import signal

import pytest
from kombu import Connection, Queue

from shared.core.events.amqp import (
    ATTEMPTS_HEADER,
    ERROR_HEADER,
    ROUTING_KEY_HEADER,
    AmqpTransport,
    PublishError,
    attempts_of,
    body_bytes,
    publisher_headers,
    reconnect_delay,
    retry_delay,
)

names = itertools.count()


@pytest.fixture
def queue() -> str:
    return f"test-amqp-{next(names)}"


@pytest.fixture
def transport() -> AmqpTransport:
    transport = AmqpTransport("memory://", retry_base_seconds=0.01)
    yield transport
    transport.close()


def waiting(name: str) -> list:
    """The messages in queue ``name`` of the in-memory broker, taken off it."""
    taken = []
    with Connection("memory://") as connection:
        bound = Queue(name)(connection.default_channel)
        while (message := bound.get(no_ack=True)) is not None:
            taken.append(message)
    return taken


def consume_until(transport, queue, handle, *, messages, max_attempts=3):
    """Consume in this thread until ``handle`` has been called ``messages`` times."""
    calls = []

    def counting(body, headers):
        calls.append((body, headers))
        if len(calls) >= messages:
            transport.stop()
        handle(body, headers)

    transport.consume(
        queue=queue, event_types=["user.deleted"], handle=counting, max_attempts=max_attempts
    )
    return calls


def test_retry_delay_doubles_from_the_base_up_to_the_cap():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == 60
    assert retry_delay(0) == 1
    assert retry_delay(3, base=0.5, cap=1.5) == 1.5


def test_reconnect_delay_doubles_up_to_the_cap():
    assert [reconnect_delay(n) for n in (1, 2, 3)] == [0.5, 1, 2]
    assert reconnect_delay(50) == 15


def test_publisher_headers_leave_out_the_transports_and_the_brokers():
    headers = {
        "request-id": "r1",
        "event-id": b"e1",
        "event-version": 1,
        ATTEMPTS_HEADER: 2,
        ERROR_HEADER: "boom",
        ROUTING_KEY_HEADER: "user.deleted",
        "x-death": [{"count": 1}],
        "x-first-death-queue": "q",
    }
    assert publisher_headers(headers) == {
        "request-id": "r1",
        "event-id": "e1",
        "event-version": "1",
    }
    assert publisher_headers(None) == {}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (None, 0),
        ({}, 0),
        ({ATTEMPTS_HEADER: 3}, 3),
        ({ATTEMPTS_HEADER: "x"}, 0),
        ({ATTEMPTS_HEADER: -1}, 0),
    ],
)
def test_attempts_of(headers, expected):
    assert attempts_of(headers) == expected


def test_body_bytes_undoes_a_decoded_body():
    class Message:
        body = "é"
        content_encoding = "utf-8"

    assert body_bytes(Message()) == "é".encode()


def test_a_transport_needs_a_url():
    with pytest.raises(ValueError, match="EVENTS_BROKER_URL"):
        AmqpTransport("")


def test_logs_never_show_the_password():
    transport = AmqpTransport("amqp://events:s3cret@broker:5672/")
    assert "s3cret" not in repr(transport)
    assert "broker:5672" in transport.safe_url()


def test_publish_and_consume_hand_over_body_and_headers(transport, queue):
    transport.declare_queue(queue, ["user.deleted"])
    transport.publish(event_type="user.deleted", body=b'{"id": 1}', headers={"request-id": "r1"})

    calls = consume_until(transport, queue, lambda body, headers: None, messages=1)

    assert calls == [(b'{"id": 1}', {"request-id": "r1"})]
    assert waiting(queue) == []  # acknowledged


def test_consume_restores_the_signal_handlers_it_installed(transport, queue):
    before = signal.getsignal(signal.SIGTERM)
    transport.declare_queue(queue, ["user.deleted"])
    transport.publish(event_type="user.deleted", body=b"{}", headers={})
    consume_until(transport, queue, lambda body, headers: None, messages=1)
    assert signal.getsignal(signal.SIGTERM) is before


def test_sigterm_stops_consume_after_the_message_in_hand(transport, queue):
    transport.declare_queue(queue, ["user.deleted"])
    transport.publish(event_type="user.deleted", body=b"1", headers={})
    transport.publish(event_type="user.deleted", body=b"2", headers={})
    handled = []

    def handle(body, headers):
        signal.raise_signal(signal.SIGTERM)  # caught: it only asks to stop
        handled.append(body)

    transport.consume(queue=queue, event_types=["user.deleted"], handle=handle, max_attempts=3)

    assert handled == [b"1"]
    assert [message.body for message in waiting(queue)] == [b"2"]


def test_a_failed_message_goes_to_the_retry_queue_with_its_attempt_and_error(transport, queue):
    transport.declare_queue(queue, ["user.deleted"])
    transport.publish(event_type="user.deleted", body=b"{}", headers={"request-id": "r1"})

    def fail(body, headers):
        raise RuntimeError("boom")

    consume_until(transport, queue, fail, messages=1)

    [copy] = waiting(f"{queue}.retry")
    assert copy.headers[ATTEMPTS_HEADER] == 1
    assert copy.headers[ERROR_HEADER] == "RuntimeError: boom"
    assert copy.headers[ROUTING_KEY_HEADER] == "user.deleted"
    assert copy.headers["request-id"] == "r1"
    assert copy.properties["delivery_mode"] == 2
    assert float(copy.properties["expiration"]) == 10  # 0.01 s, in milliseconds
    assert waiting(queue) == []


def test_after_max_attempts_a_message_is_dead_and_can_be_replayed(transport, queue):
    transport.declare_queue(queue, ["user.deleted"])
    with Connection("memory://") as connection:  # as the retry queue hands it back
        connection.Producer().publish(
            b'{"id": 7}',
            routing_key=queue,
            headers={ATTEMPTS_HEADER: 2, ROUTING_KEY_HEADER: "user.deleted", "request-id": "r7"},
            content_type="application/json",
            content_encoding="utf-8",
        )

    def fail(body, headers):
        raise ValueError("bad payload")

    consume_until(transport, queue, fail, messages=1, max_attempts=3)

    [letter] = transport.dead_letters(queue)
    assert letter.event_type == "user.deleted"
    assert letter.body == b'{"id": 7}'
    assert letter.headers == {"request-id": "r7"}
    assert letter.attempts == 3
    assert letter.error == "ValueError: bad payload"
    assert letter.failed_at.endswith("+00:00")
    assert len(transport.dead_letters(queue)) == 1  # listing leaves them in place

    assert transport.replay_dead_letters(queue) == 1
    assert transport.dead_letters(queue) == []
    [replayed] = waiting(queue)
    assert replayed.body == b'{"id": 7}'
    assert ATTEMPTS_HEADER not in replayed.headers  # a fresh start
    assert replayed.headers["request-id"] == "r7"


def test_max_attempts_must_be_positive(transport, queue):
    with pytest.raises(ValueError, match="max_attempts"):
        transport.consume(queue=queue, event_types=["a"], handle=print, max_attempts=0)


def test_publish_raises_when_the_broker_is_unreachable():
    transport = AmqpTransport("amqp://events:x@127.0.0.1:1/", connect_timeout=1)
    with pytest.raises(PublishError, match="not confirmed"):
        transport.publish(event_type="user.deleted", body=b"{}", headers={})
