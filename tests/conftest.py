"""Fixtures for the monolith's cross-service tests (both services hosted in one process)."""

import pytest
from rest_framework.test import APIClient

BOTH_DATABASES = ["users", "projects"]


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def register_and_login(client):
    """Register an account through the API and return (uuid, auth headers)."""

    def register(email: str, display_name: str | None = None) -> tuple[str, dict[str, str]]:
        body = {"email": email, "password": "correct-horse-battery-9"}
        if display_name:
            body["display_name"] = display_name
        created = client.post("/api/auth/register/", body, format="json")
        assert created.status_code == 201, created.content
        tokens = client.post("/api/auth/token/", body, format="json").json()
        return created.json()["uuid"], {"Authorization": f"Bearer {tokens['access']}"}

    return register
