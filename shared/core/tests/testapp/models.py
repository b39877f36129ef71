"""Test-only models built from the core's abstract models (synced without migrations)."""

from django.db import models

from shared.core.events.models import InboxEventBase, OutboxEventBase
from shared.core.idempotency.models import IdempotentRequestBase
from shared.core.models import OwnedMixin, SoftDeleteMixin, TimestampedModel, UUIDModel


class Widget(UUIDModel, TimestampedModel, SoftDeleteMixin, OwnedMixin):
    """Stands in for a service's aggregate: public uuid, timestamps, soft delete and an owner."""

    name = models.CharField(max_length=100)
    due_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Tagging(models.Model):
    """A relation to Django's auth app, which the suite routes to another database (no table).

    It exists so that the core's boundary check has a cross-service foreign key to report.
    """

    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE)

    class Meta:
        managed = False


class OutboxEvent(OutboxEventBase):
    """The test app as a producer: its outbox, in its own database."""

    class Meta(OutboxEventBase.Meta):
        pass


class InboxEvent(InboxEventBase):
    """The test app as a consumer: its inbox, next to the widgets its handlers make."""

    class Meta(InboxEventBase.Meta):
        pass


class IdempotentRequest(IdempotentRequestBase):
    """The test app's answered writes, in its own database."""

    class Meta(IdempotentRequestBase.Meta):
        pass
