"""ServiceManifest: names derived from a service's name, and the name of a process."""

import pytest

from shared.core.manifest import ServiceManifest, process_name


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
    assert manifest.needs == {}
    assert manifest.local_client is None


@pytest.mark.parametrize(
    ("hosted", "known", "name"),
    [
        (["users"], ["users"], "users"),  # an extracted repository knows one service
        (["users", "projects"], ["users", "projects"], "monolith"),
        (["projects", "users"], ["users", "projects"], "monolith"),
        (["projects"], ["users", "projects"], "projects"),
        (["projects", "users"], ["users", "projects", "widgets"], "users+projects"),
    ],
)
def test_a_process_is_named_after_its_service_and_monolith_only_when_it_hosts_all(
    hosted, known, name
):
    assert process_name(hosted, known) == name
