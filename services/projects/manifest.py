"""How the composition root hosts the projects service."""

from shared.core.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="projects",
    app="services.projects",
    urlconf="services.projects.api.urls",
    public_prefixes=("/api/projects/", "/api/schema/projects/"),
    needs=("users",),
)
