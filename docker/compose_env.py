"""The compose stack's per-service environment files (var/compose), and a check that they still
open the stack's database volumes.

Secrets are generated once and kept, so restarts keep working against existing volumes: a key
pair (users gets the private key, projects only the public one), Django secret keys, the
service credential, the database passwords and the broker's user (broker.env holds only its
password's hash; users.env and projects.env get EVENTS_BROKER_URL). The files are mode 0600 and
git-ignored. A folder written before the broker existed gets the broker's files added.

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

from shared.core.authentication.keys import generate_rsa_keypair

DEFAULT_PROJECT = "split-ready"  # `name:` in docker-compose.yml
CREATED_STAMP = ".created"  # when these secrets were generated (ISO 8601, UTC)
DATABASE_VOLUMES = ("users-db", "projects-db")
BROKER_USER = "events"
BROKER_CLIENTS = ("users", "projects")  # the environment files that get EVENTS_BROKER_URL


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
    for client in BROKER_CLIENTS:
        path = folder / f"{client}.env"
        values = read_env_file(path)
        values["EVENTS_BROKER_URL"] = f"amqp://{BROKER_USER}:{password}@broker:5672/"
        write_env_file(path, values)
    return True


def write(folder: Path) -> None:
    if (folder / "users.env").exists():
        if write_broker(folder):
            print(f"{folder}: kept the existing environment files, added the broker's")
        else:
            print(f"{folder}: kept the existing environment files")
        return
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_pem, public_pem = generate_rsa_keypair()
    token = secrets.token_urlsafe(32)
    for service, extra in (
        ("users", {"JWT_PRIVATE_KEY": one_line(private_pem)}),
        ("projects", {"JWT_PUBLIC_KEY": one_line(public_pem)}),
    ):
        password = secrets.token_urlsafe(24)
        write_env_file(
            folder / f"{service}-db.env",
            {"POSTGRES_DB": service, "POSTGRES_USER": service, "POSTGRES_PASSWORD": password},
        )
        write_env_file(
            folder / f"{service}.env",
            {
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
                "INTERNAL_API_TOKEN": token,
                f"{service.upper()}_DATABASE_URL": (
                    f"postgres://{service}:{password}@{service}-db:5432/{service}"
                ),
                **extra,
            },
        )
    write_broker(folder)
    (folder / CREATED_STAMP).write_text(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "\n")
    print(f"{folder}: wrote new environment files")


def volumes_older_than_secrets(folder: Path, project: str) -> list[str]:
    """The project's database volumes created before the secrets in ``folder`` were."""
    stamp = folder / CREATED_STAMP
    if not stamp.exists():
        return []  # written before stamps existed: nothing to compare with
    secrets_created = datetime.fromisoformat(stamp.read_text().strip())
    names = [f"{project}_{volume}" for volume in DATABASE_VOLUMES]
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
