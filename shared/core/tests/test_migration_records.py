"""Stale migration records: applied where an app was routed elsewhere, its tables absent (ADR 14).

The test databases are made as the monolith makes its own: ``migrate`` on the ``testapp`` alias
records auth's and contenttypes' migrations there, and makes their tables on ``default`` only.
Routing contenttypes to ``testapp`` is then what hosting that service alone does.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from shared.core.db.migration_records import forget_stale_records, stale_records
from shared.core.management.commands import migrate_all

pytestmark = pytest.mark.django_db(databases=["default", "testapp"])


@pytest.fixture
def contenttypes_here(settings) -> None:
    settings.DATABASE_APP_ROUTES = {**settings.DATABASE_APP_ROUTES, "contenttypes": "testapp"}


def recorded(alias: str, app_label: str) -> int:
    return MigrationRecorder(connections[alias]).migration_qs.filter(app=app_label).count()


def test_nothing_is_stale_where_every_routed_app_has_its_tables():
    assert stale_records(connections["default"]) == {}
    assert stale_records(connections["testapp"]) == {}


def test_records_of_an_app_routed_here_without_its_tables_are_stale(contenttypes_here):
    assert recorded("testapp", "contenttypes") == 2

    assert stale_records(connections["testapp"]) == {"contenttypes": 2}


def test_forgetting_deletes_only_the_stale_records(contenttypes_here):
    auth_before = recorded("testapp", "auth")

    assert forget_stale_records(connections["testapp"]) == {"contenttypes": 2}

    assert recorded("testapp", "contenttypes") == 0
    assert recorded("testapp", "auth") == auth_before
    assert recorded("default", "contenttypes") == 2
    assert forget_stale_records(connections["testapp"]) == {}


def test_an_app_with_some_of_its_tables_is_left_alone(settings):
    settings.DATABASE_APP_ROUTES = {**settings.DATABASE_APP_ROUTES, "auth": "testapp"}
    assert "auth" in stale_records(connections["testapp"])
    with connections["testapp"].cursor() as cursor:
        cursor.execute("CREATE TABLE auth_group (id integer PRIMARY KEY)")

    assert "auth" not in stale_records(connections["testapp"])


def test_a_database_without_migration_records_has_nothing_stale(monkeypatch):
    monkeypatch.setattr(MigrationRecorder, "has_table", lambda self: False)

    assert stale_records(connections["testapp"]) == {}


def test_migrate_all_names_what_it_forgets(monkeypatch):
    monkeypatch.setattr(migrate_all, "forget_stale_records", lambda connection: {"auth": 12})
    output = io.StringIO()

    call_command("migrate_all", stdout=output)

    assert (
        "  Forgetting 12 recorded migration(s) of 'auth': none of its tables is in database "
        "'testapp'"
    ) in output.getvalue().splitlines()
