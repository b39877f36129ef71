"""The registry that hands consumers the client of a provider service.

``settings.SERVICE_CLIENTS`` maps a provider name to how it is reached::

    {"transport": "local" | "wsgi" | "http",
     "local": "dotted.path.LocalClient",    # in-process adapter over the provider's services
     "remote": "dotted.path.HttpClient",    # ResilientHttpClient subclass (wsgi and http)
     "url": "http://users:8000", "token": "<INTERNAL_API_TOKEN>"}

The composition root (``config.settings``) fills it in from the topology; consumers only write
``clients.get("users", UsersClient)``, typed by the provider's client Protocol, and never know
which transport answers. Each built client is wrapped so that its calls are counted, timed
and traced (``shared/core/observability/clients.py``); overrides are not.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from shared.kit.errors import ServiceUnavailableError
from shared.kit.http import ClientPolicy, circuit_breaker

T = TypeVar("T")


class ClientRegistry:
    def __init__(self) -> None:
        self._instances: dict[str, Any] = {}
        self._overrides: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, name: str, interface: type[T]) -> T:
        """The client of provider ``name``, built once per process, typed as ``interface``.

        ``interface`` is what the caller codes against (``UsersClient``). The built client is
        checked against it once, when it is built, if isinstance can tell (a class or a
        ``runtime_checkable`` Protocol); overrides are the caller's word and are not checked.
        """
        if name in self._overrides:
            return self._overrides[name]
        instance = self._instances.get(name)
        if instance is None:
            with self._lock:
                instance = self._instances.get(name)
                if instance is None:
                    built = _checked(self._build(name), name, interface)
                    instance = self._instances[name] = _instrumented(built, name)
        return instance

    @contextmanager
    def override(self, name: str, client: Any) -> Iterator[Any]:
        """Use ``client`` for ``name`` inside the block (tests, the in-memory fakes)."""
        previous = self._overrides.get(name, _ABSENT)
        self._overrides[name] = client
        try:
            yield client
        finally:
            if previous is _ABSENT:
                self._overrides.pop(name, None)
            else:
                self._overrides[name] = previous

    def reset(self) -> None:
        """Forget built clients (after a settings change)."""
        with self._lock:
            self._instances.clear()

    def _build(self, name: str) -> Any:
        config = getattr(settings, "SERVICE_CLIENTS", {}).get(name)
        if config is None:
            raise ServiceUnavailableError(f"No client is configured for the '{name}' service.")
        if config["transport"] == "local":
            return import_string(config["local"])()
        remote = import_string(config["remote"])
        if config["transport"] == "wsgi":
            from shared.core.clients.wsgi import in_process_base_url, in_process_transport

            return remote(
                base_url=in_process_base_url(),
                token=config["token"],
                transport=in_process_transport(),
            )
        return remote(base_url=config["url"], token=config["token"])


def _instrumented(client: Any, name: str) -> Any:
    """The client, counted, timed and traced per call (docs/OBSERVABILITY.md)."""
    from shared.core.observability.clients import InstrumentedClient
    from shared.core.observability.metrics import watch_breaker

    transport = settings.SERVICE_CLIENTS[name]["transport"]
    if transport != "local" and isinstance(policy := getattr(client, "policy", None), ClientPolicy):
        watch_breaker(circuit_breaker(name, policy), name)
    return InstrumentedClient(client, caller=_caller(name), callee=name, transport=transport)


def _caller(provider: str) -> str:
    """The hosted services that need ``provider`` (their manifests say so), else the process."""
    callers = [m.name for m in getattr(settings, "HOSTED", []) if provider in m.needs]
    return ",".join(callers) or getattr(settings, "SERVICE_NAME", "unknown")


def _checked(instance: Any, name: str, interface: type) -> Any:
    try:
        conforms = isinstance(instance, interface)
    except TypeError:  # a Protocol without @runtime_checkable: only a type checker can tell
        conforms = True
    if not conforms:
        raise ImproperlyConfigured(
            f"SERVICE_CLIENTS[{name!r}] built a {type(instance).__qualname__}, "
            f"not a {interface.__qualname__}."
        )
    return instance


_ABSENT = object()
clients = ClientRegistry()
