"""The users service's outbox: its integration events, written with the changes they describe."""

from shared.core.events.models import OutboxEventBase


class OutboxEvent(OutboxEventBase):
    class Meta(OutboxEventBase.Meta):
        pass
