"""``manage.py prune_idempotency_keys``: delete the hosted services' expired idempotency keys.

A key older than ``IDEMPOTENCY_KEY_TTL_HOURS`` (24) is never answered from again; this removes
its row. The events relay runs it hourly too, beside ``events prune``.
"""

from typing import Any

from django.core.management.base import BaseCommand

from shared.core.idempotency.store import prune


class Command(BaseCommand):
    help = "Delete idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in prune().items():
            self.stdout.write(f"{label}: {count} expired key(s) deleted")
