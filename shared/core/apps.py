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

        self._start_observability()

    def _start_observability(self) -> None:
        """Service calls carry the trace context; spans are exported only to a named collector.

        Here, before any handler loads the middleware: the Django instrumentation adds its own.
        """
        from django.conf import settings

        from shared.core.observability import tracing

        tracing.install_propagation()
        if getattr(settings, "OTEL_EXPORTER_OTLP_ENDPOINT", None) and not tracing.enabled():
            tracing.start_otlp_export(service_name=getattr(settings, "SERVICE_NAME", "monolith"))
