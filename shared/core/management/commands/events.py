"""``manage.py events list|replay|prune``: operate the hosted services' outboxes and inboxes.

- ``list [--dead] [--stuck] [--older-than S]``: dead rows (failed ``EVENTS_MAX_ATTEMPTS``
  times) and stuck ones (alive, unsent, written more than S seconds ago; default 60); both when
  neither flag is given;
- ``replay [--dead] [--stuck] [--event-id ID ...]``: make those rows due again with fresh
  attempts (the relay sends them; with the local transport they are delivered at once);
  ``list --dead-letters`` and ``replay --dead-letters`` list or requeue the transport's
  dead-letter queues (RabbitMQ's ``<queue>.dead``) instead;
- ``prune [--days N]``: delete sent outbox rows and inbox rows older than
  ``EVENTS_RETENTION_DAYS`` (or N) days.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet
from django.utils import timezone

from shared.core.events import registry
from shared.core.events import relay as relays
from shared.core.events import transport as transports
from shared.core.management.commands.relay_events import relay_for


class Command(BaseCommand):
    help = "List and replay dead or stuck outbox rows; prune old events."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name in ("list", "replay"):
            action = actions.add_parser(name)
            action.add_argument("--dead", action="store_true", help="rows that are dead")
            action.add_argument("--stuck", action="store_true", help="alive rows left unsent")
            action.add_argument(
                "--older-than", type=int, default=60, metavar="SECONDS", help="stuck: age"
            )
            action.add_argument("--event-id", action="append", default=[], help="only these")
        actions.choices["replay"].add_argument(
            "--dead-letters", action="store_true", help="requeue the transport's dead letters"
        )
        actions.choices["list"].add_argument(
            "--dead-letters", action="store_true", help="list the transport's dead letters"
        )
        prune = actions.add_parser("prune")
        prune.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "prune":
            self._prune(options["days"])
        elif action == "replay" and options["dead_letters"]:
            self._replay_dead_letters()
        elif action == "list" and options["dead_letters"]:
            self._list_dead_letters()
        else:
            self._rows(action, options)

    def _rows(self, action: str, options: dict[str, Any]) -> None:
        now = timezone.now()
        total = 0
        for outbox in registry.outboxes():
            for label, rows in self._selected(outbox, options, now):
                if action == "list":
                    for row in rows:
                        self.stdout.write(_describe(outbox, row, label))
                        total += 1
                else:
                    total += relays.replay(outbox, rows, now=now)
        if action == "list":
            self.stdout.write(f"{total} event(s)")
            return
        self.stdout.write(f"replayed {total} event(s)")
        if total and transports.is_local():
            sent = relay_for(transports.LocalTransport()).run_once()
            self.stdout.write(f"delivered {sent} event(s)")

    def _selected(
        self, outbox: registry.Outbox, options: dict[str, Any], now: dt.datetime
    ) -> list[tuple[str, QuerySet[Any]]]:
        both = not options["dead"] and not options["stuck"]
        older_than = dt.timedelta(seconds=options["older_than"])
        selected = []
        if options["dead"] or both:
            selected.append(("dead", relays.dead(outbox)))
        if options["stuck"] or both:
            selected.append(("stuck", relays.stuck(outbox, now=now, older_than=older_than)))
        if options["event_id"]:
            selected = [
                (label, rows.filter(event_id__in=options["event_id"])) for label, rows in selected
            ]
        return selected

    def _dead_letter_transport(self) -> transports.ReplaysDeadLetters:
        transport = transports.get_transport()
        if not isinstance(transport, transports.ReplaysDeadLetters):
            raise CommandError(
                f"{type(transport).__name__} keeps no dead letters: list and replay outbox rows "
                "with `events list --dead` and `events replay --dead`"
            )
        return transport

    def _list_dead_letters(self) -> None:
        transport = self._dead_letter_transport()
        for consumer in registry.consumers():
            letters = transport.dead_letters(consumer.queue)
            for letter in letters:
                event_id = letter.headers.get("event-id", "")
                self.stdout.write(
                    f"dead-letter\t{consumer.queue}\t{event_id}\t{letter.event_type}\t"
                    f"{letter.failed_at}\tattempts={letter.attempts}\t{letter.error}"
                )
            self.stdout.write(f"{consumer.queue}: {len(letters)} dead letter(s)")

    def _replay_dead_letters(self) -> None:
        transport = self._dead_letter_transport()
        for consumer in registry.consumers():
            moved = transport.replay_dead_letters(queue=consumer.queue)
            self.stdout.write(f"{consumer.queue}: requeued {moved} dead letter(s)")

    def _prune(self, days: int | None) -> None:
        retention = dt.timedelta(days=days) if days is not None else None
        for label, count in relays.prune(now=timezone.now(), retention=retention).items():
            self.stdout.write(f"{label}: deleted {count} row(s)")


def _describe(outbox: registry.Outbox, row: Any, label: str) -> str:
    error = row.last_error.splitlines()[0] if row.last_error else ""
    return (
        f"{label}\t{outbox.service}\t{row.event_id}\t{row.type}\t{row.aggregate_id}\t"
        f"{row.created_at.isoformat()}\tattempts={row.attempts}\t{error}"
    )
