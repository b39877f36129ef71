"""DRF exception handler: turns every exception raised in a view into the error envelope."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response

from shared.core.exceptions.envelope import error_body
from shared.kit.errors import DomainError, ErrorCode

logger = logging.getLogger("shared.core.errors")

_DRF_CODES: list[tuple[type[drf.APIException], ErrorCode]] = [
    (drf.ParseError, ErrorCode.PARSE_ERROR),
    (drf.NotAuthenticated, ErrorCode.NOT_AUTHENTICATED),
    (drf.AuthenticationFailed, ErrorCode.AUTHENTICATION_FAILED),
    (drf.PermissionDenied, ErrorCode.PERMISSION_DENIED),
    (drf.NotFound, ErrorCode.NOT_FOUND),
    (drf.MethodNotAllowed, ErrorCode.METHOD_NOT_ALLOWED),
    (drf.NotAcceptable, ErrorCode.NOT_ACCEPTABLE),
    (drf.UnsupportedMediaType, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (drf.Throttled, ErrorCode.THROTTLED),
    (drf.ValidationError, ErrorCode.VALIDATION_ERROR),
]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Map domain, DRF and Django exceptions to the envelope; anything else is a logged 500."""
    headers: dict[str, str] = {}
    status: int | None = None
    if isinstance(exc, DomainError):
        code, message, details = exc.code, exc.message, exc.details
        if code is ErrorCode.INTERNAL_ERROR:
            logger.error("Internal error in %s", _view_name(context), exc_info=exc)
    elif isinstance(exc, Http404):
        code, message, details = ErrorCode.NOT_FOUND, None, {}
    elif isinstance(exc, DjangoPermissionDenied):
        code, message, details = ErrorCode.PERMISSION_DENIED, None, {}
    elif isinstance(exc, OperationalError | InterfaceError):
        logger.exception("Database unavailable in %s", _view_name(context))
        code, message, details = ErrorCode.SERVICE_UNAVAILABLE, "The database is unavailable.", {}
    elif isinstance(exc, drf.APIException):
        code = _code_for_api_exception(exc)
        # DRF turns 401s into 403s when no WWW-Authenticate header is known; ours stay 401.
        is_auth_error = isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed)
        status = code.status if is_auth_error else exc.status_code
        message, details = _message_and_details(exc)
        headers = _auth_headers(exc, context)
        if isinstance(exc, drf.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait))
    else:
        logger.exception("Unhandled exception in %s", _view_name(context))
        code, message, details = ErrorCode.INTERNAL_ERROR, None, {}
    return Response(
        error_body(code, message, details), status=status or code.status, headers=headers
    )


def _code_for_api_exception(exc: drf.APIException) -> ErrorCode:
    for exc_type, code in _DRF_CODES:
        if isinstance(exc, exc_type):
            return code
    return ErrorCode.for_status(exc.status_code)


def _message_and_details(exc: drf.APIException) -> tuple[str | None, dict[str, Any]]:
    if isinstance(exc, drf.ValidationError):
        return ErrorCode.VALIDATION_ERROR.default_message, _field_errors(exc.detail)
    if isinstance(exc.detail, dict) and "detail" in exc.detail:
        # simplejwt's are {"detail": ..., "code": ..., "messages": [...]}: keep the sentence.
        return str(exc.detail["detail"]) or None, {}
    return _flatten(exc.detail) or None, {}


def _field_errors(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {str(field): _messages(value) for field, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(value: Any) -> Any:
    if isinstance(value, dict):  # nested serializer errors keep their shape
        return {str(key): _messages(item) for key, item in value.items()}
    if isinstance(value, list):
        if any(isinstance(item, dict) for item in value):
            return [_messages(item) for item in value]
        return [str(item) for item in value]
    return [str(value)]


def _flatten(detail: Any) -> str:
    if isinstance(detail, dict):
        return " ".join(_flatten(value) for value in detail.values())
    if isinstance(detail, list):
        return " ".join(_flatten(value) for value in detail)
    return str(detail)


def _auth_headers(exc: drf.APIException, context: dict[str, Any]) -> dict[str, str]:
    if not isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return {}
    request = context.get("request")
    authenticators = getattr(request, "authenticators", None) or []
    if authenticators:
        return {"WWW-Authenticate": authenticators[0].authenticate_header(request)}
    return {"WWW-Authenticate": 'Bearer realm="api"'}


def _view_name(context: dict[str, Any]) -> str:
    view = context.get("view")
    return type(view).__name__ if view is not None else "unknown view"
