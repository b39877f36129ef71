"""How the composition root hosts the users service."""

from services.users.contracts.v1.events import USER_DELETED
from shared.core.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="users",
    app="services.users",
    urlconf="services.users.api.urls",
    public_prefixes=("/api/auth/", "/api/users/", "/.well-known/", "/api/schema/users/"),
    extra_apps=("rest_framework_simplejwt.token_blacklist",),
    local_client="services.users.client.local.LocalUsersClient",
    http_client="services.users.client.http.HttpUsersClient",
    produces=(USER_DELETED,),
    outbox_model="users.OutboxEvent",
)
