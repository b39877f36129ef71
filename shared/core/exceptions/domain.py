"""Domain exceptions raised by services and clients (pure Python: no Django, no DRF)."""

from collections.abc import Mapping, Sequence
from typing import Any

from shared.core.exceptions.codes import ErrorCode

FieldErrors = Mapping[str, Sequence[str]]


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
