"""How events leave a producer: the transport interface, the in-process one, and the factory.

``EVENTS_TRANSPORT=local`` delivers in-process to the consumers this process hosts;
``amqp`` publishes to RabbitMQ (``shared.core.events.amqp.AmqpTransport``, imported only then).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured

from shared.core.events import inbox, registry
from shared.core.events.conf import setting
from shared.core.events.messages import Outgoing

MessageHandler = Callable[[bytes, dict[str, str]], None]


@runtime_checkable
class EventTransport(Protocol):
    def publish(self, *, event_type: str, body: bytes, headers: dict[str, str]) -> None:
        """Hand one event over; return only once it is safely taken (a broker's confirm).

        Raises on any failure: the relay then keeps the outbox row unsent and retries it.
        """

    def consume(
        self,
        *,
        queue: str,
        event_types: list[str],
        handle: MessageHandler,
        max_attempts: int,
    ) -> None:
        """Block, calling ``handle(body, headers)`` for each message of ``event_types``.

        A message is acknowledged only after ``handle`` returned; when it raises, the message is
        delivered again, and after ``max_attempts`` deliveries it goes to the dead letters.
        """


@runtime_checkable
class PublishesBatches(Protocol):
    """Optional: a transport that hands several events over at once, each confirmed on its own.

    The relay uses it when the transport has it: the broker's round trips for a batch overlap
    (it confirms many messages in about the time of one) instead of adding up.
    """

    def publish_many(self, messages: Sequence[Outgoing]) -> list[Exception | None]:
        """Hand ``messages`` over; for each, None once it is safely taken, else its error.

        None means what ``publish`` returning means (a broker's confirm). One message's failure
        is its outcome, not an exception, so the relay marks exactly the confirmed ones sent.
        """


BatchHandler = Callable[[list[tuple[bytes, dict[str, str]]]], list[Exception | None]]


@runtime_checkable
class ConsumesBatches(Protocol):
    """Optional: a transport that hands the messages at hand over together, so the consumer
    commits them in one transaction (``inbox.consume_many``) and acknowledges them after it."""

    def consume_many(
        self,
        *,
        queue: str,
        event_types: list[str],
        handle_many: BatchHandler,
        max_attempts: int,
    ) -> None:
        """``consume``; ``handle_many`` returns each message's outcome, None or its error."""


@runtime_checkable
class ReplaysDeadLetters(Protocol):
    """Optional: a transport with a dead-letter queue lists its messages and puts them back."""

    def dead_letters(self, queue: str) -> list[Any]:
        """The dead letters of ``queue``, left in place (each with event_type, headers, error)."""

    def replay_dead_letters(self, *, queue: str) -> int:
        """Move every dead letter of ``queue`` back to it; return how many moved."""


class LocalTransport:
    """Delivers to the consumers hosted in this process, at once, through their inboxes.

    ``publish`` raises when any consumer's handler raised; the ones that succeeded are in their
    inbox already, so the retry reaches only the others with an effect.
    """

    def publish(self, *, event_type: str, body: bytes, headers: dict[str, str]) -> None:
        for consumer in registry.consumers_of(event_type):
            inbox.consume(consumer=consumer, body=body, headers=headers)

    def consume(
        self,
        *,
        queue: str,
        event_types: list[str],
        handle: MessageHandler,
        max_attempts: int,
    ) -> None:
        raise RuntimeError(
            "EVENTS_TRANSPORT=local delivers in-process when the outbox is drained; "
            "there is no queue to consume"
        )


_override: EventTransport | None = None


def get_transport() -> EventTransport:
    """The transport ``EVENTS_TRANSPORT`` names (or the one a test put in place)."""
    if _override is not None:
        return _override
    name = setting("EVENTS_TRANSPORT")
    if name == "local":
        return LocalTransport()
    if name == "amqp":
        # Imported only here: the local topology needs neither the module nor a broker.
        from shared.core.events.amqp import AmqpTransport

        return AmqpTransport(setting("EVENTS_BROKER_URL"))
    raise ImproperlyConfigured(f"EVENTS_TRANSPORT: unknown transport {name!r}")


def is_local() -> bool:
    return _override is None and setting("EVENTS_TRANSPORT") == "local"


@contextmanager
def override(transport: EventTransport) -> Iterator[EventTransport]:
    """Use ``transport`` for the commands and the relay (tests); local drains are off meanwhile."""
    global _override
    previous, _override = _override, transport
    try:
        yield transport
    finally:
        _override = previous
