"""Plain Django views (no DRF) so that probes stay cheap and never need a token."""

from django.conf import settings
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
    body: dict[str, object] = {"status": "ok" if ready else "unavailable"}
    if service := getattr(settings, "SERVICE_NAME", None):
        body["service"] = service  # the name its logs carry (shared.core.manifest.process_name)
    body["checks"] = checks
    if downstream := check_downstream():
        body["downstream"] = downstream
    return JsonResponse(body, status=200 if ready else 503)
