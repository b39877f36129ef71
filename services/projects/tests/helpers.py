"""Helpers shared by the projects tests: the DB marker and the error envelope assertion."""

from typing import Any

import pytest

# Only the projects database: a query to any other database (users') fails the test.
projects_db = pytest.mark.django_db(databases=["projects"])


def assert_error(
    response: Any, status: int, code: str, *, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The response is the error envelope with this status and code; returns its ``error``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)
    assert error["request_id"]
    assert error["request_id"] == response["X-Request-ID"]
    if details is not None:
        assert error["details"] == details
    return error
