"""Rewrites Django's own error responses (HTML 404, 405, 400, 500 ...) into the error envelope."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shared.core.exceptions.envelope import error_response
from shared.kit.errors import ErrorCode

JSON_CONTENT_TYPES = ("application/json", "application/problem+json")


class ErrorEnvelopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response):
            return response
        code = ErrorCode.for_status(response.status_code)
        enveloped = error_response(code, status=response.status_code)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                enveloped[header] = response[header]
        return enveloped


def _is_json(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "")
    return content_type.split(";")[0].strip() in JSON_CONTENT_TYPES
