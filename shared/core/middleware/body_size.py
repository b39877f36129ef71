"""Refuses request bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413 before anyone reads them.

DRF's parsers read the raw stream, which Django does not limit, so the check is made here.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from shared.core.exceptions.envelope import error_response
from shared.kit.errors import ErrorCode


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(ErrorCode.VALIDATION_ERROR, "Invalid Content-Length header.")
        if limit is not None and length > limit:
            return error_response(
                ErrorCode.PAYLOAD_TOO_LARGE,
                f"The request body is larger than {limit} bytes.",
                {"max_bytes": limit},
            )
        return self.get_response(request)
