"""Runs a command against a throwaway PostgreSQL: the fast suites on the production database.

    python -m tests.with_postgres make test-core test-users test-projects test-monolith

One container from the project's own image (`split-ready/postgres:local`, built by
`make images`) through testcontainers; every service's database URL, and core's test database,
point at it for the command's duration. pytest-django creates and drops the test databases.
"""

import os
import subprocess
import sys

# Ryuk, testcontainers' reaper, is an image to pull: nothing can be pulled here. The `with` block
# below removes the container itself.
os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")

from testcontainers.community.postgres import PostgresContainer

IMAGE = "split-ready/postgres:local"


def database_urls(server_url: str) -> dict[str, str]:
    """One database per service on the one server, as in production (just not one server each)."""
    return {
        "USERS_DATABASE_URL": f"{server_url}/users",
        "PROJECTS_DATABASE_URL": f"{server_url}/projects",
        "CORE_TEST_DATABASE_URL": f"{server_url}/core",
    }


def main(command: list[str]) -> int:
    if not command:
        sys.exit("usage: python -m tests.with_postgres COMMAND [ARG ...]")
    with PostgresContainer(IMAGE, username="tests", password="tests", dbname="tests") as server:
        url = server.get_connection_url(host="127.0.0.1", driver=None).rsplit("/", 1)[0]
        url = url.replace("postgresql://", "postgres://", 1)
        print(f"PostgreSQL for the suites: {url.split('@')[-1]}", flush=True)
        return subprocess.run(
            command, env={**os.environ, **database_urls(url)}, check=False
        ).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
