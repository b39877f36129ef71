"""The events settings core reads, with the defaults a project that sets none gets."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "EVENTS_TRANSPORT": "local",
    "EVENTS_BROKER_URL": None,
    "EVENTS_MAX_ATTEMPTS": 5,
    "EVENTS_RETENTION_DAYS": 7,
    "EVENTS_RELAY_POLL_SECONDS": 0.1,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
