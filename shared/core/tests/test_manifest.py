"""ServiceManifest: names derived from a service's name."""

from shared.core.manifest import ServiceManifest


def test_names_derive_from_the_service_name():
    manifest = ServiceManifest(
        name="projects",
        app="services.projects",
        urlconf="services.projects.api.urls",
        public_prefixes=("/api/projects/",),
    )

    assert manifest.database_alias == "projects"
    assert manifest.database_url_variable == "PROJECTS_DATABASE_URL"
    assert manifest.service_url_variable == "PROJECTS_SERVICE_URL"
    assert manifest.needs == ()
    assert manifest.local_client is None
