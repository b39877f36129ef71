"""Forgets the migrations a database records for apps whose tables it does not hold (ADR 14).

Django records every migration it runs in the database it migrates, including those whose
operations the router sent to another database. The monolith's projects database so lists
``auth`` and ``contenttypes`` as applied, while their tables live in the users database. Hosted
alone, projects routes those apps to its own database, and ``migrate`` would skip creating their
tables because the records say they exist. Such records are stale: forgetting them lets
``migrate`` create the tables.

An app's records are stale here when the router migrates the app on this database, and none of
the tables its applied migrations define exists in it. An app with some of its tables is left
alone: that is damage to look at, not a record to forget.
"""

from collections import defaultdict

from django.db import router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState


def _tables_defined(state: ProjectState, app_label: str, alias: str) -> set[str]:
    try:
        models = state.apps.get_app_config(app_label).get_models()
    except LookupError:  # the app's migrations define no model
        return set()
    return {
        model._meta.db_table
        for model in models
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and router.allow_migrate_model(alias, model)
    }


def stale_records(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """App label -> number of recorded migrations, for each app whose records are stale here."""
    if not MigrationRecorder(connection).has_table():
        return {}
    loader = MigrationLoader(connection)
    applied: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in loader.applied_migrations:
        if key in loader.graph.nodes and router.allow_migrate(connection.alias, key[0]):
            applied[key[0]].append(key)
    if not applied:
        return {}
    state = loader.project_state([key for keys in applied.values() for key in keys], at_end=True)
    existing = set(connection.introspection.table_names())
    stale = {}
    for app_label, keys in sorted(applied.items()):
        tables = _tables_defined(state, app_label, connection.alias)
        if tables and not tables & existing:
            stale[app_label] = len(keys)
    return stale


def forget_stale_records(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Delete the stale records of ``stale_records`` and return what was deleted."""
    stale = stale_records(connection)
    if stale:
        recorder = MigrationRecorder(connection)
        recorder.migration_qs.filter(app__in=list(stale)).delete()
    return stale
