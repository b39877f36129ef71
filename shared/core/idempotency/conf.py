"""The idempotency settings core reads, with their defaults."""

import datetime as dt

from django.conf import settings

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
DEFAULT_TTL_HOURS = 24


def ttl() -> dt.timedelta:
    """How long an answer is kept (``IDEMPOTENCY_KEY_TTL_HOURS``); an older key is a new one."""
    return dt.timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", DEFAULT_TTL_HOURS))
