"""The service-boundary system checks catch ORM coupling that imports do not show."""

from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from shared.core.checks import (
    get_model_errors,
    migration_dependency_errors,
    owner_of,
    relation_errors,
)


def test_the_project_itself_passes_the_checks():
    call_command("check", fail_level="ERROR")


@isolate_apps("services.users", "services.projects")
def test_a_foreign_key_across_services_is_an_error():
    class Account(models.Model):
        class Meta:
            app_label = "users"

    class Rogue(models.Model):
        owner = models.ForeignKey(Account, on_delete=models.CASCADE)
        watchers = models.ManyToManyField(Account, related_name="+")

        class Meta:
            app_label = "projects"

    errors = relation_errors([Account, Rogue], owner_of)
    assert {error.id for error in errors} == {"core.E001"}
    assert sorted(error.msg.split(" relates")[0] for error in errors) == [
        "projects.Rogue.owner",
        "projects.Rogue.watchers",
    ]


@isolate_apps("services.projects")
def test_relations_inside_one_service_are_fine():
    class Parent(models.Model):
        class Meta:
            app_label = "projects"

    class Child(models.Model):
        parent = models.OneToOneField(Parent, on_delete=models.CASCADE)

        class Meta:
            app_label = "projects"

    assert relation_errors([Parent, Child], owner_of) == []


def test_a_migration_depending_on_another_service_is_an_error():
    migrations = [
        ("projects", "0002_rogue", [("projects", "0001_initial"), ("users", "0001_initial")]),
        ("projects", "0003_user_fk", [("__setting__", "AUTH_USER_MODEL")]),
        ("users", "0001_initial", [("auth", "0012_alter_user_first_name_max_length")]),
    ]
    errors = migration_dependency_errors(migrations, owner_of)
    assert [error.id for error in errors] == ["core.E002", "core.E002"]
    assert "projects.0002_rogue depends on users" in errors[0].msg
    assert "projects.0003_user_fk depends on users" in errors[1].msg


def test_get_model_of_another_service_is_an_error():
    source = (
        "from django.apps import apps\n"
        "User = apps.get_model('users.User')\n"
        "Project = apps.get_model('projects', 'Project')\n"
        "dynamic = apps.get_model(name)\n"
    )
    errors = get_model_errors([("projects", "services/projects/rogue.py", source)], owner_of)
    assert [error.id for error in errors] == ["core.E003"]
    assert "services/projects/rogue.py" in errors[0].msg
