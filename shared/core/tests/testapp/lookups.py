"""Loads a model of another "service" by name: the boundary check must report it (core.E003)."""

from django.apps import apps


def group_model() -> type:
    return apps.get_model("auth.Group")
