"""``manage.py migrate_all``: apply migrations to every service database this process hosts."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from shared.core.db.migration_records import forget_stale_records

# Replicas of one service start together; on PostgreSQL only one of them migrates at a time.
MIGRATION_LOCK_KEY = 7_311_104_205


@contextmanager
def migration_lock(alias: str) -> Iterator[None]:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])


class Command(BaseCommand):
    help = "Apply migrations to each configured database alias (the empty 'default' is skipped)."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)
        for alias, config in settings.DATABASES.items():
            if not config or config.get("ENGINE", "").endswith("dummy"):
                continue
            if verbosity:
                self.stdout.write(f"Migrating database '{alias}'")
            with migration_lock(alias):
                self.forget_stale_records(alias, verbosity)
                call_command("migrate", database=alias, interactive=False, verbosity=verbosity)

    def forget_stale_records(self, alias: str, verbosity: int) -> None:
        """Records of apps routed elsewhere when they were applied (a monolith's database)."""
        for app_label, count in forget_stale_records(connections[alias]).items():
            if verbosity:
                self.stdout.write(
                    f"  Forgetting {count} recorded migration(s) of '{app_label}': "
                    f"none of its tables is in database '{alias}'"
                )
