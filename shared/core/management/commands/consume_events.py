"""``manage.py consume_events``: consume the hosted consumers' queues (``<service>.events``).

Blocks in ``transport.consume`` (one thread per hosted consumer service); each message goes
through the consumer's inbox, so a redelivered event has no second effect, and is acknowledged
by the transport only after that committed.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from shared.core.events import inbox, registry
from shared.core.events import transport as transports
from shared.core.events.conf import setting


def handler_for(consumer: registry.Consumer) -> Callable[[bytes, dict[str, str]], None]:
    def handle(body: bytes, headers: dict[str, str]) -> None:
        close_old_connections()  # a consumer lives long; its connections may not
        inbox.consume(consumer=consumer, body=body, headers=headers)

    return handle


def consume(consumer: registry.Consumer, transport: transports.EventTransport) -> None:
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
