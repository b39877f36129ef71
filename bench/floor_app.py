"""A WSGI application that answers every request with one recorded body: the transport's floor.

``bench/clients.py`` serves it under gunicorn with the image's configuration and calls it through
the same ``HttpUsersClient``: everything an ``http`` call costs but the users service's own work
(Django, the query, the serialisation). The body is read from the file that ``BENCH_FLOOR_BODY``
names, a real answer of the internal users endpoint.
"""

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

BODY = Path(os.environ["BENCH_FLOOR_BODY"]).read_bytes()
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
