"""The compose stack's per-service environment files (var/compose), and a check that they still
open the stack's database volumes.

One `<name>.env` and one `<name>-db.env` per known service (config/services.py). Secrets are
generated once and kept, so restarts keep working against existing volumes: a key pair (the
service that issues tokens gets the private key, every other one the public key), Django secret
keys, the service credential, the database passwords and the broker's user (broker.env holds
only its password's hash; the services with events get EVENTS_BROKER_URL). The files are mode
0600 and git-ignored. A folder written before the broker, or before a service, existed gets
their files added, with the secrets it already holds.

A PostgreSQL volume keeps the password it was initialised with. Files written after the volumes
were created (a `make clean` of old, or a second clone) can never open them: `check` says so
in one line, with the fix, instead of a stack that restarts forever.

    python docker/compose_env.py write var/compose
    python docker/compose_env.py check var/compose     # exit 1 on a mismatch
"""

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.services import KNOWN_SERVICES
from shared.core.authentication.keys import generate_rsa_keypair, public_pem_from_private
from shared.core.manifest import ServiceManifest, service_url_variable

DEFAULT_PROJECT = "split-ready"  # `name:` in docker-compose.yml
CREATED_STAMP = ".created"  # when these secrets were generated (ISO 8601, UTC)
BROKER_USER = "events"
SERVICE_PORT = 8000  # every service's port inside the compose network


def database_volumes() -> list[str]:
    return [f"{name}-db" for name in KNOWN_SERVICES]


def broker_clients() -> list[str]:
    """The services with events to relay or consume: their files get EVENTS_BROKER_URL."""
    return [m.name for m in KNOWN_SERVICES.values() if m.produces or m.consumes]


def write_env_file(path: Path, values: dict[str, str]) -> None:
    lines = [f"{name}={value}" for name, value in values.items()]
    path.touch(mode=0o600, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def one_line(pem: str) -> str:
    return pem.strip().replace("\n", "\\n")  # config.env turns "\n" back into newlines


def rabbitmq_password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        name, separator, value = line.partition("=")
        if separator:
            values[name] = value
    return values


def write_broker(folder: Path) -> bool:
    """broker.env and the clients' EVENTS_BROKER_URL, unless broker.env exists already."""
    if (folder / "broker.env").exists():
        return False
    password = secrets.token_urlsafe(24)
    # The broker loads its user from these at every start (docker/broker/entrypoint.sh): a
    # volume made with another password still opens with this one.
    write_env_file(
        folder / "broker.env",
        {"RABBITMQ_USER": BROKER_USER, "RABBITMQ_PASSWORD_HASH": rabbitmq_password_hash(password)},
    )
    for client in broker_clients():
        path = folder / f"{client}.env"
        if not path.exists():
            continue  # a service added later: it gets the URL with its own files
        values = read_env_file(path)
        values["EVENTS_BROKER_URL"] = f"amqp://{BROKER_USER}:{password}@broker:5672/"
        write_env_file(path, values)
    return True


def write_service(folder: Path, manifest: ServiceManifest, shared: dict[str, str]) -> None:
    """``<name>-db.env`` and ``<name>.env``: its own secrets, the shared ones given."""
    name = manifest.name
    password = secrets.token_urlsafe(24)
    write_env_file(
        folder / f"{name}-db.env",
        {"POSTGRES_DB": name, "POSTGRES_USER": name, "POSTGRES_PASSWORD": password},
    )
    values = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "INTERNAL_API_TOKEN": shared["token"],
        manifest.database_url_variable: f"postgres://{name}:{password}@{name}-db:5432/{name}",
    }
    if manifest.issues_tokens:
        values["JWT_PRIVATE_KEY"] = one_line(shared["private_pem"])
    else:
        values["JWT_PUBLIC_KEY"] = one_line(shared["public_pem"])
    for need in manifest.needs:
        values[service_url_variable(need)] = f"http://{need}:{SERVICE_PORT}"
    if shared.get("broker_url") and name in broker_clients():
        values["EVENTS_BROKER_URL"] = shared["broker_url"]
    write_env_file(folder / f"{name}.env", values)


def shared_secrets(folder: Path, present: list[str]) -> dict[str, str]:
    """The service credential, key pair and broker URL the files in ``folder`` already hold."""
    values = [read_env_file(folder / f"{name}.env") for name in present]
    private = next((v["JWT_PRIVATE_KEY"] for v in values if "JWT_PRIVATE_KEY" in v), None)
    private_pem = private.replace("\\n", "\n") if private else ""
    public = next((v["JWT_PUBLIC_KEY"] for v in values if "JWT_PUBLIC_KEY" in v), None)
    return {
        "token": values[0]["INTERNAL_API_TOKEN"],
        "private_pem": private_pem,
        "public_pem": public_pem_from_private(private_pem) if private_pem else public or "",
        "broker_url": next(
            (v["EVENTS_BROKER_URL"] for v in values if "EVENTS_BROKER_URL" in v), ""
        ),
    }


def write(folder: Path) -> None:
    present = [name for name in KNOWN_SERVICES if (folder / f"{name}.env").exists()]
    if present:
        added = ["broker"] if write_broker(folder) else []
        shared = shared_secrets(folder, present)
        for manifest in KNOWN_SERVICES.values():
            if manifest.name not in present:
                if manifest.issues_tokens and not shared["private_pem"]:
                    sys.exit(f"{folder}: no private key to give {manifest.name}; make split-reset")
                write_service(folder, manifest, shared)
                added.append(manifest.name)
        extra = f", added the files of {', '.join(added)}" if added else ""
        print(f"{folder}: kept the existing environment files{extra}")
        return
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_pem, public_pem = generate_rsa_keypair()
    shared = {
        "token": secrets.token_urlsafe(32),
        "private_pem": private_pem,
        "public_pem": public_pem,
    }
    for manifest in KNOWN_SERVICES.values():
        write_service(folder, manifest, shared)
    write_broker(folder)
    (folder / CREATED_STAMP).write_text(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "\n")
    print(f"{folder}: wrote new environment files")


def volumes_older_than_secrets(folder: Path, project: str) -> list[str]:
    """The project's database volumes created before the secrets in ``folder`` were."""
    stamp = folder / CREATED_STAMP
    if not stamp.exists():
        return []  # written before stamps existed: nothing to compare with
    secrets_created = datetime.fromisoformat(stamp.read_text().strip())
    names = [f"{project}_{volume}" for volume in database_volumes()]
    inspected = subprocess.run(
        ["docker", "volume", "inspect", *names], capture_output=True, text=True, check=False
    )
    found = json.loads(inspected.stdout or "[]")  # missing volumes are left out of the answer
    return [
        volume["Name"]
        for volume in found
        if datetime.fromisoformat(volume["CreatedAt"]) < secrets_created
    ]


def check(folder: Path, project: str) -> int:
    stale = volumes_older_than_secrets(folder, project)
    if not stale:
        return 0
    print(
        f"compose: the volumes {', '.join(stale)} were initialised with other database passwords "
        f"than {folder} holds now, so the stack can never become healthy; restore the old "
        f"{folder}, or run `make split-reset` to delete the volumes (their data is lost)",
        file=sys.stderr,
    )
    return 1


def main(argv: list[str]) -> int:
    command = argv[0] if argv and argv[0] in {"write", "check"} else "write"
    rest = argv[1:] if argv and argv[0] in {"write", "check"} else argv
    folder = Path(rest[0] if rest else "var/compose")
    if command == "write":
        write(folder)
        return 0
    return check(folder, os.environ.get("COMPOSE_PROJECT_NAME") or DEFAULT_PROJECT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
