"""Client factories the registry tests name in ``SERVICE_CLIENTS``."""

import threading
import time

from shared.kit.http import ResilientHttpClient


class CountingClient:
    """Counts its constructions; slow to build so that concurrent first uses would overlap."""

    constructed = 0
    _lock = threading.Lock()

    def __init__(self) -> None:
        time.sleep(0.01)
        with CountingClient._lock:
            CountingClient.constructed += 1


class OtherClient:
    def ping(self) -> str:
        return "pong"


class SelfClient(ResilientHttpClient):
    """A remote client of this very process, as the registry builds one for a provider."""

    def __init__(self, *, base_url: str, token: str | None = None, transport=None):  # type: ignore[no-untyped-def]
        super().__init__(service="self", base_url=base_url, token=token, transport=transport)

    def health(self) -> dict:
        return self.request("GET", "/healthz").json()

    def internal_ping(self) -> dict:
        return self.request("GET", "/internal/ping").json()
