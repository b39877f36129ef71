"""Builds the one error envelope every error response of the API carries."""

from collections.abc import Mapping
from typing import Any

from django.http import JsonResponse

from shared.kit.context import current_request_id
from shared.kit.errors import ErrorCode


def error_body(
    code: ErrorCode, message: str | None = None, details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": code.value,
            "message": message or code.default_message,
            "details": dict(details or {}),
            "request_id": current_request_id(),
        }
    }


def error_response(
    code: ErrorCode,
    message: str | None = None,
    details: Mapping[str, Any] | None = None,
    *,
    status: int | None = None,
) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status or code.status)
