"""The AMQP transport against the real broker: the compose image (split-ready/broker:local),
one container for the module, on a fixed host port so it can be stopped and started again.

Confirms, acknowledgement after the handler, retries with attempts, dead letters and their
replay, unroutable messages, a broker that goes away and comes back, SIGTERM.
"""

import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from tests_e2e.conftest import ROOT, free_port, require_docker

sys.path.insert(0, str(ROOT / "docker"))
from compose_env import rabbitmq_password_hash

from shared.core.events.amqp import AmqpTransport, PublishError, Unroutable

IMAGE = "split-ready/broker:local"
PASSWORD = "e2e-broker-password"


class Broker:
    def __init__(self, container, port: int):
        self.container = container
        self.port = port
        self.url = f"amqp://events:{PASSWORD}@127.0.0.1:{port}/"

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                AmqpTransport(self.url, connect_timeout=1).connection().release()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        self.container.get_wrapped_container().stop(timeout=30)

    def start(self) -> None:
        self.container.get_wrapped_container().start()
        self.wait_ready()


@pytest.fixture(scope="module")
def amqp_broker() -> Iterator[Broker]:
    require_docker()
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")  # Ryuk would be a pull
    from testcontainers.core.container import DockerContainer

    port = free_port()
    container = (
        DockerContainer(IMAGE)
        .with_env("RABBITMQ_USER", "events")
        .with_env("RABBITMQ_PASSWORD_HASH", rabbitmq_password_hash(PASSWORD))
        .with_bind_ports(5672, port)
    )
    container.start()
    try:
        broker = Broker(container, port)
        broker.wait_ready()
        yield broker
    finally:
        container.stop()


@pytest.fixture
def transport(amqp_broker) -> Iterator[AmqpTransport]:
    transport = AmqpTransport(amqp_broker.url, retry_base_seconds=0.2, reconnect_cap_seconds=2)
    yield transport
    transport.close()


@pytest.fixture
def queue() -> str:
    return f"e2e-{uuid.uuid4().hex[:8]}"


def event_type() -> str:
    return f"thing.{uuid.uuid4().hex[:8]}"


class Consumer:
    """``transport.consume`` in a thread; ``calls`` lists what ``handle`` was given."""

    def __init__(self, url: str, queue: str, event_types: list[str], *, fail=None, attempts=3):
        self.transport = AmqpTransport(url, retry_base_seconds=0.2, reconnect_cap_seconds=2)
        self.calls: list[tuple[bytes, dict[str, str]]] = []
        self.fail = fail or (lambda body, calls: False)
        self.thread = threading.Thread(
            target=self.transport.consume,
            kwargs={
                "queue": queue,
                "event_types": event_types,
                "handle": self.handle,
                "max_attempts": attempts,
            },
            daemon=True,
        )

    def handle(self, body: bytes, headers: dict[str, str]) -> None:
        self.calls.append((body, headers))
        if self.fail(body, self.calls):
            raise RuntimeError(f"handler failed on {body!r}")

    def __enter__(self) -> "Consumer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.transport.stop()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()

    def wait_for(self, count: int, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while len(self.calls) < count:
            assert time.monotonic() < deadline, f"{len(self.calls)} of {count} calls"
            time.sleep(0.05)


def test_published_messages_are_confirmed_and_consumed_with_their_headers(
    transport, queue, amqp_broker
):
    kind = event_type()
    transport.declare_queue(queue, [kind])
    for number in range(3):
        transport.publish(event_type=kind, body=b'{"n": %d}' % number, headers={"request-id": "r"})

    with Consumer(amqp_broker.url, queue, [kind]) as consumer:
        consumer.wait_for(3)

    assert consumer.calls == [(b'{"n": %d}' % n, {"request-id": "r"}) for n in range(3)]


def test_publishing_an_event_no_queue_is_bound_for_raises(transport):
    with pytest.raises(Unroutable, match="no queue is bound"):
        transport.publish(event_type=event_type(), body=b"{}", headers={})
    # The connection is still good (the confirm followed the return): the next one goes out.
    kind = event_type()
    transport.declare_queue(f"e2e-{kind}", [kind])
    transport.publish(event_type=kind, body=b"{}", headers={})


def test_a_message_is_acknowledged_only_after_handle_returned(transport, queue, amqp_broker):
    kind = event_type()
    transport.declare_queue(queue, [kind])
    transport.publish(event_type=kind, body=b"once", headers={})

    def crash(body, headers):  # the process dies in the handler: nothing acknowledged
        raise KeyboardInterrupt

    crashed = AmqpTransport(amqp_broker.url)
    with pytest.raises(KeyboardInterrupt):
        crashed.consume(queue=queue, event_types=[kind], handle=crash, max_attempts=3)

    with Consumer(amqp_broker.url, queue, [kind]) as consumer:
        consumer.wait_for(1)
    assert consumer.calls == [(b"once", {})]


def test_a_failing_message_is_delivered_again_with_backoff(transport, queue, amqp_broker):
    kind = event_type()
    transport.declare_queue(queue, [kind])
    transport.publish(event_type=kind, body=b"flaky", headers={"request-id": "r9"})

    started = time.monotonic()
    with Consumer(
        amqp_broker.url, queue, [kind], fail=lambda body, calls: len(calls) < 3, attempts=5
    ) as consumer:
        consumer.wait_for(3)
    elapsed = time.monotonic() - started

    assert consumer.calls == [(b"flaky", {"request-id": "r9"})] * 3
    assert elapsed >= 0.2 + 0.4  # the backoff: 0.2 s, then 0.4 s
    assert transport.dead_letters(queue) == []


def test_after_max_attempts_a_message_is_dead_with_its_error_and_can_be_replayed(
    transport, queue, amqp_broker
):
    kind = event_type()
    transport.declare_queue(queue, [kind])
    transport.publish(event_type=kind, body=b"poison", headers={"request-id": "r1"})

    with Consumer(amqp_broker.url, queue, [kind], fail=lambda *_: True, attempts=2) as consumer:
        consumer.wait_for(2)
        deadline = time.monotonic() + 10
        while not (letters := transport.dead_letters(queue)):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    [letter] = letters
    assert (letter.event_type, letter.body, letter.attempts) == (kind, b"poison", 2)
    assert letter.headers == {"request-id": "r1"}
    assert "handler failed on b'poison'" in letter.error
    assert transport.dead_letters(queue) == letters  # listing leaves them in place

    assert transport.replay_dead_letters(queue) == 1
    assert transport.dead_letters(queue) == []
    with Consumer(amqp_broker.url, queue, [kind]) as consumer:
        consumer.wait_for(1)
    assert consumer.calls == [(b"poison", {"request-id": "r1"})]


def test_consume_stops_on_sigterm_after_the_message_in_hand(transport, queue, amqp_broker):
    kind = event_type()
    transport.declare_queue(queue, [kind])
    transport.publish(event_type=kind, body=b"slow", headers={})
    transport.publish(event_type=kind, body=b"next", headers={})
    script = textwrap.dedent(f"""
        import sys, time
        from shared.core.events.amqp import AmqpTransport
        def handle(body, headers):
            print("handling", body.decode(), flush=True)
            time.sleep(1.5)
            print("handled", body.decode(), flush=True)
        AmqpTransport({amqp_broker.url!r}).consume(
            queue={queue!r}, event_types=[{kind!r}], handle=handle, max_attempts=3)
        print("stopped", flush=True)
    """)
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "handling slow"
    process.terminate()
    out, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert out.split("\n")[:2] == ["handled slow", "stopped"]

    with Consumer(amqp_broker.url, queue, [kind]) as consumer:
        consumer.wait_for(1)
        time.sleep(0.5)
    assert consumer.calls == [(b"next", {})]  # "slow" was acknowledged, "next" never taken


def test_publish_rate_with_confirms(transport, queue, capsys):
    kind = event_type()
    transport.declare_queue(queue, [kind])
    body = b'{"user_uuid": "7d8e9f00-0000-4000-8000-000000000000", "n": 0}'
    count = 500
    started = time.perf_counter()
    for _ in range(count):
        transport.publish(event_type=kind, body=body, headers={"request-id": "r"})
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\npublish with confirms: {count / elapsed:.0f} messages/s, one at a time")
    assert count / elapsed > 50


def test_publish_raises_while_the_broker_is_down_and_consume_resumes_after_it_restarts(
    transport, queue, amqp_broker
):
    kind, idle_kind = event_type(), event_type()
    transport.declare_queue(queue, [kind])
    transport.declare_queue(f"{queue}-idle", [idle_kind])
    transport.publish(event_type=idle_kind, body=b"persisted", headers={})  # nobody consumes
    transport.publish(event_type=kind, body=b"before", headers={})

    with Consumer(amqp_broker.url, queue, [kind]) as consumer:
        consumer.wait_for(1)
        amqp_broker.stop()
        try:
            started = time.monotonic()
            with pytest.raises(PublishError):
                transport.publish(event_type=kind, body=b"refused", headers={})
            refused_after = time.monotonic() - started
        finally:
            amqp_broker.start()
        transport.publish(event_type=kind, body=b"after", headers={})  # reconnects
        consumer.wait_for(2, seconds=30)

    assert refused_after < 15
    assert consumer.calls == [(b"before", {}), (b"after", {})]
    with Consumer(amqp_broker.url, f"{queue}-idle", [idle_kind]) as consumer:
        consumer.wait_for(1)  # durable queue, persistent message: it survived the restart
    assert consumer.calls == [(b"persisted", {})]
