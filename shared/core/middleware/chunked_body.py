"""A WSGI wrapper that gives Django a length for chunked request bodies.

Django reads a body only as far as ``Content-Length``. A chunked body has none: gunicorn
de-chunks it and marks the stream terminated (``wsgi.input_terminated``), yet Django would read
it as empty. Read it here, up to the size limit and one byte more, so a small body is parsed
and an oversized one gets the same 413 as any other.
"""

import io
from collections.abc import Callable, Iterable
from typing import Any

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ChunkedBodyMiddleware:
    def __init__(self, application: WSGIApplication, *, max_bytes: int):
        self.application = application
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if is_terminated_body_without_length(environ):
            body = environ["wsgi.input"].read(self.max_bytes + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)


def is_terminated_body_without_length(environ: dict[str, Any]) -> bool:
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    return (
        chunked and not environ.get("CONTENT_LENGTH") and bool(environ.get("wsgi.input_terminated"))
    )
