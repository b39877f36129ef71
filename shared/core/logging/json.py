"""A logging filter and formatter for one JSON object per line.

Every record gets ``service``, ``request_id`` and ``user_uuid`` from the request context, so one
request can be followed across the logs of all services by its id.
"""

import logging

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from shared.core.context import request_id_var, user_uuid_var


class RequestContextFilter(logging.Filter):
    def __init__(self, service: str = "monolith"):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = request_id_var.get()
        record.user_uuid = user_uuid_var.get()
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args: object, **kwargs: object):
        kwargs.setdefault(
            "fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s"
        )
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
