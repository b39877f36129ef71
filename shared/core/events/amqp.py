"""The RabbitMQ transport (``EVENTS_TRANSPORT=amqp``): kombu over py-amqp, publisher confirms.

Topology, all durable:

- ``events``, a topic exchange; a message's routing key is its event type.
- ``<queue>``, one per consumer, bound to ``events`` with each event type it consumes.
- ``<queue>.retry``: a failed message waits there for its backoff (a per-message TTL), then is
  dead-lettered back into ``<queue>`` through the default exchange.
- ``<queue>.dead``: messages that failed ``max_attempts`` times, with their last error;
  ``dead_letters`` lists them, ``replay_dead_letters`` puts them back in ``<queue>``.

**Publishing** waits for the broker's confirm: persistent messages routed to durable queues are
confirmed once on disk. ``publish_many`` sends a batch, then waits for the confirms of all of it
(each message has its own outcome), so the round trips overlap instead of adding up. Messages are
published ``mandatory``: one that no queue is bound for comes back (``basic.return``, always
before the confirm) and ``publish`` raises ``Unroutable``, so the relay keeps the outbox row
unsent and sends it again later. The consumer declares its queue when
it starts, so an event published before any consumer of its type ever ran waits in the outbox
rather than being dropped by the exchange; ``declare_queue`` declares a consumer's queue ahead of
its first run (a deploy step), if the outbox should not hold them meanwhile.

**Consuming** handles one message at a time and acknowledges it only after ``handle`` returned;
the broker sends up to ``prefetch_count`` ahead (50), so the next one is at hand without a round
trip (a consumer stopping gives those back untouched). ``consume_many`` hands the messages at
hand over together (up to 20; what arrived within 2 ms of the last one), so the consumer commits
them in one transaction, and acknowledges each after that. When ``handle`` raises, a copy goes to
``<queue>.retry`` with ``x-attempts`` counted up and the error, or to ``<queue>.dead`` after
``max_attempts``; that copy is confirmed before the original is acknowledged, so a crash in
between duplicates (at least once), never loses. The consumer reconnects, with backoff, whenever
the broker goes away, and stops on SIGTERM once the message in hand is done.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import amqp
from kombu import Connection, Consumer, Exchange, Producer, Queue

from shared.core.events.messages import Outgoing

logger = logging.getLogger("shared.core.events.amqp")

EXCHANGE = "events"
DEFAULT_EXCHANGE = Exchange("")  # routes by queue name: retries, dead letters, replays
CONTENT_TYPE = "application/json"
PERSISTENT = 2
ATTEMPTS_HEADER = "x-attempts"
ERROR_HEADER = "x-error"
FAILED_AT_HEADER = "x-failed-at"
ROUTING_KEY_HEADER = "x-routing-key"  # the event type, kept across retries and dead letters
MAX_ERROR_LENGTH = 2000
# Headers the transport and the broker add; ``handle`` sees only the publisher's own.
TRANSPORT_HEADERS = frozenset({ATTEMPTS_HEADER, ERROR_HEADER, FAILED_AT_HEADER, ROUTING_KEY_HEADER})
BROKER_HEADER_PREFIXES = ("x-death", "x-first-death", "x-last-death")


# What a lost or refusing broker raises; anything else is a bug and ends ``consume``.
BROKER_ERRORS = (
    OSError,  # socket errors, timeouts, refused connections
    amqp.exceptions.AMQPError,  # includes py-amqp's connection and channel errors
    *Connection("amqp://").connection_errors,
    *Connection("amqp://").channel_errors,
)


class PublishError(Exception):
    """The broker did not take the message: not confirmed, refused, or unreachable."""


class Unroutable(PublishError):
    """No queue is bound for this event type: the broker would have dropped the message."""


@dataclass(frozen=True)
class DeadLetter:
    """One message in ``<queue>.dead``."""

    event_type: str
    body: bytes
    headers: dict[str, str]  # the publisher's
    attempts: int
    error: str
    failed_at: str  # ISO 8601, UTC


def retry_delay(attempts: int, *, base: float = 1.0, cap: float = 60.0) -> float:
    """Seconds before delivery number ``attempts + 1``: 1 s after the first failure, doubling."""
    return min(base * 2 ** max(attempts - 1, 0), cap)


def reconnect_delay(failures: int, *, base: float = 0.5, cap: float = 15.0) -> float:
    """Seconds before reconnection number ``failures``: 0.5 s, doubling, at most ``cap``."""
    return min(base * 2 ** max(failures - 1, 0), cap)


def text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def publisher_headers(headers: dict[str, Any] | None) -> dict[str, str]:
    """The headers the producer gave ``publish``, without those of the transport and broker."""
    return {
        name: text(value)
        for name, value in (headers or {}).items()
        if name not in TRANSPORT_HEADERS and not name.startswith(BROKER_HEADER_PREFIXES)
    }


def attempts_of(headers: dict[str, Any] | None) -> int:
    """Failed deliveries so far (``x-attempts``); 0 for a fresh message."""
    try:
        return max(int((headers or {}).get(ATTEMPTS_HEADER, 0)), 0)
    except (TypeError, ValueError):
        return 0


def error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


def raw_channel(connection: Connection) -> Any:
    """A channel that hands bodies over as the bytes published (py-amqp decodes by default)."""
    channel = connection.channel()
    channel.auto_decode = False
    return channel


def body_bytes(message: Any) -> bytes:
    body = message.body
    return body if isinstance(body, bytes) else body.encode(message.content_encoding or "utf-8")


def retry_queue(queue: str) -> str:
    return f"{queue}.retry"


def dead_queue(queue: str) -> str:
    return f"{queue}.dead"


class AmqpTransport:
    """``EventTransport`` over RabbitMQ; ``url`` is ``amqp://user:password@host:5672/``.

    One connection for publishing, opened on first use and reopened once when it turns out to
    be dead (a broker restart, a missed heartbeat); consumers open their own.
    """

    def __init__(
        self,
        url: str,
        *,
        heartbeat: int = 30,
        connect_timeout: float = 5.0,
        publish_timeout: float = 10.0,
        retry_base_seconds: float = 1.0,
        retry_cap_seconds: float = 60.0,
        reconnect_cap_seconds: float = 15.0,
        prefetch_count: int = 50,
    ):
        if not url:
            raise ValueError("AmqpTransport needs a broker URL (EVENTS_BROKER_URL)")
        self.url = url
        self.heartbeat = heartbeat
        self.connect_timeout = connect_timeout
        self.publish_timeout = publish_timeout
        self.retry_base_seconds = retry_base_seconds
        self.retry_cap_seconds = retry_cap_seconds
        self.reconnect_cap_seconds = reconnect_cap_seconds
        self.prefetch_count = prefetch_count
        self.exchange = Exchange(EXCHANGE, type="topic", durable=True)
        self._lock = threading.Lock()
        self._publisher: _Publisher | None = None
        self._stop_requested = False
        self._consuming = False

    def __repr__(self) -> str:
        return f"AmqpTransport({self.safe_url()!r})"

    def safe_url(self) -> str:
        """The URL without its password, for logs."""
        return Connection(self.url).as_uri()

    # --- connections ---------------------------------------------------------------------

    def connection(
        self, *, heartbeat: int | None = None, confirm_publish: bool = True
    ) -> Connection:
        """A new connection, connected (raises if the broker cannot be reached).

        ``confirm_publish``: each publish on its channels waits for its confirm (py-amqp's);
        False for the publisher, which turns confirms on itself and waits for a batch's.
        """
        connection = Connection(
            self.url,
            heartbeat=self.heartbeat if heartbeat is None else heartbeat,
            connect_timeout=self.connect_timeout,
            transport_options={"confirm_publish": confirm_publish},
        )
        try:
            connection.connect()
        except BaseException:
            connection.release()
            raise
        return connection

    @contextmanager
    def _session(self) -> Iterator[tuple[Connection, Any]]:
        """A short-lived connection and channel with the exchange declared (admin calls)."""
        connection = self.connection(heartbeat=0)
        try:
            channel = raw_channel(connection)
            self.exchange(channel).declare()
            yield connection, channel
        finally:
            connection.release()

    def close(self) -> None:
        with self._lock:
            if self._publisher is not None:
                self._publisher.close()
                self._publisher = None

    # --- publishing ----------------------------------------------------------------------

    def publish(self, *, event_type: str, body: bytes, headers: dict[str, str]) -> None:
        [error] = self.publish_many([Outgoing(event_type, body, headers)])
        if error is not None:
            raise error

    def publish_many(self, messages: Sequence[Outgoing]) -> list[Exception | None]:
        """Publish a batch, then wait for the broker's confirm of each: None, or its error.

        ``Unroutable`` for a message no queue is bound for, ``PublishError`` for one the broker
        refused (nack) or did not confirm (connection lost, ``publish_timeout``).
        """
        outcomes: list[Exception | None] = [None] * len(messages)
        todo = list(range(len(messages)))
        with self._lock:
            for attempt in (1, 2):
                if self._publisher is not None and self._publisher.stale():
                    self._publisher.close()
                    self._publisher = None
                reused = self._publisher is not None
                try:
                    if self._publisher is None:
                        self._publisher = _Publisher(self)
                    batch = self._publisher.publish_batch([messages[i] for i in todo])
                except Exception as error:  # no connection: nothing of this try was sent
                    batch = [error] * len(todo)
                lost = [
                    (index, error)
                    for index, error in zip(todo, batch, strict=True)
                    if error is not None and not isinstance(error, (Unroutable, PublishError))
                ]
                for index, error in zip(todo, batch, strict=True):
                    outcomes[index] = error  # confirmed, unroutable or nacked: the answer
                if not lost:
                    return outcomes
                if self._publisher is not None:
                    self._publisher.close()
                    self._publisher = None
                # A connection kept from before may have died meanwhile (a broker restart,
                # missed heartbeats): one more try of the unconfirmed on a fresh one. A fresh
                # one failing is the answer. A message that reached the broker unconfirmed may
                # be sent twice: at least once, as the relay is.
                if reused and attempt == 1:
                    logger.info("amqp: publish connection lost (%s), reconnecting", lost[0][1])
                    todo = [index for index, _error in lost]
                    continue
                for index, error in lost:
                    outcomes[index] = PublishError(
                        f"{messages[index].event_type}: not confirmed by the broker: "
                        f"{error_text(error)}"
                    )
                    outcomes[index].__cause__ = error
        return outcomes

    # --- topology ------------------------------------------------------------------------

    def queues(self, queue: str, event_types: list[str]) -> tuple[Queue, Queue, Queue]:
        """The consumer's queue (bound to each event type), its retry queue and dead letters."""
        main = Queue(
            queue,
            exchange=self.exchange,
            bindings=None,
            durable=True,
            queue_arguments={
                # What the broker itself rejects lands with the dead letters, never dropped.
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": dead_queue(queue),
            },
        )
        retry = Queue(
            retry_queue(queue),
            durable=True,
            queue_arguments={
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": queue,
            },
        )
        dead = Queue(dead_queue(queue), durable=True)
        return main, retry, dead

    def _declare(self, channel: Any, queue: str, event_types: list[str]) -> Queue:
        self.exchange(channel).declare()
        main, retry, dead = self.queues(queue, event_types)
        for declared in (dead, retry):
            declared(channel).declare()
        bound = main(channel)
        bound.declare()
        for event_type in event_types:
            channel.queue_bind(queue, EXCHANGE, routing_key=event_type)
        return bound

    def declare_queue(self, queue: str, event_types: list[str]) -> None:
        """Declare a consumer's queues and bindings now (``consume`` does it when it starts)."""
        with self._session() as (_connection, channel):
            self._declare(channel, queue, event_types)

    # --- consuming -----------------------------------------------------------------------

    def stop(self) -> None:
        """Ask ``consume`` to return once the message in hand is done (SIGTERM does too)."""
        self._stop_requested = True

    def consume(
        self,
        *,
        queue: str,
        event_types: list[str],
        handle: Callable[[bytes, dict[str, str]], None],
        max_attempts: int,
    ) -> None:
        def handle_one(messages: list[tuple[bytes, dict[str, str]]]) -> list[Exception | None]:
            [(body, headers)] = messages
            try:
                handle(body, headers)
            except Exception as error:
                return [error]
            return [None]

        self.consume_many(
            queue=queue,
            event_types=event_types,
            handle_many=handle_one,
            max_attempts=max_attempts,
            max_batch=1,
        )

    def consume_many(
        self,
        *,
        queue: str,
        event_types: list[str],
        handle_many: Callable[[list[tuple[bytes, dict[str, str]]]], list[Exception | None]],
        max_attempts: int,
        max_batch: int = 20,
        linger_seconds: float = 0.002,
    ) -> None:
        """``consume``, handing over the messages at hand together (at most ``max_batch``).

        ``handle_many`` returns each message's outcome (None, or its error: the message goes to
        the retry or dead queue as in ``consume``); every message of a batch is acknowledged
        after it returned, so it may commit them in one transaction. A batch is handed over
        when it is full, or when no further message came within ``linger_seconds``.
        """
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._stop_requested = False
        restore = self._install_signal_handlers()
        failures = 0
        try:
            while not self._stop_requested:
                self._consuming = False
                try:
                    self._consume_connected(
                        queue, event_types, handle_many, max_attempts, max_batch, linger_seconds
                    )
                except BROKER_ERRORS as error:
                    # A connection that was consuming fine starts the backoff afresh.
                    failures = 1 if self._consuming else failures + 1
                    delay = reconnect_delay(failures, cap=self.reconnect_cap_seconds)
                    logger.warning(
                        "amqp: consumer of %s lost the broker (%s); reconnecting in %.1f s",
                        queue,
                        error_text(error),
                        delay,
                    )
                    self._sleep(delay)
        finally:
            restore()
        logger.info("amqp: consumer of %s stopped", queue)

    def _consume_connected(
        self,
        queue: str,
        event_types: list[str],
        handle_many: Callable[[list[tuple[bytes, dict[str, str]]]], list[Exception | None]],
        max_attempts: int,
        max_batch: int,
        linger_seconds: float,
    ) -> None:
        connection = self.connection()
        try:
            channel = raw_channel(connection)
            bound = self._declare(channel, queue, event_types)
            # Copies to the retry and dead queues go out on a channel of their own, confirmed.
            side = Producer(raw_channel(connection), exchange=DEFAULT_EXCHANGE, auto_declare=False)

            at_hand: list[Any] = []

            def on_message(message: Any) -> None:
                if self._stop_requested:
                    # Stopping: a delivery that arrives meanwhile (while the consumer is being
                    # cancelled) goes back to the queue untouched, for the next consumer.
                    message.requeue()
                    return
                at_hand.append(message)

            consumer = Consumer(
                channel,
                queues=[bound],
                on_message=on_message,
                prefetch_count=self.prefetch_count,
                no_ack=False,
            )
            consumer.consume()
            self._consuming = True
            logger.info(
                "amqp: consuming %s (%s) from %s", queue, ", ".join(event_types), self.safe_url()
            )
            while not self._stop_requested:
                waited = False
                try:
                    connection.drain_events(timeout=linger_seconds if at_hand else 1)
                except TimeoutError:
                    waited = True
                if at_hand and (waited or len(at_hand) >= max_batch):
                    batch = at_hand[:]
                    at_hand.clear()
                    self._deliver(batch, queue, handle_many, max_attempts, side)
                connection.heartbeat_check()
            for message in at_hand:  # stopped before they were handed over: untouched
                message.requeue()
            consumer.cancel()
        finally:
            connection.release()

    def _deliver(
        self,
        messages: list[Any],
        queue: str,
        handle_many: Callable[[list[tuple[bytes, dict[str, str]]]], list[Exception | None]],
        max_attempts: int,
        side: Producer,
    ) -> None:
        handed = [
            (body_bytes(message), publisher_headers(dict(message.headers or {})))
            for message in messages
        ]
        try:
            outcomes = handle_many(handed)
        except Exception as error:  # nothing of the batch is known to be done
            outcomes = [error] * len(messages)
        for message, error in zip(messages, outcomes, strict=True):
            if error is not None:
                self._failed(message, error, queue, max_attempts, side)
            message.ack()

    def _failed(
        self, message: Any, error: Exception, queue: str, max_attempts: int, side: Producer
    ) -> None:
        """A copy of the message to ``<queue>.retry`` (attempts + 1) or ``<queue>.dead``."""
        headers = dict(message.headers or {})
        attempts = attempts_of(headers) + 1
        event_type = text(headers.get(ROUTING_KEY_HEADER) or message.delivery_info["routing_key"])
        copy_headers = {
            **publisher_headers(headers),
            ATTEMPTS_HEADER: attempts,
            ERROR_HEADER: error_text(error),
            FAILED_AT_HEADER: datetime.now(UTC).isoformat(timespec="seconds"),
            ROUTING_KEY_HEADER: event_type,
        }
        if attempts >= max_attempts:
            target, expiration = dead_queue(queue), None
            logger.error(
                "amqp: %s failed %d times in %s, moved to %s: %s",
                event_type,
                attempts,
                queue,
                target,
                error_text(error),
            )
        else:
            target = retry_queue(queue)
            expiration = retry_delay(
                attempts, base=self.retry_base_seconds, cap=self.retry_cap_seconds
            )
            logger.warning(
                "amqp: %s failed in %s (attempt %d of %d), again in %.1f s: %s",
                event_type,
                queue,
                attempts,
                max_attempts,
                expiration,
                error_text(error),
            )
        republish(
            side,
            message,
            routing_key=target,
            headers=copy_headers,
            event_type=event_type,
            expiration=expiration,
            timeout=self.publish_timeout,
        )

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stop_requested and time.monotonic() < deadline:
            time.sleep(min(0.1, max(deadline - time.monotonic(), 0)))

    def _install_signal_handlers(self) -> Callable[[], None]:
        """SIGTERM and SIGINT stop ``consume`` after the message in hand (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def request_stop(signum: int, _frame: Any) -> None:
            logger.info("amqp: %s received, stopping after the message in hand", signum)
            self._stop_requested = True

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }

        def restore() -> None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

        return restore

    # --- dead letters --------------------------------------------------------------------

    def dead_letters(self, queue: str, *, limit: int = 1000) -> list[DeadLetter]:
        """The messages in ``<queue>.dead``, oldest first, left in place."""
        letters, fetched = [], []
        with self._session() as (_connection, channel):
            dead = Queue(dead_queue(queue), durable=True)(channel)
            dead.declare()
            # Fetched unacknowledged, then given back: RabbitMQ requeues each to its place.
            while len(letters) < limit:
                message = dead.get(no_ack=False)
                if message is None:
                    break
                fetched.append(message)
                headers = dict(message.headers or {})
                letters.append(
                    DeadLetter(
                        event_type=text(
                            headers.get(ROUTING_KEY_HEADER) or message.properties.get("type", "")
                        ),
                        body=body_bytes(message),
                        headers=publisher_headers(headers),
                        attempts=attempts_of(headers),
                        error=text(headers.get(ERROR_HEADER, "")),
                        failed_at=text(headers.get(FAILED_AT_HEADER, "")),
                    )
                )
            for message in fetched:
                message.requeue()
        return letters

    def replay_dead_letters(self, queue: str) -> int:
        """Move the messages in ``<queue>.dead`` back to ``<queue>``, with fresh attempts."""
        moved = 0
        with self._session() as (connection, channel):
            dead = Queue(dead_queue(queue), durable=True)(channel)
            _name, waiting, _consumers = dead.queue_declare()
            producer = Producer(
                raw_channel(connection), exchange=DEFAULT_EXCHANGE, auto_declare=False
            )
            # Only those there now: one that fails again meanwhile waits for the next replay.
            for _ in range(waiting):
                message = dead.get(no_ack=False)
                if message is None:
                    break
                headers = dict(message.headers or {})
                event_type = text(headers.get(ROUTING_KEY_HEADER) or message.properties.get("type"))
                republish(
                    producer,
                    message,
                    routing_key=queue,  # this consumer's queue only, not every subscriber
                    headers={**publisher_headers(headers), ROUTING_KEY_HEADER: event_type},
                    event_type=event_type,
                    timeout=self.publish_timeout,
                )
                message.ack()
                moved += 1
        return moved


class _Publisher:
    """The publishing connection: a channel in confirm mode, confirms awaited per batch.

    The broker numbers the messages of a confirming channel 1, 2, ... (delivery tags) and acks
    (or nacks) each, or all up to one (``multiple``). A message published ``mandatory`` that no
    queue takes comes back (``basic.return``) before its ack: it is ``Unroutable``.
    """

    def __init__(self, transport: AmqpTransport):
        self.transport = transport
        self.connection = transport.connection(confirm_publish=False)
        try:
            self.channel = raw_channel(self.connection)
            transport.exchange(self.channel).declare()
            # kombu's in-memory transport (unit tests) has no confirms: publishing is taking.
            self.confirms = hasattr(self.channel, "confirm_select")
            if self.confirms:
                self.channel.confirm_select()
                self.channel.events["basic_ack"].add(self._on_ack)
                self.channel.events["basic_nack"].add(self._on_nack)
            self.producer = Producer(
                self.channel,
                exchange=transport.exchange,
                auto_declare=False,
                on_return=self._on_return,
            )
        except BaseException:
            self.connection.release()
            raise
        self.last_tag = 0  # the delivery tag of the last message published on the channel
        self.waiting: dict[int, int] = {}  # delivery tag -> index in the batch, unconfirmed
        self.outcomes: list[Exception | None] = []
        self.sent: list[Outgoing] = []
        self.returned: set[int] = set()
        self.last_used = time.monotonic()

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, nacked=False)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, nacked=True)

    def _settle(self, delivery_tag: int, multiple: bool, *, nacked: bool) -> None:
        tags = [tag for tag in self.waiting if tag <= delivery_tag] if multiple else [delivery_tag]
        for tag in tags:
            index = self.waiting.pop(tag, None)
            if index is None:
                continue
            event_type = self.sent[index].event_type
            if nacked:
                self.outcomes[index] = PublishError(f"{event_type}: refused by the broker (nack)")
            elif index in self.returned:
                self.outcomes[index] = Unroutable(
                    f"{event_type}: no queue is bound for it on exchange {EXCHANGE!r}; "
                    "kept for a later try"
                )
            else:
                self.outcomes[index] = None

    def _on_return(self, _error: Exception, _exchange: str, routing_key: str, message: Any) -> None:
        # Returns come in publishing order, each before its ack: the first unconfirmed message
        # of that routing key and body not returned yet is the one.
        body = body_bytes(message)
        for index in sorted(self.waiting.values()):
            sent = self.sent[index]
            if index not in self.returned and (sent.event_type, sent.body) == (routing_key, body):
                self.returned.add(index)
                return

    def stale(self) -> bool:
        """Idle longer than the heartbeat: the broker has dropped it (nobody sent heartbeats)."""
        heartbeat = self.transport.heartbeat
        return bool(heartbeat) and time.monotonic() - self.last_used > heartbeat

    def publish_batch(self, messages: Sequence[Outgoing]) -> list[Exception | None]:
        """Publish every message, then wait for their confirms (at most ``publish_timeout``).

        Each outcome: None (confirmed), ``Unroutable``, ``PublishError`` (nacked), or the
        connection's error for those left unconfirmed when it failed.
        """
        pending = TimeoutError("no confirm from the broker")
        self.sent, self.returned, self.waiting = list(messages), set(), {}
        self.outcomes = [pending] * len(messages)
        try:
            for index, message in enumerate(messages):
                self.producer.publish(
                    message.body,
                    routing_key=message.event_type,
                    headers=dict(message.headers),
                    mandatory=True,
                    delivery_mode=PERSISTENT,
                    content_type=CONTENT_TYPE,
                    content_encoding="utf-8",
                    type=message.event_type,
                    retry=False,
                    timeout=self.transport.publish_timeout,
                )
                self.last_tag += 1
                if self.confirms:
                    self.waiting[self.last_tag] = index
                else:
                    self.outcomes[index] = None
            deadline = time.monotonic() + self.transport.publish_timeout
            while self.waiting:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{len(self.waiting)} message(s) unconfirmed after "
                        f"{self.transport.publish_timeout:g} s"
                    )
                self.connection.drain_events(timeout=remaining)
        except Exception as error:
            # The connection is in doubt: what is unconfirmed has this error (and is retried).
            for index in self.waiting.values():
                self.outcomes[index] = error
            for index, outcome in enumerate(self.outcomes):
                if outcome is pending:
                    self.outcomes[index] = error
            self.waiting = {}
        self.last_used = time.monotonic()
        return self.outcomes

    def close(self) -> None:
        try:
            self.connection.release()
        except Exception:  # already gone with the broker
            logger.debug("amqp: closing a dead connection", exc_info=True)


def republish(
    producer: Producer,
    message: Any,
    *,
    routing_key: str,
    headers: dict[str, Any],
    event_type: str,
    timeout: float,
    expiration: float | None = None,
) -> None:
    """Send a received ``message`` again to one queue (a retry, a replay), as it was published."""
    producer.publish(
        body_bytes(message),
        routing_key=routing_key,
        headers=headers,
        expiration=expiration,
        mandatory=True,
        delivery_mode=PERSISTENT,
        content_type=message.content_type or CONTENT_TYPE,
        content_encoding=message.content_encoding or "utf-8",
        type=message.properties.get("type") or event_type,
        retry=False,
        timeout=timeout,
    )
