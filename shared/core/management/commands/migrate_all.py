"""``manage.py migrate_all``: apply migrations to every service database this process hosts."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations to each configured database alias (the empty 'default' is skipped)."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)
        for alias, config in settings.DATABASES.items():
            if not config or config.get("ENGINE", "").endswith("dummy"):
                continue
            if verbosity:
                self.stdout.write(f"Migrating database '{alias}'")
            call_command("migrate", database=alias, interactive=False, verbosity=verbosity)
