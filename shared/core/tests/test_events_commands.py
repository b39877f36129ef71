"""manage.py relay_events, consume_events and events list|replay|prune."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from shared.core.events import transport
from shared.core.events.testing import InMemoryTransport
from shared.core.management.commands import consume_events, relay_events
from shared.core.tests.events_helpers import DB, publisher, widget_event
from shared.core.tests.testapp.models import InboxEvent, OutboxEvent, Widget

pytestmark = pytest.mark.django_db(databases=[DB])


@pytest.fixture(autouse=True)
def keep_the_tests_connection(monkeypatch):
    """The loops drop stale connections; here that would close the test's own transaction (on
    PostgreSQL), as Django's test client also prevents for requests."""
    for command in (relay_events, consume_events):
        monkeypatch.setattr(command, "close_old_connections", lambda: None)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def publish(*events):
    with transaction.atomic(using=DB):
        for event in events:
            publisher.publish(event)


def test_relay_once_publishes_unsent_rows_through_the_transport():
    publish(widget_event("a"), widget_event("b"))

    with transport.override(InMemoryTransport()) as fake:
        assert "sent 2 event(s)" in run("relay_events", "--once")

    assert [m.event_type for m in fake.published] == ["widget.ordered"] * 2
    assert not OutboxEvent.objects.using(DB).filter(sent_at__isnull=True).exists()


def test_relay_once_with_the_local_transport_delivers_in_process():
    publish(widget_event("gear"))  # the test transaction never commits: no drain ran

    assert "sent 1 event(s)" in run("relay_events", "--once")

    assert Widget.objects.using(DB).get().name == "gear"


def test_consume_events_feeds_the_queue_to_the_inbox_once_per_event():
    event = widget_event("gear")
    fake = InMemoryTransport()
    for _ in range(2):  # published twice, as after a relay crash
        fake.publish(event_type=event.type, body=event.model_dump_json().encode(), headers={})

    with transport.override(fake):
        run("consume_events")

    assert Widget.objects.using(DB).count() == 1
    assert InboxEvent.objects.using(DB).count() == 1


def test_consume_events_refuses_the_local_transport():
    with pytest.raises(CommandError, match="EVENTS_TRANSPORT=local"):
        run("consume_events")


def test_consume_events_refuses_a_service_that_is_not_a_consumer_here():
    with transport.override(InMemoryTransport()), pytest.raises(CommandError, match="elsewhere"):
        run("consume_events", "--service", "elsewhere")


def make_dead_and_stuck():
    publish(widget_event("dead"), widget_event("stuck"), widget_event("fresh"))
    dead, stuck, fresh = OutboxEvent.objects.using(DB).order_by("id")
    OutboxEvent.objects.using(DB).filter(pk=dead.pk).update(
        dead=True, attempts=3, last_error="RuntimeError: boom\nTraceback"
    )
    OutboxEvent.objects.using(DB).filter(pk=stuck.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10), attempts=1
    )
    return dead, stuck, fresh


def test_events_list_shows_dead_and_stuck_rows():
    dead, stuck, fresh = make_dead_and_stuck()

    out = run("events", "list")

    assert f"dead\ttestapp\t{dead.event_id}\twidget.ordered" in out
    assert "attempts=3\tRuntimeError: boom" in out
    assert f"stuck\ttestapp\t{stuck.event_id}" in out
    assert str(fresh.event_id) not in out
    assert "2 event(s)" in out
    assert str(stuck.event_id) not in run("events", "list", "--dead")
    assert str(dead.event_id) not in run("events", "list", "--stuck")


def test_events_replay_dead_delivers_them_again():
    dead, _, _ = make_dead_and_stuck()

    out = run("events", "replay", "--dead")

    assert "replayed 1 event(s)" in out
    row = OutboxEvent.objects.using(DB).get(pk=dead.pk)
    assert (row.dead, row.sent_at is not None) == (False, True)
    assert Widget.objects.using(DB).filter(name="dead").exists()


def test_events_replay_one_event_by_id():
    dead, stuck, _ = make_dead_and_stuck()
    OutboxEvent.objects.using(DB).filter(pk=stuck.pk).update(next_attempt_at=timezone.now())

    with transport.override(InMemoryTransport()) as fake:
        out = run("events", "replay", "--event-id", str(stuck.event_id))

    assert "replayed 1 event(s)" in out
    assert OutboxEvent.objects.using(DB).get(pk=dead.pk).dead  # not selected
    assert OutboxEvent.objects.using(DB).get(pk=stuck.pk).attempts == 0
    assert fake.published == []  # the relay process sends it, not the command


def test_events_list_dead_letters_shows_the_transports_dead_letter_queue():
    fake = InMemoryTransport()
    publish(widget_event("a"))
    run_with = transport.override(fake)
    with run_with:
        run("relay_events", "--once")

        def always_fails(body, headers):
            raise RuntimeError("handler bug")

        fake.consume(
            queue="testapp.events", event_types=["widget.ordered"], handle=always_fails,
            max_attempts=2,
        )  # fmt: skip
        out = run("events", "list", "--dead-letters")

    [row, total] = out.strip().splitlines()
    assert row.startswith("dead-letter\ttestapp.events\t")
    assert "widget.ordered" in row
    assert "attempts=2" in row
    assert "RuntimeError: handler bug" in row
    assert total == "testapp.events: 1 dead letter(s)"


def test_events_replay_dead_letters_asks_the_transport():
    fake = InMemoryTransport()
    fake.dead["testapp.events"] = []

    with transport.override(fake):
        out = run("events", "replay", "--dead-letters")

    assert "testapp.events: requeued 0 dead letter(s)" in out


def test_events_replay_dead_letters_needs_a_transport_that_keeps_them():
    with pytest.raises(CommandError, match="keeps no dead letters"):
        run("events", "replay", "--dead-letters")


def test_events_prune_deletes_old_sent_rows():
    publish(widget_event())
    OutboxEvent.objects.using(DB).update(sent_at=timezone.now() - dt.timedelta(days=3))

    assert "testapp.OutboxEvent: deleted 0 row(s)" in run("events", "prune")
    assert "testapp.OutboxEvent: deleted 1 row(s)" in run("events", "prune", "--days", "2")


def test_relay_loop_runs_passes_until_it_is_told_to_stop(monkeypatch):

    publish(widget_event("gear"))
    passes = []

    def sleep(seconds):
        passes.append(seconds)
        if len(passes) == 2:
            command._stop(15, None)

    command = relay_events.Command(stdout=io.StringIO())
    monkeypatch.setattr(relay_events.signal, "signal", lambda *args: None)
    monkeypatch.setattr(relay_events.time, "sleep", sleep)

    with transport.override(InMemoryTransport()) as fake:
        command.handle()

    assert len(fake.published) == 1
    assert passes == [0.1, 0.1]  # slept only after passes that sent nothing (the default)


def test_the_relay_fault_dies_after_the_publish_and_before_marking_it_sent(settings, monkeypatch):
    publish(widget_event("a"))
    settings.FAULT_RELAY_EXIT_AFTER_PUBLISH = True

    class Exited(BaseException):
        pass

    def exit_now(status):
        raise Exited(status)

    monkeypatch.setattr(relay_events.os, "_exit", exit_now)
    with transport.override(InMemoryTransport()) as fake, pytest.raises(Exited) as exited:
        run("relay_events", "--once")

    assert exited.value.args == (relay_events.EXIT_AFTER_PUBLISH,)
    assert len(fake.published) == 1  # the broker has it ...
    assert OutboxEvent.objects.using(DB).get().sent_at is None  # ... and the row goes again
