"""Event handlers of the test app: one with an effect (a widget), one that always fails."""

import uuid
from collections.abc import Mapping
from typing import Any

from shared.core.tests.testapp.models import Widget

calls: list[str] = []  # event ids of every call, including the failed ones


def make_widget(envelope: Mapping[str, Any]) -> None:
    calls.append(envelope["event_id"])
    Widget.objects.using("testapp").create(
        name=envelope["data"]["name"], owner_uuid=uuid.UUID(envelope["aggregate_id"])
    )


def fail(envelope: Mapping[str, Any]) -> None:
    calls.append(envelope["event_id"])
    raise RuntimeError("the handler is broken")
