"""The ``wsgi`` transport: the full HTTP path into this same process, with no socket.

Django's WSGIHandler sends ``request_started`` and ``request_finished``, whose receivers close the
thread's database connections, which here are the *outer* request's (docs/ARCHITECTURE.md
section 6). The in-process handler below is Django's handler without those two signals: the
outer request, served by a real server, still owns and closes its connections.
"""

from collections.abc import Callable, Iterable
from typing import Any

import httpx
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, get_script_name
from django.urls import set_script_prefix


class InProcessWSGIHandler(WSGIHandler):
    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        set_script_prefix(get_script_name(environ))
        response = self.get_response(self.request_class(environ))
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(status, list(response.items()))
        if response.streaming:
            return [b"".join(response.streaming_content)]  # type: ignore[attr-defined]
        return [response.content]


_transport: httpx.WSGITransport | None = None


def in_process_transport() -> httpx.WSGITransport:
    """The process's one httpx transport that calls this Django application directly."""
    global _transport
    if _transport is None:
        _transport = httpx.WSGITransport(app=InProcessWSGIHandler())
    return _transport


def in_process_base_url() -> str:
    """A base URL whose host this process accepts (the first concrete ALLOWED_HOSTS entry)."""
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return f"http://{host}"
    return "http://localhost"
