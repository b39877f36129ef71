"""The inbox: one effect per event, however often it is delivered; none when the handler fails."""

import json
import logging

import pytest

from shared.core.events import inbox
from shared.core.events.inbox import MalformedEvent
from shared.core.events.testing import InMemoryTransport
from shared.core.tests.events_helpers import DB, the_consumer, widget_event
from shared.core.tests.testapp import handlers
from shared.core.tests.testapp.models import InboxEvent, Widget
from shared.kit.context import request_id_var

pytestmark = pytest.mark.django_db(databases=[DB])


def body(event) -> bytes:
    return event.model_dump_json().encode()


def test_the_same_event_twice_has_one_effect():
    event = widget_event("gear")

    assert inbox.consume(consumer=the_consumer(), body=body(event), headers={}) is True
    assert inbox.consume(consumer=the_consumer(), body=body(event), headers={}) is False

    assert Widget.objects.using(DB).count() == 1
    assert InboxEvent.objects.using(DB).get().event_id == event.event_id


def test_a_failing_handler_leaves_no_inbox_row_so_the_event_is_retried():
    event = widget_event(event_type="widget.broken")

    with pytest.raises(RuntimeError):
        inbox.consume(consumer=the_consumer(), body=body(event), headers={})

    assert not InboxEvent.objects.using(DB).exists()


def test_an_event_type_not_consumed_is_ignored():
    event = widget_event(event_type="widget.unknown")

    assert inbox.consume(consumer=the_consumer(), body=body(event), headers={}) is False
    assert not InboxEvent.objects.using(DB).exists()


@pytest.mark.parametrize(
    "raw", [b"not json", b"{}", json.dumps({"event_id": "x", "type": "t"}).encode()]
)
def test_a_body_that_is_no_envelope_is_refused(raw):
    with pytest.raises(MalformedEvent):
        inbox.consume(consumer=the_consumer(), body=raw, headers={})


def test_the_handler_runs_with_the_events_request_id(caplog, monkeypatch):
    seen = []
    event = widget_event(request_id="req-9")
    original = handlers.make_widget

    def spy(envelope):
        seen.append(request_id_var.get())
        original(envelope)

    caplog.set_level(logging.INFO, logger="shared.core.events")
    monkeypatch.setattr(handlers, "make_widget", spy)
    inbox.consume(consumer=the_consumer(), body=body(event), headers={})

    assert seen == ["req-9"]
    assert request_id_var.get() is None  # restored afterwards
    [line] = [r for r in caplog.records if r.getMessage().startswith("event handled")]
    assert (line.request_id, line.event_id) == ("req-9", str(event.event_id))


def test_the_request_id_header_is_the_fallback(monkeypatch):
    seen = []
    monkeypatch.setattr(handlers, "make_widget", lambda envelope: seen.append(request_id_var.get()))

    inbox.consume(
        consumer=the_consumer(), body=body(widget_event()), headers={"request-id": "req-h"}
    )

    assert seen == ["req-h"]


def test_through_a_transport_a_failing_handler_is_redelivered_then_dead_lettered():
    handlers.calls.clear()
    fake = InMemoryTransport()
    event = widget_event(event_type="widget.broken")
    fake.publish(event_type=event.type, body=body(event), headers={})

    def handle(raw, headers):
        inbox.consume(consumer=the_consumer(), body=raw, headers=headers)

    fake.consume(
        queue="testapp.events", event_types=["widget.broken"], handle=handle, max_attempts=3
    )

    assert handlers.calls == [str(event.event_id)] * 3
    assert [m.body for m in fake.dead["testapp.events"]] == [body(event)]
    assert fake.replay_dead_letters(queue="testapp.events") == 1
    fake.consume(
        queue="testapp.events", event_types=["widget.broken"], handle=handle, max_attempts=1
    )
    assert len(handlers.calls) == 4
