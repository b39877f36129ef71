"""publisher.publish: the outbox row commits with the change, and is drained after the commit."""

import logging

import pytest
from django.db import transaction

from shared.core.events import transport
from shared.core.events.publisher import NotInTransaction
from shared.core.events.testing import InMemoryTransport
from shared.core.tests.events_helpers import DB, publisher, widget_event
from shared.core.tests.testapp.models import InboxEvent, OutboxEvent, Widget
from shared.kit.context import request_id_var

pytestmark = pytest.mark.django_db(databases=[DB])


def test_publish_writes_the_envelope_to_the_outbox_in_the_callers_transaction():
    event = widget_event("gear")

    with transaction.atomic(using=DB):
        publisher.publish(event)

    row = OutboxEvent.objects.using(DB).get()
    assert row.event_id == event.event_id
    assert (row.type, row.version, row.producer) == ("widget.ordered", 1, "testapp")
    assert row.aggregate_id == event.aggregate_id
    assert row.payload["data"] == {"name": "gear"}
    assert row.payload["event_id"] == str(event.event_id)


def test_a_rolled_back_transaction_publishes_nothing(django_capture_on_commit_callbacks):
    def change_that_fails():
        with transaction.atomic(using=DB):
            publisher.publish(widget_event())
            raise RuntimeError("the change failed")

    with (
        django_capture_on_commit_callbacks(using=DB, execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_that_fails()

    assert not OutboxEvent.objects.using(DB).exists()
    assert callbacks == []
    assert not Widget.objects.using(DB).exists()


@pytest.mark.django_db(transaction=True, databases=[DB])  # no test transaction around it
def test_publish_outside_a_transaction_is_refused():
    with pytest.raises(NotInTransaction):
        publisher.publish(widget_event())


def test_the_request_id_of_the_context_goes_into_the_event():
    token = request_id_var.set("req-42")
    try:
        with transaction.atomic(using=DB):
            publisher.publish(widget_event())
    finally:
        request_id_var.reset(token)

    row = OutboxEvent.objects.using(DB).get()
    assert row.request_id == "req-42"
    assert row.payload["request_id"] == "req-42"


def test_local_transport_delivers_after_commit_and_marks_sent(
    django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.INFO, logger="shared.core.events")
    with django_capture_on_commit_callbacks(using=DB, execute=False) as callbacks:
        with transaction.atomic(using=DB):
            publisher.publish(widget_event("gear", request_id="req-7"))
        assert not Widget.objects.using(DB).exists()  # nothing before the commit

    for callback in callbacks:
        callback()

    assert Widget.objects.using(DB).get().name == "gear"
    assert OutboxEvent.objects.using(DB).get().sent_at is not None
    assert InboxEvent.objects.using(DB).get().request_id == "req-7"
    lines = [(r.getMessage(), r.request_id, r.event_type) for r in caplog.records]
    assert any(m.startswith("event handled") and rid == "req-7" for m, rid, _ in lines)
    assert any(m.startswith("event published") and rid == "req-7" for m, rid, _ in lines)


def test_with_another_transport_nothing_is_dispatched_in_process(
    django_capture_on_commit_callbacks,
):
    with (
        transport.override(InMemoryTransport()) as fake,
        django_capture_on_commit_callbacks(using=DB, execute=True) as callbacks,
        transaction.atomic(using=DB),
    ):
        publisher.publish(widget_event())

    assert callbacks == []
    assert fake.published == []
    assert OutboxEvent.objects.using(DB).get().sent_at is None


def test_a_failing_local_handler_leaves_the_row_unsent_with_a_retry_planned(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(using=DB, execute=True),
        transaction.atomic(using=DB),
    ):
        publisher.publish(widget_event(event_type="widget.broken"))

    row = OutboxEvent.objects.using(DB).get()
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.next_attempt_at > row.created_at
    assert "the handler is broken" in row.last_error
    assert not row.dead
