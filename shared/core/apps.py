"""Django app configuration for the shared core package."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shared.core"
    label = "core"
    verbose_name = "Shared core"
