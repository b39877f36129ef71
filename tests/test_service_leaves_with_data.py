"""A service leaves the monolith with its data (docs/adr/0014, docs/MICROSERVICES_EXTRACTION.md).

The monolith migrates and fills both databases through the API; then each service alone, in
processes of its own, migrates the monolith's database of that service (``migrate_all``, as
the image's entrypoint does) and serves it: every row is still there, the schema is the one the
service makes alone, and a second ``migrate_all`` has nothing to do.

The databases are SQLite files, or, when the run's ``USERS_DATABASE_URL`` is PostgreSQL (``make
test-postgres``), throwaway databases on that server.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service_data import URL_VARIABLES, postgres_admin, run, step


def _postgres_server() -> str | None:
    url = os.environ.get("USERS_DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith(("postgres://", "postgresql://")) else None


def sqlite_urls(directory: Path) -> dict[str, str]:
    return {
        var: f"sqlite:///{directory / f'{name}.sqlite3'}" for name, var in URL_VARIABLES.items()
    }


@pytest.fixture(scope="module")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Empty databases for users and projects, by their URL variables."""
    server = _postgres_server()
    if server is None:
        yield sqlite_urls(tmp_path_factory.mktemp("monolith-db"))
        return
    names = {name: f"leave_{uuid.uuid4().hex[:12]}_{name}" for name in URL_VARIABLES}
    for database in names.values():
        postgres_admin(server, f'CREATE DATABASE "{database}"')
    try:
        yield {URL_VARIABLES[name]: f"{server}/{database}" for name, database in names.items()}
    finally:
        for database in names.values():
            postgres_admin(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def monolith(database_urls, tmp_path_factory) -> dict:
    """Both databases, migrated and filled by the monolith; the rows it sees, Alice's token."""
    var_dir = tmp_path_factory.mktemp("var")
    run(["manage.py", "migrate_all"], "users,projects", database_urls, var_dir)
    filled = step("fill", "users,projects", database_urls, var_dir)
    seen = step("snapshot", "users,projects", database_urls, var_dir)
    return {"urls": database_urls, "var_dir": var_dir, "rows": seen["rows"], **filled}


def leave(service: str, monolith: dict, tmp_path: Path) -> tuple[str, dict]:
    """``service`` alone migrates its monolith database, as the image's entrypoint does.

    Returns migrate_all's output and what the service then sees, after a second migrate_all
    (which must have nothing to do); ``fresh_tables`` are those it makes alone in an empty
    database (SQLite is enough: names only).
    """
    urls, var_dir = monolith["urls"], monolith["var_dir"]
    output = run(["manage.py", "migrate_all"], service, urls, var_dir)
    alone = step("migrate-snapshot", service, urls, var_dir)
    assert "No migrations to apply" in alone["migrate_all"]
    assert "Forgetting" not in alone["migrate_all"]
    fresh = step("migrate-snapshot", service, sqlite_urls(tmp_path), var_dir)
    return output, {**alone, "fresh_tables": fresh["tables"][service]}


def test_projects_alone_migrates_and_serves_the_monolith_projects_database(monolith, tmp_path):
    output, alone = leave("projects", monolith, tmp_path)

    # The monolith recorded auth's and contenttypes' migrations here, and made their tables in
    # the users database: projects alone forgets those records and makes the tables.
    forgotten = [line.split("'")[1] for line in output.splitlines() if "Forgetting" in line]
    assert forgotten == ["auth", "contenttypes"]
    rows = monolith["rows"]
    assert alone["rows"] == {label: r for label, r in rows.items() if label.startswith("projects.")}
    uuids = {user["email"]: str(user["uuid"]) for user in rows["users.User"]}
    assert sorted(project["name"] for project in rows["projects.Project"]) == ["Apollo", "Gemini"]
    [membership] = rows["projects.ProjectMembership"]
    assert membership["user_uuid"] == uuids["bob@example.com"]
    [deleted] = rows["projects.DeletedSubject"]  # Carol's account, through user.deleted
    assert deleted["user_uuid"] == uuids["carol@example.com"]
    assert alone["tables"]["projects"] == alone["fresh_tables"]

    served = step(
        "serve-projects",
        "projects",
        monolith["urls"],
        monolith["var_dir"],
        ALICE_TOKEN=monolith["access"],
    )
    assert served["names"] == ["Apollo", "Gemini"]
    assert served["apollo"]["description"] == "to the moon"
    assert served["apollo"]["priority"] == 1


def test_users_alone_migrates_and_serves_the_monolith_users_database(monolith, tmp_path):
    output, alone = leave("users", monolith, tmp_path)

    assert "Forgetting" not in output  # the framework's tables were made here by the monolith
    rows = monolith["rows"]
    users_rows = {label: r for label, r in rows.items() if not label.startswith("projects.")}
    assert alone["rows"] == users_rows
    accounts = {(u["email"], u["display_name"], u["is_active"]) for u in rows["users.User"]}
    assert accounts == {
        ("alice@example.com", "Alice", True),
        ("bob@example.com", "Bob", True),
        ("carol@example.com", "Carol", False),
    }
    assert len(rows["token_blacklist.BlacklistedToken"]) == 1  # Carol's refresh token
    assert alone["tables"]["users"] == alone["fresh_tables"]

    served = step("serve-users", "users", monolith["urls"], monolith["var_dir"])
    assert served["me"]["email"] == "alice@example.com"
    assert served["me"]["display_name"] == "Alice"
