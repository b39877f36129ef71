"""Batches (docs/EVENTS.md, Performance): the relay hands a transport that publishes batches a
pass's rows at once and marks only the confirmed sent; the AMQP publisher's confirm bookkeeping;
the consumer keeps its database connection through a burst."""

import contextlib
import json
from dataclasses import dataclass, field

import pytest
from django.db import transaction

from shared.core.events import amqp
from shared.core.events.messages import Outgoing
from shared.core.events.relay import Relay
from shared.core.events.transport import PublishesBatches
from shared.core.tests.events_helpers import DB, publisher, widget_event
from shared.core.tests.testapp.models import OutboxEvent


def publish(*events):
    with transaction.atomic(using=DB):
        for event in events:
            publisher.publish(event)


@dataclass
class BatchTransport:
    """Publishes batches; ``refuse`` names the event ids it answers with an error."""

    refuse: set[str] = field(default_factory=set)
    batches: list[list[Outgoing]] = field(default_factory=list)

    def publish(self, *, event_type: str, body: bytes, headers: dict[str, str]) -> None:
        raise AssertionError("the relay publishes batches through publish_many")

    def publish_many(self, messages):
        self.batches.append(list(messages))
        return [
            ConnectionError("not confirmed") if m.headers["event-id"] in self.refuse else None
            for m in messages
        ]

    def consume(self, **kwargs) -> None:
        raise NotImplementedError


@pytest.mark.django_db(databases=[DB])
def test_the_relay_publishes_a_pass_as_one_batch_and_marks_only_the_confirmed_sent(caplog):
    events = [widget_event(str(n), request_id=f"req-{n}") for n in range(3)]
    publish(*events)
    fake = BatchTransport(refuse={str(events[1].event_id)})
    assert isinstance(fake, PublishesBatches)

    with caplog.at_level("INFO", logger="shared.core.events"):
        assert Relay(transport=fake, max_attempts=None).run_once() == 2

    [batch] = fake.batches
    assert [json.loads(m.body)["event_id"] for m in batch] == [str(e.event_id) for e in events]
    assert batch[0].event_type == "widget.ordered"
    assert batch[0].headers["request-id"] == "req-0"
    rows = {str(row.event_id): row for row in OutboxEvent.objects.using(DB).all()}
    assert rows[str(events[0].event_id)].sent_at is not None
    assert rows[str(events[2].event_id)].sent_at is not None
    refused = rows[str(events[1].event_id)]
    assert refused.sent_at is None
    assert refused.attempts == 1
    assert refused.last_error == "ConnectionError: not confirmed"
    published = [r for r in caplog.records if r.getMessage().startswith("event published")]
    assert [r.request_id for r in published] == ["req-0", "req-2"]

    fake.refuse.clear()
    assert Relay(transport=fake, max_attempts=None).run_once() == 0  # backing off
    assert len(fake.batches) == 1


# --- the AMQP publisher's confirms, over a scripted channel ------------------------------------


class ScriptedPublisher(amqp._Publisher):
    """``_Publisher`` without a connection: the broker's answers are scripted per batch."""

    def __init__(self, transport, answers):
        self.transport = transport
        self.confirms = True
        self.last_tag = 0
        self.waiting, self.outcomes, self.sent, self.returned = {}, [], [], set()
        self.answers = answers  # called once the batch is published, to play the broker
        self.producer = self
        self.connection = self
        self.published = []

    def publish(self, body, **kwargs):  # the producer's
        self.published.append(body)

    def drain_events(self, timeout):  # the connection's
        if self.answers is None:
            raise TimeoutError("timed out")
        answers, self.answers = self.answers, None
        answers(self)


class Returned:
    def __init__(self, body):
        self.body = body


def messages(*bodies):
    return [Outgoing("thing.done", body, {}) for body in bodies]


def test_a_batch_is_published_then_each_message_has_the_outcome_of_its_confirm():
    def broker(publisher):
        publisher._on_return(Exception("NO_ROUTE"), "events", "thing.done", Returned(b"b"))
        publisher._on_ack(2, False)  # b: returned, then acked
        publisher._on_nack(3, False)  # c
        publisher._on_ack(4, True)  # a and d

    publisher = ScriptedPublisher(amqp.AmqpTransport("memory://"), broker)
    outcomes = publisher.publish_batch(messages(b"a", b"b", b"c", b"d"))

    assert publisher.published == [b"a", b"b", b"c", b"d"]
    assert outcomes[0] is None
    assert outcomes[3] is None
    assert isinstance(outcomes[1], amqp.Unroutable)
    assert isinstance(outcomes[2], amqp.PublishError)
    assert "nack" in str(outcomes[2])

    # Delivery tags go on across batches on the same channel.
    publisher.answers = lambda p: p._on_ack(5, False)
    assert publisher.publish_batch(messages(b"e")) == [None]


def test_messages_left_unconfirmed_have_the_error_that_ended_the_wait():
    publisher = ScriptedPublisher(amqp.AmqpTransport("memory://"), lambda p: p._on_ack(1, False))
    outcomes = publisher.publish_batch(messages(b"a", b"b"))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], TimeoutError)


def test_publish_many_retries_the_unconfirmed_once_on_a_fresh_connection(monkeypatch):
    transport = amqp.AmqpTransport("memory://")
    batches = []

    class Flaky:
        def __init__(self, _transport):
            pass

        def stale(self):
            return False

        def publish_batch(self, sent):
            batches.append([m.body for m in sent])
            if len(sent) == 3:
                return [None, ConnectionResetError("gone"), amqp.Unroutable("no queue")]
            return [None] * len(sent)

        def close(self):
            pass

    monkeypatch.setattr(amqp, "_Publisher", Flaky)
    transport.publish_many(messages(b"warm"))  # a kept connection, as a relay has
    batches.clear()
    outcomes = transport.publish_many(messages(b"a", b"b", b"c"))

    assert batches == [[b"a", b"b", b"c"], [b"b"]]  # only the one the lost connection left open
    assert outcomes[0] is None
    assert outcomes[1] is None
    assert isinstance(outcomes[2], amqp.Unroutable)


def test_publish_many_over_a_broker_without_confirms_takes_every_message():
    transport = amqp.AmqpTransport("memory://")
    try:
        transport.declare_queue("test-batches", ["thing.done"])
        assert transport.publish_many(messages(b"a", b"b")) == [None, None]
        transport.publish(event_type="thing.done", body=b"c", headers={})
    finally:
        transport.close()


# --- the consumer's connections ----------------------------------------------------------------


def test_the_consumer_closes_old_connections_after_a_pause_or_a_failure_not_within_a_burst(
    monkeypatch,
):
    from shared.core.management.commands import consume_events

    closed, results = [], iter([None, None, RuntimeError("handler"), None, None])
    monkeypatch.setattr(consume_events, "close_old_connections", lambda: closed.append(now[0]))

    def consume(**kwargs):
        if (result := next(results)) is not None:
            raise result

    monkeypatch.setattr(consume_events.inbox, "consume", consume)
    now = [0.0]
    handle = consume_events.handler_for(None, clock=lambda: now[0])
    for at in (0.0, 0.1, 0.2, 0.3, 5.0):
        now[0] = at
        with contextlib.suppress(RuntimeError):
            handle(b"{}", {})

    assert closed == [0.0, 0.3, 5.0]  # the first, after the failure, after the pause


# --- the consumer's batches --------------------------------------------------------------------


@pytest.mark.django_db(databases=[DB], transaction=True)
def test_consume_many_commits_the_batch_and_rolls_back_only_the_failing_event(caplog):
    from shared.core.events import inbox
    from shared.core.tests.events_helpers import the_consumer
    from shared.core.tests.testapp.models import InboxEvent, Widget

    good, bad = widget_event("a"), widget_event(event_type="widget.broken")
    later = widget_event("b")
    consumer = the_consumer()
    with caplog.at_level("INFO", logger="shared.core.events"):
        outcomes = inbox.consume_many(
            consumer=consumer,
            messages=[
                (good.model_dump_json().encode(), {}),
                (bad.model_dump_json().encode(), {}),
                (b"not json", {}),
                (good.model_dump_json().encode(), {}),
            ],
        )

    assert outcomes[0] is None
    assert isinstance(outcomes[1], RuntimeError)  # the handler failed: rolled back alone
    assert isinstance(outcomes[2], inbox.MalformedEvent)
    assert outcomes[3] is None  # a duplicate: no second effect
    assert list(InboxEvent.objects.using(DB).values_list("event_id", flat=True)) == [good.event_id]
    assert Widget.objects.using(DB).count() == 1
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("event ")]
    assert logged[0].startswith("event handled")
    assert logged[1].startswith("event already handled")
    assert inbox.consume_many(
        consumer=consumer, messages=[(later.model_dump_json().encode(), {})]
    ) == [None]
    assert Widget.objects.using(DB).count() == 2


def test_amqp_consume_many_acknowledges_the_batch_and_retries_only_the_failed():
    transport = amqp.AmqpTransport("memory://", retry_base_seconds=0.01)
    queue = "test-batches-consume"
    batches = []

    def handle_many(messages):
        batches.append([body for body, _headers in messages])
        if sum(len(b) for b in batches) >= 3:
            transport.stop()
        return [RuntimeError("no") if body == b"2" else None for body, _headers in messages]

    try:
        transport.declare_queue(queue, ["thing.done"])
        transport.publish_many(messages(b"1", b"2", b"3"))
        transport.consume_many(
            queue=queue, event_types=["thing.done"], handle_many=handle_many, max_attempts=3
        )
        with amqp.Connection("memory://") as connection:
            retry = amqp.Queue(amqp.retry_queue(queue))(connection.default_channel)
            copy = retry.get(no_ack=True)
            main = amqp.Queue(queue)(connection.default_channel).get(no_ack=True)
    finally:
        transport.close()
    assert sorted(body for batch in batches for body in batch) == [b"1", b"2", b"3"]
    assert copy.body == b"2"
    assert copy.headers[amqp.ATTEMPTS_HEADER] == 1
    assert main is None  # all three acknowledged
