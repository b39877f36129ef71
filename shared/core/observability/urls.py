"""URL pattern of ``/metrics``: on each service's own port, blocked at the gateway."""

from django.urls import path

from shared.core.observability.views import metrics

urlpatterns = [path("metrics", metrics, name="metrics")]
