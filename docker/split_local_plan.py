"""What docker/split-local.sh runs, derived from the known services (config/services.py).

    python docker/split_local_plan.py ROOT

prints one line per process, then one per setting a service's processes get:

    process <name> <service> <command> <port>    command: web, relay_events or consume_events
    env <service> <VAR>=<value>

Every service has a web process (gunicorn) on <NAME>_PORT (default 8001, 8002, ... in known
order), a service with an outbox its relay, a service that consumes events its consumer. The
service that issues tokens reads the private development key, the others the public one; a
service reaches the providers it needs on their ports. Nothing is created or started here.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.env import env
from config.services import KNOWN_SERVICES
from shared.core.authentication.keys import PRIVATE_KEY_FILE, PUBLIC_KEY_FILE
from shared.core.manifest import service_url_variable

FIRST_PORT = 8001


def ports() -> dict[str, int]:
    return {
        name: env.int(f"{name.upper()}_PORT", FIRST_PORT + index, minimum=1)
        for index, name in enumerate(KNOWN_SERVICES)
    }


def processes() -> list[tuple[str, str, str]]:
    """(process name, service, command), in the order they start."""
    manifests = list(KNOWN_SERVICES.values())
    return [
        *((m.name, m.name, "web") for m in manifests),
        *((f"{m.name}-relay", m.name, "relay_events") for m in manifests if m.outbox_model),
        *((f"{m.name}-consumer", m.name, "consume_events") for m in manifests if m.consumes),
    ]


def settings(service: str, root: Path, service_ports: dict[str, int]) -> list[str]:
    manifest = KNOWN_SERVICES[service]
    keys = root / "keys"
    values = [
        f"JWT_PRIVATE_KEY_FILE={keys / PRIVATE_KEY_FILE}"
        if manifest.issues_tokens
        else f"JWT_PUBLIC_KEY_FILE={keys / PUBLIC_KEY_FILE}"
    ]
    values += [
        f"{service_url_variable(need)}=http://127.0.0.1:{service_ports[need]}"
        for need in manifest.needs
    ]
    return values


def plan(root: Path) -> list[str]:
    service_ports = ports()
    lines = [
        f"process {name} {service} {command} {service_ports[service]}"
        for name, service, command in processes()
    ]
    lines += [
        f"env {service} {value}"
        for service in KNOWN_SERVICES
        for value in settings(service, root, service_ports)
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(plan(Path(sys.argv[1]))))
