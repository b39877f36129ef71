"""Claiming a key in the current transaction, and pruning expired keys."""

import datetime as dt

from django.apps import apps
from django.db import IntegrityError, router, transaction
from django.utils import timezone

from shared.core.idempotency.conf import ttl
from shared.core.idempotency.models import IdempotentRequestBase


def claim(
    model: type[IdempotentRequestBase], *, using: str, key: str, fingerprint: str
) -> IdempotentRequestBase | None:
    """Claim ``key`` inside the caller's transaction: None when claimed, else the live row.

    The insert is the lock: on PostgreSQL a concurrent insert of the same key waits for the
    transaction holding it and then fails; on SQLite (immediate transactions) the writers queue.
    A row older than the TTL is taken over as if it were not there.
    """
    while True:
        now = timezone.now()
        try:
            with transaction.atomic(using=using):  # a savepoint: a duplicate leaves it usable
                model.objects.using(using).create(key=key, fingerprint=fingerprint, created_at=now)
            return None
        except IntegrityError:
            pass
        rows = model.objects.using(using).filter(key=key)
        taken_over = rows.filter(created_at__lt=now - ttl()).update(
            fingerprint=fingerprint, created_at=now, status_code=0, content_type="", body=b""
        )
        if taken_over:
            return None
        stored = rows.first()
        if stored is not None:  # else pruned in between: claim again
            return stored


def prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired keys from every installed table; {model label: rows deleted}."""
    cutoff = (now or timezone.now()) - ttl()
    deleted = {}
    for model in apps.get_models():
        if issubclass(model, IdempotentRequestBase):
            using = router.db_for_write(model)
            count, _ = model.objects.using(using).filter(created_at__lt=cutoff).delete()
            deleted[model._meta.label] = count
    return deleted
