"""The relay: sends an outbox's unsent rows through a transport, marking each sent afterwards.

A row is marked sent only after ``transport.publish`` returned (for a broker: after its
confirm). A relay that dies in between leaves the row unsent and sends it again on its next
run, so delivery is at least once; consumers' inboxes absorb the duplicates.

A transport that publishes batches (``PublishesBatches``, the AMQP one) gets each pass's rows at
once and answers for each; the confirmed ones are then marked sent in one UPDATE.
"""

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shared.core.events import registry
from shared.core.events.conf import setting
from shared.core.events.messages import Outgoing
from shared.core.events.models import InboxEventBase, OutboxEventBase
from shared.core.events.registry import Outbox
from shared.core.events.transport import EventTransport, PublishesBatches
from shared.kit.context import request_id_var

logger = logging.getLogger("shared.core.events")

BACKOFF_BASE_SECONDS = 1
BACKOFF_MAX_SECONDS = 300
MAX_ERROR_LENGTH = 2000


def backoff(attempts: int) -> dt.timedelta:
    """1 s after the first failure, doubling, at most 5 minutes."""
    return dt.timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)
    )


def body_of(row: OutboxEventBase) -> bytes:
    return json.dumps(row.payload, separators=(",", ":"), sort_keys=True).encode()


def headers_of(row: OutboxEventBase) -> dict[str, str]:
    """What a broker can route and a log search can find without parsing the body."""
    headers = {
        "event-id": str(row.event_id),
        "event-type": row.type,
        "event-version": str(row.version),
        "producer": row.producer,
        "aggregate-id": row.aggregate_id,
    }
    if row.request_id:
        headers["request-id"] = row.request_id
    if traceparent := row.payload.get("traceparent"):
        headers["traceparent"] = traceparent
    return headers


class Relay:
    """One pass (``run_once``) sends every due row of the given outboxes, oldest first.

    ``max_attempts``: failures after which a row is dead (kept, no longer sent, listed by
    ``manage.py events list --dead``); None retries for ever (a broker that is down is no reason
    to give up on an event).
    """

    def __init__(
        self,
        *,
        transport: EventTransport,
        max_attempts: int | None,
        clock: Callable[[], dt.datetime] = timezone.now,
        batch_size: int = 100,
    ):
        self.transport = transport
        self.max_attempts = max_attempts
        self.clock = clock
        self.batch_size = batch_size

    def run_once(self, outboxes: Iterable[Outbox] | None = None) -> int:
        """Send what is due; return how many rows were marked sent."""
        return sum(self._relay(outbox) for outbox in outboxes or registry.outboxes())

    def _relay(self, outbox: Outbox) -> int:
        rows = list(due(outbox, now=self.clock())[: self.batch_size])
        if not rows:
            return 0
        if isinstance(self.transport, PublishesBatches):
            return self._relay_batch(outbox, rows)
        sent = 0
        for row in rows:
            token = request_id_var.set(row.request_id)
            try:
                try:
                    self.transport.publish(
                        event_type=row.type, body=body_of(row), headers=headers_of(row)
                    )
                except Exception as error:  # any transport or handler failure: retry later
                    self._failed(outbox, row, error)
                    continue
                self._mark_sent(outbox, row)
                sent += 1
                logger.info(
                    "event published: %s %s",
                    row.type,
                    row.event_id,
                    extra=_fields(row),
                )
            finally:
                request_id_var.reset(token)
        return sent

    def _relay_batch(self, outbox: Outbox, rows: list[OutboxEventBase]) -> int:
        """Publish every row, then mark those the transport confirmed sent, in one UPDATE."""
        outcomes = self.transport.publish_many(
            [Outgoing(row.type, body_of(row), headers_of(row)) for row in rows]
        )
        confirmed = [row for row, error in zip(rows, outcomes, strict=True) if error is None]
        if confirmed:
            _rows(outbox).filter(pk__in=[row.pk for row in confirmed]).update(
                sent_at=self.clock(), last_error=""
            )
        for row, error in zip(rows, outcomes, strict=True):
            token = request_id_var.set(row.request_id)
            try:
                if error is None:
                    logger.info(
                        "event published: %s %s", row.type, row.event_id, extra=_fields(row)
                    )
                else:
                    self._failed(outbox, row, error)
            finally:
                request_id_var.reset(token)
        return len(confirmed)

    def _mark_sent(self, outbox: Outbox, row: OutboxEventBase) -> None:
        _rows(outbox).filter(pk=row.pk).update(sent_at=self.clock(), last_error="")

    def _failed(self, outbox: Outbox, row: OutboxEventBase, error: Exception) -> None:
        attempts = row.attempts + 1
        dead = self.max_attempts is not None and attempts >= self.max_attempts
        _rows(outbox).filter(pk=row.pk, sent_at__isnull=True).update(
            attempts=attempts,
            next_attempt_at=self.clock() + backoff(attempts),
            last_error=f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH],
            dead=dead,
        )
        log = logger.error if dead else logger.warning
        log(
            "event %s: %s %s (attempt %d): %s",
            "dead" if dead else "not sent",
            row.type,
            row.event_id,
            attempts,
            error,
            extra=_fields(row),
        )


def _rows(outbox: Outbox) -> QuerySet[Any]:
    return outbox.model.objects.using(outbox.database)


def due(outbox: Outbox, *, now: dt.datetime) -> QuerySet[Any]:
    return (
        _rows(outbox)
        .filter(sent_at__isnull=True, dead=False, next_attempt_at__lte=now)
        .order_by("id")
    )


def dead(outbox: Outbox) -> QuerySet[Any]:
    return _rows(outbox).filter(sent_at__isnull=True, dead=True).order_by("id")


def stuck(outbox: Outbox, *, now: dt.datetime, older_than: dt.timedelta) -> QuerySet[Any]:
    """Alive, unsent rows written longer than ``older_than`` ago: failing, or nobody relays."""
    return (
        _rows(outbox)
        .filter(sent_at__isnull=True, dead=False, created_at__lte=now - older_than)
        .order_by("id")
    )


def replay(outbox: Outbox, rows: QuerySet[Any], *, now: dt.datetime) -> int:
    """Make rows due again with a fresh count of attempts; the next pass sends them."""
    return rows.update(dead=False, attempts=0, next_attempt_at=now)


def prune(*, now: dt.datetime, retention: dt.timedelta | None = None) -> dict[str, int]:
    """Delete sent outbox rows and inbox rows older than the retention; dead rows stay."""
    retention = retention or dt.timedelta(days=setting("EVENTS_RETENTION_DAYS"))
    cutoff = now - retention
    deleted: dict[str, int] = {}
    for outbox in registry.outboxes():
        count, _ = _rows(outbox).filter(sent_at__lt=cutoff).delete()
        deleted[outbox.model._meta.label] = count
    for consumer in registry.consumers():
        inbox: type[InboxEventBase] = consumer.inbox
        count, _ = inbox.objects.using(consumer.database).filter(processed_at__lt=cutoff).delete()
        deleted[inbox._meta.label] = count
    return deleted


def _fields(row: OutboxEventBase) -> dict[str, Any]:
    return {"event_id": str(row.event_id), "event_type": row.type, "request_id": row.request_id}
