"""Helpers of the events tests: the test app's publisher and events it can publish."""

import uuid

from pydantic import BaseModel

from shared.core.events.publisher import Publisher
from shared.core.events.registry import consumer, outboxes
from shared.core.tests.testapp.models import OutboxEvent
from shared.kit.events import EventEnvelope

DB = "testapp"
publisher = Publisher(outbox=OutboxEvent, using=DB)


class WidgetData(BaseModel):
    name: str


def widget_event(
    name: str = "ordered", *, event_type: str = "widget.ordered", **fields
) -> EventEnvelope[WidgetData]:
    return EventEnvelope[WidgetData](
        type=event_type,
        version=1,
        producer="testapp",
        aggregate_id=str(fields.pop("owner", uuid.uuid4())),
        data=WidgetData(name=name),
        **fields,
    )


def the_outbox():
    [outbox] = outboxes()
    return outbox


def the_consumer():
    return consumer("testapp")
