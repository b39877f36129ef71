"""Writes the per-service environment files of the compose stack into a folder (var/compose).

Secrets are generated once and kept, so restarts keep working against existing volumes: a key
pair (users gets the private key, projects only the public one), Django secret keys, the
service credential and the database passwords. The files are mode 0600 and git-ignored.

    python docker/compose_env.py var/compose
"""

import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared.core.authentication.keys import generate_rsa_keypair


def write(path: Path, values: dict[str, str]) -> None:
    lines = [f"{name}={value}" for name, value in values.items()]
    path.touch(mode=0o600, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def one_line(pem: str) -> str:
    return pem.strip().replace("\n", "\\n")  # config.env turns "\n" back into newlines


def main(folder: Path) -> None:
    if (folder / "users.env").exists():
        print(f"{folder}: kept the existing environment files")
        return
    folder.mkdir(parents=True, exist_ok=True)
    private_pem, public_pem = generate_rsa_keypair()
    token = secrets.token_urlsafe(32)
    for service, extra in (
        ("users", {"JWT_PRIVATE_KEY": one_line(private_pem)}),
        ("projects", {"JWT_PUBLIC_KEY": one_line(public_pem)}),
    ):
        password = secrets.token_urlsafe(24)
        write(
            folder / f"{service}-db.env",
            {"POSTGRES_DB": service, "POSTGRES_USER": service, "POSTGRES_PASSWORD": password},
        )
        write(
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
    print(f"{folder}: wrote new environment files")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/compose"))
