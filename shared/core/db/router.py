"""Sends each app's models to the database alias of the service that owns it.

``settings.DATABASE_APP_ROUTES`` maps app labels to aliases, e.g. ``{"projects": "projects"}``.
Apps not in the map are left to Django's defaults.
"""

from typing import Any

from django.conf import settings
from django.db import models


def alias_for_app(app_label: str) -> str | None:
    return settings.DATABASE_APP_ROUTES.get(app_label)


class ServiceDatabaseRouter:
    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        return alias_for_app(model._meta.app_label)

    db_for_write = db_for_read

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        first, second = alias_for_app(obj1._meta.app_label), alias_for_app(obj2._meta.app_label)
        if first is None or second is None:
            return None
        return first == second

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        alias = alias_for_app(app_label)
        if alias is None:
            return None
        return db == alias
