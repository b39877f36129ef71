"""ServiceDatabaseRouter: each app's models go to the alias ``DATABASE_APP_ROUTES`` names."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from shared.core.db.router import ServiceDatabaseRouter
from shared.core.tests.testapp.models import Widget

ROUTES = {"auth": "users", "testapp": "projects"}


@pytest.fixture
def router(settings) -> ServiceDatabaseRouter:
    settings.DATABASE_APP_ROUTES = ROUTES
    return ServiceDatabaseRouter()


def test_reads_and_writes_go_to_the_apps_alias(router):
    assert router.db_for_read(Widget) == "projects"
    assert router.db_for_write(Widget) == "projects"
    assert router.db_for_read(Group) == "users"


def test_unrouted_app_is_left_to_django(router):
    assert router.db_for_read(ContentType) is None
    assert router.db_for_write(ContentType) is None


def test_relations_within_one_alias_are_allowed(router):
    assert router.allow_relation(Widget(), Widget()) is True


def test_relations_across_aliases_are_refused(router):
    assert router.allow_relation(Widget(), Group()) is False


def test_relations_with_an_unrouted_app_are_left_to_django(router):
    assert router.allow_relation(Widget(), ContentType()) is None
    assert router.allow_relation(ContentType(), Widget()) is None


def test_routed_app_migrates_only_on_its_alias(router):
    assert router.allow_migrate("projects", "testapp") is True
    assert router.allow_migrate("users", "testapp") is False
    assert router.allow_migrate("default", "testapp") is False


def test_unrouted_app_migration_is_left_to_django(router):
    assert router.allow_migrate("projects", "contenttypes") is None


@pytest.mark.django_db(databases=["testapp"])
def test_saved_rows_land_in_the_routed_database(make_widget):
    # The suite's own settings route the test app to the "testapp" alias.
    widget = make_widget()

    assert widget._state.db == "testapp"
    assert Widget.objects.using("testapp").filter(pk=widget.pk).exists()
