"""Fixtures of the users suite: an API client, a user factory and a login helper."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from services.users.models import User
from services.users.services.user_service import UserService
from shared.core.testing import assert_error_envelope

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user() -> Callable[..., User]:
    """Registers accounts through the service, with a valid password and unique emails."""
    counter = iter(range(1, 1_000_000))

    def make(
        *, email: str | None = None, password: str = PASSWORD, display_name: str | None = None
    ) -> User:
        return UserService().register(
            email=email or f"user{next(counter)}@example.com",
            password=password,
            display_name=display_name,
        )

    return make


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    return make_user(email="alice@example.com", display_name="Alice")


@pytest.fixture
def login(api_client: APIClient) -> Callable[..., dict[str, str]]:
    """Logs in through the API and returns the token pair ``{"access", "refresh"}``."""

    def do_login(user_or_email: User | str, password: str = PASSWORD) -> dict[str, str]:
        email = user_or_email.email if isinstance(user_or_email, User) else user_or_email
        response = api_client.post(
            "/api/auth/token/", {"email": email, "password": password}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()

    return do_login


def auth(access: str) -> dict[str, Any]:
    """Request keyword arguments that send ``access`` as a bearer token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {access}"}


def assert_error(response, status: int, code: str) -> dict:
    """Checks the envelope of an error response and returns its ``details``."""
    return assert_error_envelope(response, status, code)["details"]


def assert_field_messages(details: dict, field: str) -> None:
    assert isinstance(details[field], list)
    assert details[field]
    assert all(isinstance(message, str) and message for message in details[field])
