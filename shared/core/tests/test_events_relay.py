"""The relay: sent only after publish returned, retried with backoff, re-sent after a crash."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone

from shared.core.events import inbox, relay
from shared.core.events.relay import Relay
from shared.core.events.testing import InMemoryTransport
from shared.core.tests.events_helpers import DB, publisher, the_consumer, the_outbox, widget_event
from shared.core.tests.testapp.models import InboxEvent, OutboxEvent, Widget

pytestmark = pytest.mark.django_db(databases=[DB])


def publish(*events):
    with transaction.atomic(using=DB):
        for event in events:
            publisher.publish(event)


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def test_publishes_body_and_headers_in_order_and_marks_each_sent():
    first, second = widget_event("a", request_id="req-1"), widget_event("b")
    publish(first, second)
    fake = InMemoryTransport()

    assert Relay(transport=fake, max_attempts=None).run_once() == 2

    assert [json.loads(m.body)["event_id"] for m in fake.published] == [
        str(first.event_id),
        str(second.event_id),
    ]
    headers = fake.published[0].headers
    assert headers["event-id"] == str(first.event_id)
    assert headers["event-type"] == "widget.ordered"
    assert headers["request-id"] == "req-1"
    assert headers["aggregate-id"] == first.aggregate_id
    assert "request-id" not in fake.published[1].headers
    assert OutboxEvent.objects.using(DB).filter(sent_at__isnull=True).count() == 0


def test_a_sent_row_is_not_sent_again():
    publish(widget_event())
    fake = InMemoryTransport()
    Relay(transport=fake, max_attempts=None).run_once()

    assert Relay(transport=fake, max_attempts=None).run_once() == 0
    assert len(fake.published) == 1


def test_a_failed_publish_leaves_the_row_unsent_until_its_backoff_is_over():
    publish(widget_event())
    fake, clock = InMemoryTransport(fail_publishes=2), Clock()
    relay_ = Relay(transport=fake, max_attempts=None, clock=clock)

    assert relay_.run_once() == 0
    row = OutboxEvent.objects.using(DB).get()
    assert (row.attempts, row.sent_at) == (1, None)
    assert "broker unavailable" in row.last_error

    assert relay_.run_once() == 0  # not due yet: nothing tried
    assert OutboxEvent.objects.using(DB).get().attempts == 1

    clock.advance(1)
    assert relay_.run_once() == 0
    clock.advance(1)
    assert relay_.run_once() == 0  # 2 s backoff after the second failure
    clock.advance(1)
    assert relay_.run_once() == 1
    assert len(fake.published) == 1
    assert not OutboxEvent.objects.using(DB).get().dead  # a broker's failures never kill a row


def test_backoff_doubles_up_to_five_minutes():
    assert [relay.backoff(n).total_seconds() for n in (1, 2, 3, 9, 20)] == [1, 2, 4, 256, 300]


def test_relay_killed_between_publishing_and_marking_sent_resends_and_the_inbox_absorbs_it(
    monkeypatch,
):
    publish(widget_event("gear"))
    fake = InMemoryTransport()

    def crash(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(Relay, "_mark_sent", crash)
    with pytest.raises(SystemExit):
        Relay(transport=fake, max_attempts=None).run_once()
    monkeypatch.undo()
    assert OutboxEvent.objects.using(DB).get().sent_at is None

    assert Relay(transport=fake, max_attempts=None).run_once() == 1  # the restarted relay

    assert len(fake.published) == 2
    assert fake.published[0].body == fake.published[1].body
    fake.consume(
        queue="testapp.events",
        event_types=["widget.ordered"],
        handle=lambda body, headers: inbox.consume(
            consumer=the_consumer(), body=body, headers=headers
        ),
        max_attempts=3,
    )
    assert Widget.objects.using(DB).count() == 1
    assert InboxEvent.objects.using(DB).count() == 1


def test_a_local_handler_that_keeps_failing_is_dead_after_max_attempts():
    from shared.core.events.transport import LocalTransport

    publish(widget_event(event_type="widget.broken"))
    clock = Clock()
    relay_ = Relay(transport=LocalTransport(), max_attempts=3, clock=clock)

    for _ in range(5):
        relay_.run_once()
        clock.advance(600)

    row = OutboxEvent.objects.using(DB).get()
    assert (row.attempts, row.dead, row.sent_at) == (3, True, None)
    assert list(relay.dead(the_outbox())) == [row]


def test_prune_deletes_old_sent_and_inbox_rows_and_keeps_the_rest():
    publish(widget_event("old"), widget_event("recent"), widget_event("unsent"))
    old, recent, unsent = OutboxEvent.objects.using(DB).order_by("id")
    now = timezone.now()
    OutboxEvent.objects.using(DB).filter(pk=old.pk).update(sent_at=now - dt.timedelta(days=8))
    OutboxEvent.objects.using(DB).filter(pk=recent.pk).update(sent_at=now - dt.timedelta(days=6))
    OutboxEvent.objects.using(DB).filter(pk=unsent.pk).update(
        created_at=now - dt.timedelta(days=30), dead=True
    )
    InboxEvent.objects.using(DB).create(
        event_id=old.event_id, type="t", producer="p", processed_at=now - dt.timedelta(days=8)
    )
    InboxEvent.objects.using(DB).create(event_id=recent.event_id, type="t", producer="p")

    deleted = relay.prune(now=now)

    assert deleted == {"testapp.OutboxEvent": 1, "testapp.InboxEvent": 1}
    assert set(OutboxEvent.objects.using(DB).values_list("pk", flat=True)) == {
        recent.pk,
        unsent.pk,
    }
    assert InboxEvent.objects.using(DB).get().event_id == recent.event_id
