"""Plain Django views (no DRF) so that probes stay cheap and never need a token."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from shared.core.health.checks import check_downstream, run_readiness_checks


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = run_readiness_checks()
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    if downstream := check_downstream():
        body["downstream"] = downstream
    return JsonResponse(body, status=200 if ready else 503)
