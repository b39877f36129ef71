"""ServiceManifest: what the composition root needs to know to host a service in a process."""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServiceManifest:
    """One proto-service as the settings and the gateway see it."""

    name: str  # also its app label and its database alias
    app: str  # the Django app, e.g. "services.users"
    urlconf: str  # its public and internal URL patterns
    public_prefixes: tuple[str, ...]  # the gateway's routing table for this service
    extra_apps: tuple[str, ...] = ()  # Django apps only this service needs
    local_client: str | None = None  # factory of the in-process client other services use
    http_client: str | None = None  # its HTTP client (a ResilientHttpClient), for wsgi and http
    needs: tuple[str, ...] = field(default=())  # providers whose clients this service calls
    # Integration events (docs/EVENTS.md): the types it publishes through its outbox model, and
    # the types it consumes, each with the dotted path of its handler, through its inbox model.
    produces: tuple[str, ...] = ()
    outbox_model: str | None = None  # "app_label.Model", in the service's own database
    consumes: Mapping[str, str] = field(default_factory=dict)
    inbox_model: str | None = None

    @property
    def database_alias(self) -> str:
        return self.name

    @property
    def database_url_variable(self) -> str:
        return f"{self.name.upper()}_DATABASE_URL"

    @property
    def service_url_variable(self) -> str:
        return f"{self.name.upper()}_SERVICE_URL"
