"""The consumer's side: handle a delivered event once, whatever how often it is delivered."""

import json
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from shared.core.events.registry import Consumer
from shared.core.observability import tracing
from shared.core.observability.metrics import observe_consumer_lag
from shared.kit.context import request_id_var

logger = logging.getLogger("shared.core.events")


class MalformedEvent(ValueError):
    """The body is not an event envelope (JSON with an ``event_id`` uuid and a ``type``)."""


def parse(body: bytes) -> dict[str, Any]:
    try:
        envelope = json.loads(body)
        uuid.UUID(str(envelope["event_id"]))
        if not isinstance(envelope["type"], str):
            raise TypeError("type")
    except (ValueError, KeyError, TypeError) as error:
        raise MalformedEvent(f"not an event envelope: {error}") from None
    return envelope


def consume(*, consumer: Consumer, body: bytes, headers: Mapping[str, str]) -> bool:
    """Run the consumer's handler for this event unless its inbox has it: True when it ran.

    The inbox row and the handler's effect commit in one transaction on the consumer's
    database, so a failing handler leaves no row (the event is retried) and a redelivered event
    finds the row (no second effect). The request id of the event is the context's meanwhile,
    so the handler's logs and the events it publishes carry it.
    """
    envelope = parse(body)
    with transaction.atomic(using=consumer.database):
        done = _handle(consumer, envelope, headers)
    return done()


def consume_many(
    *, consumer: Consumer, messages: Sequence[tuple[bytes, Mapping[str, str]]]
) -> list[Exception | None]:
    """``consume`` for several events in one transaction (one commit): each outcome, None or
    the error of that event.

    Each event runs in a savepoint of its own: a failing one is rolled back alone (no inbox row,
    no effect: it is retried) and the others commit. If the commit itself fails, nothing of the
    batch is in and every event has that error. Log lines are written after the commit.
    """
    outcomes: list[Exception | None] = [None] * len(messages)
    finished: list[Callable[[], bool]] = []
    try:
        with transaction.atomic(using=consumer.database):
            for index, (body, headers) in enumerate(messages):
                try:
                    envelope = parse(body)
                    with transaction.atomic(using=consumer.database):  # a savepoint
                        finished.append(_handle(consumer, envelope, headers))
                except Exception as error:
                    outcomes[index] = error
    except Exception as error:  # the commit failed: every event of the batch is retried
        return [error] * len(messages)
    for done in finished:
        done()
    return outcomes


def _handle(
    consumer: Consumer, envelope: Mapping[str, Any], headers: Mapping[str, str]
) -> Callable[[], bool]:
    """Inside the caller's transaction: record the event and run its handler. Returns what to
    call once that committed (it logs, and tells whether the handler ran)."""
    event_type = envelope["type"]
    request_id = envelope.get("request_id") or headers.get("request-id")
    traceparent = envelope.get("traceparent") or headers.get("traceparent")
    fields = _fields(envelope, request_id)

    def log(message: str, *args: Any) -> Callable[[], bool]:
        def done() -> bool:
            token = request_id_var.set(request_id)
            try:
                with tracing.consumer_context(traceparent):
                    logger.info(message, *args, extra=fields)
            finally:
                request_id_var.reset(token)
            return message.startswith("event handled")

        return done

    if event_type not in consumer.handlers:
        return log("event ignored: %s consumes no %s", consumer.service, event_type)
    handler = consumer.handler(event_type)
    token = request_id_var.set(request_id)
    try:
        with tracing.consumer_span(consumer.service, event_type, traceparent, fields["event_id"]):
            if not _record(consumer, envelope, request_id):
                return log("event already handled: %s %s", event_type, envelope["event_id"])
            handler(envelope)
    finally:
        request_id_var.reset(token)
    observe_consumer_lag(consumer.service, event_type, envelope.get("occurred_at"))
    return log("event handled: %s %s by %s", event_type, envelope["event_id"], consumer.service)


def _record(consumer: Consumer, envelope: Mapping[str, Any], request_id: str | None) -> bool:
    """Insert the inbox row; False when the event is there already (handled, or in hand)."""
    try:
        # A savepoint: the outer transaction stays usable after the duplicate's IntegrityError.
        with transaction.atomic(using=consumer.database):
            consumer.inbox.objects.using(consumer.database).create(
                event_id=envelope["event_id"],
                type=envelope["type"],
                producer=str(envelope.get("producer", "")),
                request_id=request_id,
            )
    except IntegrityError:
        return False
    return True


def _fields(envelope: Mapping[str, Any], request_id: str | None) -> dict[str, Any]:
    return {
        "event_id": str(envelope["event_id"]),
        "event_type": envelope["type"],
        "request_id": request_id,
    }
