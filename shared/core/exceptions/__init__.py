"""Domain exceptions, error codes and the error envelope.

Import the domain exceptions from here; they are pure Python so that contract packages can raise
them too. The DRF exception handler lives in ``shared.core.exceptions.handler``.
"""

from shared.core.exceptions.codes import ErrorCode
from shared.core.exceptions.domain import (
    AuthenticationFailedError,
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
    UpstreamError,
    ValidationError,
)

__all__ = [
    "AuthenticationFailedError",
    "ConflictError",
    "DomainError",
    "ErrorCode",
    "NotFoundError",
    "PermissionDeniedError",
    "ServiceUnavailableError",
    "UpstreamError",
    "ValidationError",
]
