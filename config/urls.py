"""Composes the URL patterns of the services hosted by this process, plus probes and docs."""

from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("shared.core.health.urls")),
    path("", include("shared.core.observability.urls")),  # /metrics, never through the gateway
    # Swagger UI offers every service's document (SWAGGER_UI_SETTINGS["urls"]), wherever it lives.
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url=f"/api/schema/{settings.HOSTED[0].name}/"),
        name="swagger-ui",
    ),
]

for manifest in settings.HOSTED:
    urlpatterns += [
        path("", include(manifest.urlconf)),
        path(
            f"api/schema/{manifest.name}/",
            # No custom_settings: drf-spectacular patches them globally, which is not thread-safe.
            SpectacularAPIView.as_view(urlconf=manifest.urlconf),
            name=f"schema-{manifest.name}",
        ),
    ]
