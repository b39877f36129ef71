"""Django app configuration for the shared core package."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shared.core"
    label = "core"
    verbose_name = "Shared core"

    def ready(self) -> None:
        # Registers the OpenAPI description of the JWT authentication with drf-spectacular.
        from shared.core import checks  # noqa: F401  (registers the service-boundary checks)
        from shared.core.authentication import openapi  # noqa: F401
