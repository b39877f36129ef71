"""The error codes of the public API and the HTTP status each one answers with."""

from enum import StrEnum


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
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.THROTTLED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.BAD_GATEWAY: 502,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
    ErrorCode.GATEWAY_TIMEOUT: 504,
}

# Codes that share a status with a more general one and are never picked from a bare status.
_NOT_DEFAULT_FOR_STATUS = {ErrorCode.PARSE_ERROR, ErrorCode.NOT_AUTHENTICATED}

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
    ErrorCode.PAYLOAD_TOO_LARGE: "The request body is too large.",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "Unsupported media type.",
    ErrorCode.THROTTLED: "Too many requests.",
    ErrorCode.INTERNAL_ERROR: "An internal error occurred.",
    ErrorCode.BAD_GATEWAY: "An upstream service answered incorrectly.",
    ErrorCode.SERVICE_UNAVAILABLE: "A service this request needs is unavailable.",
    ErrorCode.GATEWAY_TIMEOUT: "An upstream service did not answer in time.",
}
