"""ServiceManifest: what the composition root needs to know to host a service in a process."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MONOLITH = "monolith"


@dataclass(frozen=True)
class ServiceManifest:
    """One proto-service as the settings and the gateway see it."""

    name: str  # also its app label and its database alias
    app: str  # the Django app, e.g. "services.users"
    urlconf: str  # its public and internal URL patterns
    public_prefixes: tuple[str, ...]  # the gateway's routing table for this service
    extra_apps: tuple[str, ...] = ()  # Django apps only this service needs
    rate_limited_paths: tuple[str, ...] = ()  # limited per client address at the gateway
    serves_docs: bool = False  # the gateway sends /api/docs/ and /static/ here
    issues_tokens: bool = False  # signs JWTs: holds the private key where it is hosted
    user_model: str | None = None  # AUTH_USER_MODEL where it is hosted ("users.User")
    local_client: str | None = None  # factory of the in-process client other services use
    # The providers this service calls, each with the HTTP client their contract distribution
    # ships (for wsgi and http): a consumer knows it without the provider's manifest, so it is
    # configured the same in a repository where the provider is not known at all.
    needs: Mapping[str, str] = field(default_factory=dict)
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
        return service_url_variable(self.name)


def service_url_variable(name: str) -> str:
    """The setting that holds where a service answers, for its consumers."""
    return f"{name.upper()}_SERVICE_URL"


def process_name(hosted: Iterable[str], known: Iterable[str]) -> str:
    """The name a process goes by in logs and ``/readyz``.

    The one service it hosts; "monolith" when it hosts every one of several known services;
    otherwise the hosted names joined by "+", in known order.
    """
    hosted, known = list(hosted), list(known)
    if len(hosted) == 1:
        return hosted[0]
    if len(known) > 1 and set(hosted) == set(known):
        return MONOLITH
    return "+".join(name for name in known if name in hosted)
