"""The projects service's outbox (events it publishes) and inbox (events it has handled)."""

from shared.core.events.models import InboxEventBase, OutboxEventBase


class OutboxEvent(OutboxEventBase):
    class Meta(OutboxEventBase.Meta):
        pass


class InboxEvent(InboxEventBase):
    class Meta(InboxEventBase.Meta):
        pass
