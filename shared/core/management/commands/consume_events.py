"""``manage.py consume_events``: consume the hosted consumers' queues (``<service>.events``).

Blocks in ``transport.consume`` (one thread per hosted consumer service); each message goes
through the consumer's inbox, so a redelivered event has no second effect, and is acknowledged
by the transport only after that committed. A transport that hands over the messages at hand
together (``consume_many``, the AMQP one) has them go through the inbox in one transaction.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from shared.core.events import inbox, registry
from shared.core.events import transport as transports
from shared.core.events.conf import setting
from shared.core.observability import metrics

# A consumer lives long; its connections may not. Django's clean-up closes those past
# CONN_MAX_AGE or unusable (reconnecting, and for SQLite checkpointing the WAL of a connection
# that was the last one, cost more than a message). So it runs before a message that follows a
# pause (or a failure), not between the messages of a burst.
CLOSE_OLD_CONNECTIONS_AFTER_SECONDS = 1.0


def handler_for(
    consumer: registry.Consumer, *, clock: Callable[[], float] = time.monotonic
) -> Callable[[bytes, dict[str, str]], None]:
    last: float | None = None  # when the last message succeeded; None: before one, or failed

    def handle(body: bytes, headers: dict[str, str]) -> None:
        nonlocal last
        if last is None or clock() - last > CLOSE_OLD_CONNECTIONS_AFTER_SECONDS:
            close_old_connections()
        last = None
        inbox.consume(consumer=consumer, body=body, headers=headers)
        last = clock()

    return handle


def batch_handler_for(
    consumer: registry.Consumer, *, clock: Callable[[], float] = time.monotonic
) -> transports.BatchHandler:
    """The messages at hand, through the inbox in one transaction (``inbox.consume_many``)."""
    last: float | None = None  # when the last batch committed; None: before one, or failed

    def handle_many(messages: list[tuple[bytes, dict[str, str]]]) -> list[Exception | None]:
        nonlocal last
        if last is None or clock() - last > CLOSE_OLD_CONNECTIONS_AFTER_SECONDS:
            close_old_connections()
        last = None
        outcomes = inbox.consume_many(consumer=consumer, messages=messages)
        if all(outcome is None for outcome in outcomes):
            last = clock()
        return outcomes

    return handle_many


def consume(consumer: registry.Consumer, transport: transports.EventTransport) -> None:
    if isinstance(transport, transports.ConsumesBatches):
        transport.consume_many(
            queue=consumer.queue,
            event_types=consumer.event_types,
            handle_many=batch_handler_for(consumer),
            max_attempts=setting("EVENTS_MAX_ATTEMPTS"),
        )
        return
    transport.consume(
        queue=consumer.queue,
        event_types=consumer.event_types,
        handle=handler_for(consumer),
        max_attempts=setting("EVENTS_MAX_ATTEMPTS"),
    )


class Command(BaseCommand):
    help = "Consume the events of the consumer services hosted here (EVENTS_TRANSPORT=amqp)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--service", help="one hosted consumer service (default: all)")

    def handle(self, *args: Any, service: str | None = None, **options: Any) -> None:
        transport = transports.get_transport()
        if isinstance(transport, transports.LocalTransport):
            raise CommandError(
                "EVENTS_TRANSPORT=local: events are delivered in-process; nothing to consume"
            )
        consumers = registry.consumers()
        if service is not None:
            consumers = [c for c in consumers if c.service == service]
        if not consumers:
            raise CommandError(
                f"no consumer service hosted here{f' named {service}' if service else ''}"
            )
        metrics.serve_if_configured()  # consumer lag, where the consumer runs alone
        if len(consumers) == 1:
            consume(consumers[0], transport)
            return
        threads = [
            threading.Thread(target=consume, args=(c, transports.get_transport()), daemon=True)
            for c in consumers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
