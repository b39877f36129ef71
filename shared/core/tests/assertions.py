"""Assertions shared by the tests that check the error envelope."""

from typing import Any

from django.http import HttpResponse


def assert_error(response: HttpResponse, status: int, code: str) -> dict[str, Any]:
    """Check the envelope's shape, status and code; return its ``error`` object."""
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
    assert error["request_id"] == response["X-Request-ID"]
    return error
