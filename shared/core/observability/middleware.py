"""Counts and times every request by route template, and makes its trace the current one.

First in ``MIDDLEWARE``: its time covers every other middleware, its status is the one answered,
and the request id middleware's access line already sees the trace. When spans are recorded, the
Django instrumentation's own middleware (inserted before this one) has restored the trace.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from shared.core.observability import tracing
from shared.core.observability.metrics import UNMATCHED_ROUTE, RequestMetrics


class ObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.metrics = RequestMetrics(getattr(settings, "SERVICE_NAME", "monolith"))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        token = None if tracing.enabled() else tracing.attach_from_meta(request.META)
        status = 500  # an exception that escapes every middleware is Django's 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            match = getattr(request, "resolver_match", None)
            self.metrics.observe(
                match.route if match is not None else UNMATCHED_ROUTE,
                request.method or "",
                status,
                time.perf_counter() - started,
            )
            if token is not None:
                tracing.detach(token)
