"""The services this code base knows, and the public routing table derived from them.

The routing table is the gateway's source of truth: `gateway/render.py` writes nginx's locations
from it, and `tests/test_gateway_routes.py` proves it agrees with the services' URL confs.
"""

from services.projects.manifest import MANIFEST as PROJECTS
from services.users.manifest import MANIFEST as USERS
from shared.core.manifest import ServiceManifest

KNOWN_SERVICES: dict[str, ServiceManifest] = {m.name: m for m in (USERS, PROJECTS)}

# Served by every process; the gateway sends them to one service.
DOCS_PREFIXES = ("/api/docs/", "/static/")
DOCS_SERVICE = USERS.name
# Login and registration are rate limited per client address at the gateway.
RATE_LIMITED_PATHS = ("/api/auth/token/", "/api/auth/register/")
# Never exposed through the gateway: service-to-service and operational endpoints.
BLOCKED_PREFIXES = ("/internal/", "/admin/", "/readyz")


def public_routes() -> list[tuple[str, str]]:
    """(path prefix, service name) pairs, longest prefix first."""
    routes = [(prefix, m.name) for m in KNOWN_SERVICES.values() for prefix in m.public_prefixes]
    routes += [(prefix, DOCS_SERVICE) for prefix in DOCS_PREFIXES]
    return sorted(routes, key=lambda route: (-len(route[0]), route[0]))
