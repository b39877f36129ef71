"""A logging filter and formatter for one JSON object per line.

Every record gets ``service``, ``request_id`` and ``user_uuid`` from the request context, so one
request can be followed across the logs of all services by its id. Times are ISO 8601 in UTC
with milliseconds (``2026-11-28T23:57:12.123Z``), whatever the host's time zone, the same shape
as the gateway's ``time`` field.
"""

import logging
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from shared.core.observability.tracing import current_trace_id
from shared.kit.context import request_id_var, user_uuid_var


class RequestContextFilter(logging.Filter):
    """Adds the service name and the request's context to every record.

    A ``request_id`` or ``user_uuid`` passed in ``extra`` wins (gunicorn's access line is written
    after the request, from the response's ``X-Request-ID``). Outside the request context, a
    record that carries the request (Django's ``django.request`` lines, written after the
    middleware has left) takes them from it.
    """

    def __init__(self, service: str = "monolith"):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        request = getattr(record, "request", None)
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get() or getattr(request, "request_id", None)
        if getattr(record, "user_uuid", None) is None:
            record.user_uuid = user_uuid_var.get() or _user_uuid(request)
        if getattr(record, "trace_id", None) is None:
            record.trace_id = current_trace_id()  # docs/OBSERVABILITY.md
        return True


def _user_uuid(request: object) -> str | None:
    """The acting user of a request DRF has authenticated (it sets ``user`` on Django's too)."""
    uuid = getattr(getattr(request, "user", None), "uuid", None)
    return str(uuid) if uuid is not None else None


def iso_utc(timestamp: float) -> str:
    """``2026-11-28T23:57:12.123Z``: ISO 8601, UTC, milliseconds (truncated, like nginx's)."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args: object, **kwargs: object):
        kwargs.setdefault(
            "fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s"
        )
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt:  # an explicit datefmt keeps the logging module's meaning
            return super().formatTime(record, datefmt)
        return iso_utc(record.created)
