"""The registry that hands consumers the client of a provider service.

``settings.SERVICE_CLIENTS`` maps a provider name to the dotted path of a zero-argument factory
(usually a client class). The composition root (``config.settings``) fills it in from the
topology; consumers only ever write ``clients.get("users")``.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from shared.core.exceptions import ServiceUnavailableError


class ClientRegistry:
    def __init__(self) -> None:
        self._instances: dict[str, Any] = {}
        self._overrides: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Any:
        """The client of provider ``name``, built once per process."""
        if name in self._overrides:
            return self._overrides[name]
        instance = self._instances.get(name)
        if instance is None:
            with self._lock:
                instance = self._instances.get(name)
                if instance is None:
                    instance = self._instances[name] = self._build(name)
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
        path = getattr(settings, "SERVICE_CLIENTS", {}).get(name)
        if path is None:
            raise ServiceUnavailableError(f"No client is configured for the '{name}' service.")
        return import_string(path)()


_ABSENT = object()
clients = ClientRegistry()
