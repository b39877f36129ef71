"""The services this code base knows, and the public routing table derived from them.

``KNOWN_SERVICES`` is the one list of manifests: settings, gunicorn, the gateway, the compose
environment files and split-local all derive from it. ``SERVICE_MANIFESTS`` (module paths,
comma-separated) replaces the default list, e.g. in an extracted repository or in a test.

The routing table is the gateway's source of truth: `gateway/render.py` writes nginx's locations
from it, and `tests/test_gateway_routes.py` proves it agrees with the services' URL confs.
"""

from collections.abc import Iterable
from importlib import import_module

from config.env import ConfigurationError, env
from shared.core.manifest import ServiceManifest

DEFAULT_MANIFESTS = ("services.users.manifest", "services.projects.manifest")

# Served by every process; the gateway sends them to the service whose manifest serves docs.
DOCS_PREFIXES = ("/api/docs/", "/static/")
# Never exposed through the gateway: service-to-service and operational endpoints.
BLOCKED_PREFIXES = ("/internal/", "/admin/", "/readyz", "/metrics")


def load_manifests(modules: Iterable[str]) -> dict[str, ServiceManifest]:
    """Each module's ``MANIFEST``, by service name, in the order given."""
    manifests: dict[str, ServiceManifest] = {}
    for module in modules:
        try:
            manifest = import_module(module).MANIFEST
        except (ImportError, AttributeError) as exc:
            raise ConfigurationError(f"SERVICE_MANIFESTS: cannot load {module} ({exc})") from None
        if manifest.name in manifests:
            raise ConfigurationError(f"SERVICE_MANIFESTS: {manifest.name!r} is listed twice")
        manifests[manifest.name] = manifest
    if not manifests:
        raise ConfigurationError("SERVICE_MANIFESTS: name at least one manifest module")
    return manifests


KNOWN_SERVICES: dict[str, ServiceManifest] = load_manifests(
    env.list("SERVICE_MANIFESTS", default=DEFAULT_MANIFESTS)
)


def docs_service() -> str:
    """The service the gateway sends the docs to: the one whose manifest says so, else the first."""
    manifests = list(KNOWN_SERVICES.values())
    return next((m.name for m in manifests if m.serves_docs), manifests[0].name)


def rate_limited_paths() -> list[str]:
    """Paths limited per client address at the gateway (login and registration today)."""
    return [path for m in KNOWN_SERVICES.values() for path in m.rate_limited_paths]


def public_routes() -> list[tuple[str, str]]:
    """(path prefix, service name) pairs, longest prefix first."""
    routes = [(prefix, m.name) for m in KNOWN_SERVICES.values() for prefix in m.public_prefixes]
    routes += [(prefix, docs_service()) for prefix in DOCS_PREFIXES]
    return sorted(routes, key=lambda route: (-len(route[0]), route[0]))
