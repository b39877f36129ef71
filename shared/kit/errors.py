"""The error codes of the public API and the domain errors services and clients raise.

Pure Python (no Django, no DRF), so contract distributions raise the same errors as the services
behind them; the Django side maps them onto the error envelope (``shared.core.exceptions``).
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "validation_error"
    PARSE_ERROR = "parse_error"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    CONFLICT = "conflict"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    INTERNAL_ERROR = "internal_error"
    BAD_GATEWAY = "bad_gateway"
    SERVICE_UNAVAILABLE = "service_unavailable"
    GATEWAY_TIMEOUT = "gateway_timeout"

    @property
    def status(self) -> int:
        return _STATUS[self]

    @property
    def default_message(self) -> str:
        return _MESSAGES[self]

    @classmethod
    def for_status(cls, status: int) -> "ErrorCode":
        """The code used for a bare HTTP error status (e.g. one Django answered by itself)."""
        for code, code_status in _STATUS.items():
            if code_status == status and code not in _NOT_DEFAULT_FOR_STATUS:
                return code
        return cls.VALIDATION_ERROR if status < 500 else cls.INTERNAL_ERROR


_STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION_ERROR: 400,
    ErrorCode.PARSE_ERROR: 400,
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.AUTHENTICATION_FAILED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.NOT_ACCEPTABLE: 406,
    ErrorCode.CONFLICT: 409,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.THROTTLED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.BAD_GATEWAY: 502,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
    ErrorCode.GATEWAY_TIMEOUT: 504,
}

# Codes that share a status with a more general one and are never picked from a bare status.
_NOT_DEFAULT_FOR_STATUS = {
    ErrorCode.PARSE_ERROR,
    ErrorCode.NOT_AUTHENTICATED,
    ErrorCode.IDEMPOTENCY_KEY_REUSED,
}

_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.VALIDATION_ERROR: "The request is invalid.",
    ErrorCode.PARSE_ERROR: "The request body could not be parsed.",
    ErrorCode.NOT_AUTHENTICATED: "Authentication credentials were not provided.",
    ErrorCode.AUTHENTICATION_FAILED: "The credentials are invalid.",
    ErrorCode.PERMISSION_DENIED: "You do not have permission to perform this action.",
    ErrorCode.NOT_FOUND: "Not found.",
    ErrorCode.METHOD_NOT_ALLOWED: "Method not allowed.",
    ErrorCode.NOT_ACCEPTABLE: "The requested representation is not available.",
    ErrorCode.CONFLICT: "The request conflicts with the current state of the resource.",
    ErrorCode.IDEMPOTENCY_KEY_REUSED: "This Idempotency-Key was already used for another request.",
    ErrorCode.PAYLOAD_TOO_LARGE: "The request body is too large.",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "Unsupported media type.",
    ErrorCode.THROTTLED: "Too many requests.",
    ErrorCode.INTERNAL_ERROR: "An internal error occurred.",
    ErrorCode.BAD_GATEWAY: "An upstream service answered incorrectly.",
    ErrorCode.SERVICE_UNAVAILABLE: "A service this request needs is unavailable.",
    ErrorCode.GATEWAY_TIMEOUT: "An upstream service did not answer in time.",
}


class DomainError(Exception):
    """Base of every error a service may raise; the API layer maps it onto the envelope."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str | None = None, *, details: Mapping[str, Any] | None = None):
        self.message = message or self.code.default_message
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(self.message)


class ValidationError(DomainError):
    """Input breaks a business rule; ``details`` maps field names to lists of messages."""

    code = ErrorCode.VALIDATION_ERROR

    @classmethod
    def for_field(cls, field: str, message: str) -> "ValidationError":
        return cls(message, details={field: [message]})


class AuthenticationFailedError(DomainError):
    """Credentials or a token were presented and are not valid."""

    code = ErrorCode.AUTHENTICATION_FAILED


class NotFoundError(DomainError):
    code = ErrorCode.NOT_FOUND


class PermissionDeniedError(DomainError):
    code = ErrorCode.PERMISSION_DENIED


class ConflictError(DomainError):
    code = ErrorCode.CONFLICT


class ServiceUnavailableError(DomainError):
    """A dependency (another service, a broker) cannot be reached right now."""

    code = ErrorCode.SERVICE_UNAVAILABLE


class UpstreamError(DomainError):
    """A dependency answered, but not as its contract says."""

    code = ErrorCode.BAD_GATEWAY
