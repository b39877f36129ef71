"""How the composition root hosts the users service."""

from shared.core.manifest import ServiceManifest
from users_contracts.v1.events import USER_DELETED

MANIFEST = ServiceManifest(
    name="users",
    app="services.users",
    urlconf="services.users.api.urls",
    public_prefixes=("/api/auth/", "/api/users/", "/.well-known/", "/api/schema/users/"),
    extra_apps=("rest_framework_simplejwt.token_blacklist",),
    rate_limited_paths=("/api/auth/token/", "/api/auth/register/"),
    serves_docs=True,
    issues_tokens=True,
    user_model="users.User",
    local_client="services.users.client.local.LocalUsersClient",
    produces=(USER_DELETED,),
    outbox_model="users.OutboxEvent",
)
