"""The widgets service: it needs users, has no events and no role of its own."""

from shared.core.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="widgets",
    app="tests.widgets",
    urlconf="tests.widgets.urls",
    public_prefixes=("/api/widgets/", "/api/schema/widgets/"),
    needs={"users": "users_contracts.v1.http.HttpUsersClient"},
)
