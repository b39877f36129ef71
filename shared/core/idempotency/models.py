"""The abstract table of answered writes; each service makes it concrete in its own database."""

from django.db import models
from django.utils import timezone


class IdempotentRequestBase(models.Model):
    """A write answered under an ``Idempotency-Key``: the answer, kept to be sent again.

    Written in the transaction of the write itself, so it exists exactly when the write does.
    ``fingerprint`` is the SHA-256 of the request (method, path and query, Authorization, body).
    """

    key = models.CharField(max_length=255, unique=True)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=255, blank=True, default="")
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.key} -> {self.status_code}"
