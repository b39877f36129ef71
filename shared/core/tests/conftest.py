"""Fixtures of the core's test suite."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shared.core.tests.testapp.models import Widget


@pytest.fixture
def make_widget() -> Callable[..., Widget]:
    """Create a widget; needs ``django_db(databases=["testapp"])``."""

    def make(**fields: Any) -> Widget:
        fields.setdefault("name", "widget")
        fields.setdefault("owner_uuid", uuid.uuid4())
        return Widget.objects.create(**fields)

    return make


@pytest.fixture
def lenient_client() -> Client:
    """A client that returns the 500 response instead of re-raising the view's exception."""
    return Client(raise_request_exception=False)
