"""``manage.py relay_events``: send the hosted producers' outboxes through the transport.

A long-running loop (its own process in split mode): each pass sends every due row, oldest
first, and marks it sent once the transport confirmed it; it sleeps when nothing was due, and
prunes old rows and expired idempotency keys once an hour. ``--once`` runs one pass (with the
local transport: delivers what in-process drains left behind, e.g. retries).
"""

import logging
import os
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from shared.core.events import relay as relays
from shared.core.events import transport as transports
from shared.core.events.conf import setting
from shared.core.idempotency import store as idempotency
from shared.core.observability import metrics

logger = logging.getLogger("shared.core.events")
PRUNE_EVERY_SECONDS = 3600
EXIT_AFTER_PUBLISH = 75  # the fault's exit status: EX_TEMPFAIL


def relay_for(transport: transports.EventTransport) -> relays.Relay:
    # In-process handlers can fail for ever (a bug): they die after N attempts. A broker that
    # refuses a publish is down, not the event's fault: those rows are retried until it is back.
    local = isinstance(transport, transports.LocalTransport)
    return relays.Relay(
        transport=transport, max_attempts=setting("EVENTS_MAX_ATTEMPTS") if local else None
    )


class Command(BaseCommand):
    help = "Send unsent outbox rows through EVENTS_TRANSPORT (a loop; --once for one pass)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        relay = relay_for(transports.get_transport())
        if getattr(settings, "FAULT_RELAY_EXIT_AFTER_PUBLISH", False):
            relay.transport = ExitAfterPublish(relay.transport)
        if once:
            sent = relay.run_once()
            self.stdout.write(f"sent {sent} event(s)")
            return
        metrics.serve_if_configured()  # the outbox backlog, where the relay runs alone
        self._stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        last_prune = 0.0
        poll = float(setting("EVENTS_RELAY_POLL_SECONDS"))
        while not self._stopping:
            close_old_connections()
            sent = 0
            try:
                sent = relay.run_once()
                if time.monotonic() - last_prune > PRUNE_EVERY_SECONDS:
                    relays.prune(now=timezone.now())
                    idempotency.prune(now=timezone.now())
                    last_prune = time.monotonic()
            except Exception:  # the database is away: unsent rows stay, the next pass resends
                logger.exception("relay pass failed")
            if not sent:
                time.sleep(poll)

    def _stop(self, signum: int, frame: Any) -> None:
        self._stopping = True


class ExitAfterPublish:
    """A test-only fault: the process dies once a publish is confirmed, before the row is marked
    sent, as a relay killed at the worst moment would. Its next run sends the row again."""

    def __init__(self, transport: transports.EventTransport):
        self.transport = transport

    def publish(self, *, event_type: str, body: bytes, headers: dict[str, str]) -> None:
        self.transport.publish(event_type=event_type, body=body, headers=headers)
        logger.warning(
            "relay exits after publishing %s (FAULT_RELAY_EXIT_AFTER_PUBLISH)", event_type
        )
        logging.shutdown()
        os._exit(EXIT_AFTER_PUBLISH)
