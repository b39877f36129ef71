"""gunicorn's access log as JSON lines, escaped by the JSON formatter like every other line.

gunicorn writes its access line by %-substituting request values into ``access_log_format``,
which escapes nothing JSON needs: a path with ``\\``, ``"`` or an encoded newline (``%0a``)
would break a JSON-looking format or forge a second line. The mixin logs a record with the
values as structured fields instead; the handler's ``JsonFormatter`` escapes them. The fields
are those of Django's own access line (``shared.core.access``: method, path, status,
duration_ms), so one query finds both, plus the request id the service answered with.

The core does not depend on gunicorn; the project combines the two::

    class JsonAccessLogger(JsonAccessLogMixin, gunicorn.glogging.Logger): ...

``access_log_format`` is not used; the ``gunicorn.access`` logger needs a handler with the
``JsonFormatter`` and the ``RequestContextFilter`` (for ``service``), e.g. from
``logconfig_dict``.
"""

import logging
import traceback
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

REQUEST_ID_HEADER = "x-request-id"


def access_fields(resp: Any, environ: Mapping[str, Any], request_time: timedelta) -> dict:
    """The structured fields of one access line, from what gunicorn passes to ``access()``."""
    path = f"{environ.get('SCRIPT_NAME', '')}{environ.get('PATH_INFO', '')}"
    return {
        "method": environ.get("REQUEST_METHOD"),
        # WSGI strings are bytes read as latin-1; show the path the way Django sees it.
        "path": path.encode("latin-1", "replace").decode("utf-8", "replace"),
        "status": _status(resp),
        "duration_ms": round(request_time.total_seconds() * 1000, 2),
        "request_id": _header(getattr(resp, "headers", None) or [], REQUEST_ID_HEADER),
        "trace_id": _trace_id(environ.get("HTTP_TRACEPARENT")),
        "remote_addr": environ.get("REMOTE_ADDR"),
    }


def _trace_id(traceparent: str | None) -> str | None:
    """The trace id of a W3C ``traceparent`` (the gateway sends one with every request)."""
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) >= 4 and len(parts[1]) == 32 else None


def _status(resp: Any) -> int | None:
    status = getattr(resp, "status", None)
    if isinstance(status, int):
        return status
    try:
        return int(str(status).split(None, 1)[0])
    except (IndexError, ValueError):
        return None


def _header(headers: Iterable[tuple[str, str]] | Mapping[str, str], name: str) -> str | None:
    items = headers.items() if isinstance(headers, Mapping) else headers
    for key, value in items:
        if key.lower() == name:
            return value
    return None


class JsonAccessLogMixin:
    """Replaces ``gunicorn.glogging.Logger.access`` (put it first in the bases)."""

    access_log: logging.Logger

    def access(self, resp: Any, req: Any, environ: Mapping[str, Any], request_time: timedelta):
        if not getattr(self, "access_log_enabled", True):
            return
        log = self.access_log
        if not log.isEnabledFor(logging.INFO):
            return
        try:
            fields = access_fields(resp, environ, request_time)
            args = (fields["method"], fields["path"], fields["status"])
            # The record is made and handled directly: ``info()`` would first walk the stack
            # for the caller's file and line, which an access line never shows (a third of
            # the line's cost).
            record = log.makeRecord(
                log.name, logging.INFO, "", 0, "%s %s %s", args, None, extra=fields
            )
            log.handle(record)
        except Exception:
            self.error(traceback.format_exc())  # type: ignore[attr-defined]
