"""Fills and reads the services' databases from processes of their own, through the API.

The parent side, ``run`` and ``step``, starts one process per step with a topology in its
environment. The child side is ``python -m tests.service_data STEP``; each prints JSON:

- ``fill`` (the monolith): accounts, projects, a membership and a deleted account, all through
  the public API; prints Alice's access token.
- ``snapshot``: every row of the hosted services' own apps, and each hosted database's tables.
- ``migrate-snapshot``: ``migrate_all``, then ``snapshot``, with migrate_all's output.
- ``serve-projects``: projects' API answers Alice (``ALICE_TOKEN``) from its database alone.
- ``serve-users``: users' API logs Alice in and answers her profile.

Used by tests/test_service_leaves_with_data.py and tests_e2e/test_service_leaves_with_data.py.
"""

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
URL_VARIABLES = {"users": "USERS_DATABASE_URL", "projects": "PROJECTS_DATABASE_URL"}
PASSWORD = "correct-horse-battery-9"
# Django's own apps: their rows are made per database (content types, permissions), not data.
FRAMEWORK_APPS = {"auth", "contenttypes"}
# Never inherited by a step: it sets the ones its topology needs.
SET_PER_STEP = {
    *URL_VARIABLES.values(),
    *(f"JWT_{half}_KEY{suffix}" for half in ("PRIVATE", "PUBLIC") for suffix in ("", "_FILE")),
}

# --- The parent side ---------------------------------------------------------------------------


@cache
def key_pair() -> tuple[str, str]:
    """(private, public) PEM: every step's keys, made here rather than left in VAR_DIR."""
    from shared.core.authentication.keys import generate_rsa_keypair

    return generate_rsa_keypair()


def run(argv: list[str], services: str, urls: dict[str, str], var_dir: Path, **extra: str) -> str:
    """``python ARGV`` hosting ``services``; only the hosted services' database URLs are set.

    A process hosting users signs with ``key_pair()``; any other verifies with its public half.
    """
    hosted = services.split(",")
    key = (
        ("JWT_PRIVATE_KEY", key_pair()[0])
        if "users" in hosted
        else ("JWT_PUBLIC_KEY", key_pair()[1])
    )
    env = {k: v for k, v in os.environ.items() if k not in SET_PER_STEP}
    env.update(
        {
            "SERVICES": services,
            "VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_ACCESS_LOG": "false",
            "LOG_LEVEL": "WARNING",
            "JWT_ACCESS_TTL_SECONDS": "600",
            "EVENTS_TRANSPORT": "local",
            "USERS_SERVICE_URL": "http://users.invalid",
            key[0]: key[1],
            **extra,
        }
    )
    env.update({var: urls[var] for name, var in URL_VARIABLES.items() if name in hosted})
    done = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{' '.join(argv)} ({services}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


def step(name: str, services: str, urls: dict[str, str], var_dir: Path, **extra: str) -> dict:
    output = run(["-m", "tests.service_data", name], services, urls, var_dir, **extra)
    return json.loads(output.strip().splitlines()[-1])


def postgres_admin(server_url: str, statement: str) -> None:
    """Run ``statement`` (CREATE or DROP DATABASE) on the server's ``postgres`` database."""
    import psycopg

    url = server_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
        connection.execute(statement)


# --- The child side: the steps -----------------------------------------------------------------


def _client() -> Any:
    from rest_framework.test import APIClient

    return APIClient()


def _ok(response: Any, status: int = 200) -> dict:
    if response.status_code != status:
        raise SystemExit(f"{response.status_code} {response.content.decode()[:500]}")
    return response.json() if response.content else {}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _register(client: Any, email: str, name: str) -> str:
    body = {"email": email, "password": PASSWORD, "display_name": name}
    _ok(client.post("/api/auth/register/", body, format="json"), 201)
    return _ok(client.post("/api/auth/token/", body, format="json"))["access"]


def fill() -> dict:
    client = _client()
    alice = _register(client, "alice@example.com", "Alice")
    _register(client, "bob@example.com", "Bob")
    carol = _register(client, "carol@example.com", "Carol")
    apollo = {"name": "Apollo", "description": "to the moon", "priority": 1, "status": "active"}
    apollo_uuid = _ok(client.post("/api/projects/", apollo, headers=_bearer(alice)), 201)["uuid"]
    _ok(client.post("/api/projects/", {"name": "Gemini"}, headers=_bearer(alice)), 201)
    member = {"email": "bob@example.com"}
    _ok(client.post(f"/api/projects/{apollo_uuid}/members/", member, headers=_bearer(alice)), 201)
    _ok(client.post("/api/projects/", {"name": "Orphan"}, headers=_bearer(carol)), 201)
    _ok(client.delete("/api/users/me/", headers=_bearer(carol)), 204)
    return {"access": alice}


def snapshot() -> dict:
    from django.apps import apps
    from django.conf import settings
    from django.db import connections, router

    hosted = [alias for alias in settings.DATABASES if alias != "default"]
    rows: dict[str, list[dict]] = {}
    for model in apps.get_models():
        alias = router.db_for_read(model)
        if alias in hosted and model._meta.app_label not in FRAMEWORK_APPS:
            rows[model._meta.label] = list(model.objects.using(alias).order_by("pk").values())
    tables = {alias: sorted(connections[alias].introspection.table_names()) for alias in hosted}
    return {"rows": rows, "tables": tables}


def migrate_snapshot() -> dict:
    from contextlib import redirect_stdout
    from io import StringIO

    from django.core.management import call_command

    output = StringIO()
    with redirect_stdout(output):  # migrate_all's and migrate's own
        call_command("migrate_all")
    return {"migrate_all": output.getvalue(), **snapshot()}


def serve_projects() -> dict:
    client, alice = _client(), _bearer(os.environ["ALICE_TOKEN"])
    listing = _ok(client.get("/api/projects/?ordering=name", headers=alice))
    apollo = next(entry for entry in listing["results"] if entry["name"] == "Apollo")
    detail = _ok(client.get(f"/api/projects/{apollo['uuid']}/", headers=alice))
    return {"names": [entry["name"] for entry in listing["results"]], "apollo": detail}


def serve_users() -> dict:
    client = _client()
    body = {"email": "alice@example.com", "password": PASSWORD}
    token = _ok(client.post("/api/auth/token/", body, format="json"))["access"]
    return {"me": _ok(client.get("/api/users/me/", headers=_bearer(token)))}


STEPS = {
    "fill": fill,
    "snapshot": snapshot,
    "migrate-snapshot": migrate_snapshot,
    "serve-projects": serve_projects,
    "serve-users": serve_users,
}

if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(STEPS[sys.argv[1]](), default=str, sort_keys=True))
