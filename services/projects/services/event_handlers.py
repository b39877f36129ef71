"""Handlers of the events projects consumes (declared in its manifest's ``consumes``).

Each takes the envelope as JSON (a dict), validates it against the producer's contract and calls
one service function. They run inside the consumer's inbox transaction (shared.core.events.inbox).
"""

from collections.abc import Mapping
from typing import Any

from services.projects.services.accounts import forget_user
from users_contracts.v1.events import UserDeleted


def on_user_deleted(envelope: Mapping[str, Any]) -> None:
    event = UserDeleted.model_validate(envelope)
    forget_user(user_uuid=event.data.user_uuid)
