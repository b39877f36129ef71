"""System checks for ORM coupling between services that import rules cannot see.

- ``core.E001``: a FK/M2M/O2O from one service's model to another service's model;
- ``core.E002``: a migration that depends on another service's migrations;
- ``core.E003``: ``apps.get_model("other_service.Model")`` in a service's code.

A model belongs to the service whose database its app is routed to
(``settings.DATABASE_APP_ROUTES``); the code scanned for E003 is that of the apps listed in
``settings.SERVICE_APP_LABELS``.
"""

import ast
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import models

OwnerOf = Callable[[str], str | None]


def owner_of(app_label: str) -> str | None:
    return settings.DATABASE_APP_ROUTES.get(app_label)


def relation_errors(model_classes: Iterable[type[models.Model]], owner: OwnerOf) -> list[Error]:
    errors = []
    for model in model_classes:
        model_owner = owner(model._meta.app_label)
        if model_owner is None:
            continue
        for field in model._meta.get_fields():
            if not (field.is_relation and (field.concrete or field.many_to_many)):
                continue
            related = field.related_model
            if related is None or isinstance(related, str) or field.auto_created:
                continue
            related_owner = owner(related._meta.app_label)
            if related_owner is not None and related_owner != model_owner:
                errors.append(
                    Error(
                        f"{model._meta.label}.{field.name} relates to {related._meta.label}, "
                        f"which belongs to the {related_owner} service.",
                        hint="Store the other service's uuid in a plain UUIDField instead.",
                        obj=model,
                        id="core.E001",
                    )
                )
    return errors


def migration_dependency_errors(
    migrations: Iterable[tuple[str, str, Iterable[tuple[str, str]]]], owner: OwnerOf
) -> list[Error]:
    """``migrations`` are (app label, name, dependencies) triples."""
    errors = []
    for app_label, name, dependencies in migrations:
        own = owner(app_label)
        if own is None:
            continue
        for dependency_app, dependency_name in dependencies:
            if dependency_app == "__setting__":
                dependency_app = getattr(settings, dependency_name).split(".")[0]
            other = owner(dependency_app)
            if other is not None and other != own:
                errors.append(
                    Error(
                        f"Migration {app_label}.{name} depends on {dependency_app}, "
                        f"which belongs to the {other} service.",
                        id="core.E002",
                    )
                )
    return errors


def get_model_errors(sources: Iterable[tuple[str, str, str]], owner: OwnerOf) -> list[Error]:
    """``sources`` are (app label, file name, Python source) triples."""
    errors = []
    for app_label, file_name, source in sources:
        own = owner(app_label)
        for label in _get_model_labels(source):
            other = owner(label)
            if own is not None and other is not None and other != own:
                errors.append(
                    Error(
                        f"{file_name} loads a model of the {other} service ({label}) "
                        "with get_model.",
                        hint="Call that service through its client instead.",
                        id="core.E003",
                    )
                )
    return errors


def _get_model_labels(source: str) -> list[str]:
    labels = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if name != "get_model" or not node.args:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            labels.append(first.value.split(".")[0])
    return labels


def _service_sources() -> Iterable[tuple[str, str, str]]:
    for label in getattr(settings, "SERVICE_APP_LABELS", ()):
        root = Path(apps.get_app_config(label).path)
        for path in sorted(root.rglob("*.py")):
            if "tests" not in path.relative_to(root).parts:
                yield label, str(path), path.read_text()


def _loaded_migrations() -> Iterable[tuple[str, str, Iterable[tuple[str, str]]]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in loader.disk_migrations.items():
        yield app_label, name, migration.dependencies


@register(Tags.models)
def check_service_boundaries(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        *relation_errors(apps.get_models(), owner_of),
        *migration_dependency_errors(_loaded_migrations(), owner_of),
        *get_model_errors(_service_sources(), owner_of),
    ]
