"""How the composition root hosts the projects service."""

from shared.core.manifest import ServiceManifest
from users_contracts.v1.events import USER_DELETED

MANIFEST = ServiceManifest(
    name="projects",
    app="services.projects",
    urlconf="services.projects.api.urls",
    public_prefixes=("/api/projects/", "/api/schema/projects/"),
    needs={"users": "users_contracts.v1.http.HttpUsersClient"},
    produces=(
        "project.created",
        "project.updated",
        "project.deleted",
        "project.member_added",
        "project.member_removed",
    ),
    outbox_model="projects.OutboxEvent",
    consumes={USER_DELETED: "services.projects.services.event_handlers.on_user_deleted"},
    inbox_model="projects.InboxEvent",
)
