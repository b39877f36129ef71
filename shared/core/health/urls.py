"""URL patterns of the probes."""

from django.urls import path

from shared.core.health.views import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
