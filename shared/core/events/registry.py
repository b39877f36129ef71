"""The outboxes and consumers hosted by this process, as settings declare them.

``EVENTS_OUTBOXES = {"users": {"model": "users.OutboxEvent", "database": "users"}}``;
``EVENTS_CONSUMERS = {"projects": {"inbox": "projects.InboxEvent", "database": "projects",
"handlers": {"user.deleted": "dotted.path.to.handler"}}}``. A handler takes the envelope as a
JSON object (a dict) and validates it against its producer's contract model.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

from shared.core.events.models import InboxEventBase, OutboxEventBase

Handler = Callable[[Mapping[str, Any]], None]


@dataclass(frozen=True)
class Outbox:
    service: str
    model: type[OutboxEventBase]
    database: str


@dataclass(frozen=True)
class Consumer:
    service: str
    inbox: type[InboxEventBase]
    database: str
    handlers: Mapping[str, str]  # event type -> dotted path of the handler

    @property
    def queue(self) -> str:
        return f"{self.service}.events"

    @property
    def event_types(self) -> list[str]:
        return sorted(self.handlers)

    def handler(self, event_type: str) -> Handler:
        return import_string(self.handlers[event_type])


def outboxes() -> list[Outbox]:
    declared = getattr(settings, "EVENTS_OUTBOXES", {})
    return [
        Outbox(service=name, model=apps.get_model(entry["model"]), database=entry["database"])
        for name, entry in declared.items()
    ]


def consumers() -> list[Consumer]:
    declared = getattr(settings, "EVENTS_CONSUMERS", {})
    return [
        Consumer(
            service=name,
            inbox=apps.get_model(entry["inbox"]),
            database=entry["database"],
            handlers=dict(entry["handlers"]),
        )
        for name, entry in declared.items()
    ]


def consumer(service: str) -> Consumer:
    for candidate in consumers():
        if candidate.service == service:
            return candidate
    raise LookupError(f"{service} consumes no events in this process")


def consumers_of(event_type: str) -> list[Consumer]:
    return [candidate for candidate in consumers() if event_type in candidate.handlers]
