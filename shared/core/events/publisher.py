"""The producer's side: ``publisher.publish(event)`` inside the transaction of the change."""

import logging
from functools import partial

from django.db import transaction

from shared.core.events import transport
from shared.core.events.conf import setting
from shared.core.events.models import OutboxEventBase
from shared.core.events.registry import Outbox
from shared.core.events.relay import Relay
from shared.core.observability.tracing import current_traceparent
from shared.kit.context import current_request_id
from shared.kit.events import EventEnvelope

logger = logging.getLogger("shared.core.events")


class NotInTransaction(RuntimeError):
    """``publish`` was called outside ``transaction.atomic(using=...)`` of the outbox's database."""


class Publisher:
    """Writes events to one service's outbox, in the caller's transaction on its database.

    With ``EVENTS_TRANSPORT=local`` the outbox is drained in-process once that transaction has
    committed; otherwise ``manage.py relay_events`` sends what it holds.
    """

    def __init__(self, *, outbox: type[OutboxEventBase], using: str):
        self.outbox = Outbox(service=outbox._meta.app_label, model=outbox, database=using)

    def publish(self, event: EventEnvelope) -> OutboxEventBase:
        """Record ``event`` with the change being made; nothing is sent if that rolls back."""
        using = self.outbox.database
        if not transaction.get_connection(using).in_atomic_block:
            raise NotInTransaction(
                f"publish {event.type} inside transaction.atomic(using={using!r}), "
                "the transaction of the change it describes"
            )
        # The request and the trace that caused it, so consumers' logs and spans join them.
        context = {"request_id": current_request_id(), "traceparent": current_traceparent()}
        if missing := {key: value for key, value in context.items() if getattr(event, key) is None}:
            event = event.model_copy(update=missing)
        row = self.outbox.model.objects.using(using).create(
            event_id=event.event_id,
            type=event.type,
            version=event.version,
            producer=event.producer,
            aggregate_id=event.aggregate_id,
            payload=event.model_dump(mode="json"),
            request_id=event.request_id,
            created_at=event.occurred_at,
        )
        if transport.is_local():
            # robust: a failure is logged and left to the retries; the change has committed.
            transaction.on_commit(partial(drain, self.outbox), using=using, robust=True)
        return row


def drain(outbox: Outbox) -> int:
    """Deliver what ``outbox`` holds that is due to the consumers in this process."""
    relay = Relay(transport=transport.LocalTransport(), max_attempts=setting("EVENTS_MAX_ATTEMPTS"))
    return relay.run_once([outbox])
