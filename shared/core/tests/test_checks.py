"""Boundary checks: ORM coupling between services that import rules cannot see."""

import pytest
from django.contrib.auth.models import Group
from django.core.checks import run_checks

from shared.core.checks import (
    check_service_boundaries,
    get_model_errors,
    migration_dependency_errors,
    relation_errors,
)
from shared.core.tests.testapp.models import Tagging, Widget

OWNERS = {"testapp": "projects", "auth": "users", "contenttypes": "users"}


def owner(app_label: str) -> str | None:
    return OWNERS.get(app_label)


# --- core.E001: relations ----------------------------------------------------------------------


def test_foreign_key_to_another_services_model_is_an_error():
    [error] = relation_errors([Tagging], owner)

    assert error.id == "core.E001"
    assert "testapp.Tagging.group" in error.msg
    assert "users" in error.msg
    assert error.obj is Tagging


def test_foreign_key_within_one_service_is_fine():
    assert relation_errors([Tagging], {"testapp": "shared", "auth": "shared"}.get) == []


def test_models_of_unrouted_apps_are_not_checked():
    assert relation_errors([Tagging], {"auth": "users"}.get) == []


def test_relation_to_an_unrouted_app_is_fine():
    assert relation_errors([Tagging], {"testapp": "projects"}.get) == []


def test_models_without_relations_are_fine():
    assert relation_errors([Widget], owner) == []


def test_reverse_relations_are_not_reported_twice():
    # Group has the reverse side of Tagging.group; only the forward field is an error.
    assert relation_errors([Group], owner) == []


# --- core.E002: migrations ---------------------------------------------------------------------


def test_migration_depending_on_another_service_is_an_error():
    [error] = migration_dependency_errors(
        [("testapp", "0001_initial", [("auth", "0012_alter_user_first_name_max_length")])], owner
    )

    assert error.id == "core.E002"
    assert "testapp.0001_initial" in error.msg


def test_swappable_dependency_resolves_to_the_user_models_app(settings):
    settings.AUTH_USER_MODEL = "auth.User"

    [error] = migration_dependency_errors(
        [("testapp", "0002", [("__setting__", "AUTH_USER_MODEL")])], owner
    )

    assert "depends on auth" in error.msg


def test_migration_dependencies_within_a_service_or_on_unrouted_apps_are_fine():
    migrations = [
        ("testapp", "0002", [("testapp", "0001")]),
        ("testapp", "0003", [("sessions", "0001")]),
        ("sessions", "0001", [("auth", "0001")]),
    ]

    assert migration_dependency_errors(migrations, owner) == []


# --- core.E003: get_model ----------------------------------------------------------------------


def test_get_model_of_another_service_is_an_error():
    source = 'from django.apps import apps\nUser = apps.get_model("auth.User")\n'

    [error] = get_model_errors([("testapp", "services/x.py", source)], owner)

    assert error.id == "core.E003"
    assert "services/x.py" in error.msg
    assert "(auth)" in error.msg


@pytest.mark.parametrize(
    "source",
    [
        'apps.get_model("testapp.Widget")',  # own service
        'apps.get_model("sessions.Session")',  # unrouted app
        "apps.get_model(label)",  # not a literal: cannot be judged
        "get_model()",
        'apps.get_app_config("auth")',
        "print('get_model(\"auth.User\")')",  # a string, not a call
    ],
)
def test_get_model_within_a_service_or_unjudgeable_is_fine(source):
    assert get_model_errors([("testapp", "x.py", source)], owner) == []


def test_bare_get_model_call_is_found_too():
    source = 'get_model = apps.get_model\nget_model("auth.Group")'

    assert [e.id for e in get_model_errors([("testapp", "x.py", source)], owner)] == ["core.E003"]


def test_code_of_unrouted_apps_is_not_judged():
    assert get_model_errors([("sessions", "x.py", 'apps.get_model("auth.User")')], owner) == []


# --- The registered check ----------------------------------------------------------------------


def test_registered_check_reports_the_test_apps_violations():
    # The suite routes auth to "default" and the test app to "testapp": two services.
    errors = check_service_boundaries()

    assert sorted(error.id for error in errors) == ["core.E001", "core.E003"]
    [lookup_error] = [error for error in errors if error.id == "core.E003"]
    assert lookup_error.msg.startswith(str(Tagging._meta.apps.get_app_config("testapp").path))


def test_registered_check_runs_with_djangos_model_checks():
    ids = {message.id for message in run_checks(tags=["models"])}

    assert {"core.E001", "core.E003"} <= ids


def test_registered_check_is_clean_when_everything_shares_one_database(settings):
    settings.DATABASE_APP_ROUTES = {"auth": "one", "contenttypes": "one", "testapp": "one"}

    assert check_service_boundaries() == []


def test_registered_check_scans_no_code_without_service_app_labels(settings):
    del settings.SERVICE_APP_LABELS

    assert [error.id for error in check_service_boundaries()] == ["core.E001"]
