"""Abstract outbox and inbox tables; each service makes them concrete in its own database."""

import uuid

from django.db import models
from django.utils import timezone


class OutboxEventBase(models.Model):
    """An event written in the same transaction as the change it describes, sent later.

    ``payload`` is the whole envelope as JSON: it is the message body, byte for byte, that the
    relay hands to the transport. The other columns exist to query and operate the table.
    """

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=100)
    version = models.PositiveSmallIntegerField()
    producer = models.CharField(max_length=50)
    aggregate_id = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    request_id = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True, default="")
    dead = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["id"]
        indexes = [
            # The relay's question, asked every poll: unsent, alive, due.
            models.Index(
                fields=["sent_at", "dead", "next_attempt_at"], name="%(app_label)s_outbox_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class InboxEventBase(models.Model):
    """An event a consumer has handled; committed with the handler's effect, keyed by event id."""

    event_id = models.UUIDField(unique=True)
    type = models.CharField(max_length=100)
    producer = models.CharField(max_length=50)
    request_id = models.CharField(max_length=64, null=True, blank=True)
    processed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
