"""Gives every request an id, echoes it in ``X-Request-ID`` and logs one access line."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shared.core.authentication.service_token import is_service_credential
from shared.kit.context import (
    accept_or_create_request_id,
    deadline_var,
    parse_deadline,
    request_id_var,
    user_uuid_var,
)

REQUEST_ID_HEADER = "X-Request-ID"
DEADLINE_HEADER = "X-Request-Deadline"
access_logger = logging.getLogger("shared.core.access")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accept_or_create_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = request_id_var.set(request_id)
        user_token = user_uuid_var.set(None)
        deadline_token = deadline_var.set(_inbound_deadline(request))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            deadline_var.reset(deadline_token)
            user_uuid_var.reset(user_token)
            request_id_var.reset(id_token)


def _inbound_deadline(request: HttpRequest) -> float | None:
    """A caller's deadline binds only calls from other services (a valid service credential).

    A public client could otherwise make a service skip its own calls to others.
    """
    deadline = request.headers.get(DEADLINE_HEADER)
    if deadline is None:
        return None
    if not is_service_credential(request.headers.get("Authorization", "").encode("latin-1")):
        return None
    return parse_deadline(deadline)
