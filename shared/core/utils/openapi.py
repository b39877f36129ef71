"""OpenAPI building blocks every service documents its endpoints with (drf-spectacular).

- the error envelope ``{"error": {"code", "message", "details", "request_id"}}`` as the ``Error``
  component, its ``code`` as the ``ErrorCode`` enum (every code of
  :class:`~shared.kit.errors.ErrorCode`);
- :func:`error_responses`: the documented error statuses of one operation, all with that body;
- :class:`DocumentedPagination`: :class:`StandardPagination` with its real bounds and envelope
  (``page`` from 1, ``page_size`` 1..100; every key of the envelope is always present).

Views use them in ``@extend_schema(responses={200: ..., **error_responses(400, 401)})``.
"""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers

from shared.core.utils.pagination import StandardPagination
from shared.kit.errors import ErrorCode

ERROR_CODE_COMPONENT = "ErrorCode"
ERROR_COMPONENT = "Error"

# What each status means, and the codes it carries (the envelope is the same for all).
ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "`validation_error` (details: field -> messages) or `parse_error` (unreadable body).",
    401: "`not_authenticated` (no credentials) or `authentication_failed` (invalid credentials).",
    403: "`permission_denied`: authenticated, but not allowed to do this.",
    404: "`not_found`.",
    405: "`method_not_allowed`.",
    406: "`not_acceptable`.",
    409: "`conflict`: the request conflicts with the current state of the resource.",
    413: "`payload_too_large`: the body is over the size limit (details: `max_bytes`).",
    415: "`unsupported_media_type`: send `Content-Type: application/json`.",
    422: "`idempotency_key_reused`: the `Idempotency-Key` was sent before with another request.",
    429: "`throttled`: rate limited by the gateway; retry after `Retry-After` seconds.",
    500: "`internal_error`: an unexpected error (logged with the request id).",
    502: "`bad_gateway`: another service this request needs answered incorrectly.",
    503: "`service_unavailable`: the database or another service this request needs is down.",
    504: "`gateway_timeout`: an upstream did not answer in time.",
}

#: Statuses a request with a JSON body can always meet, besides its own rules.
BODY_ERRORS: tuple[int, ...] = (400, 413, 415)
#: Statuses any operation of a service backed by a database can meet.
SERVER_ERRORS: tuple[int, ...] = (500, 503)


class ErrorCodeField(serializers.ChoiceField):
    """``code`` of the envelope; documented as a reference to the ``ErrorCode`` enum component."""

    def __init__(self, **kwargs: Any):
        super().__init__(choices=[code.value for code in ErrorCode], **kwargs)


class ErrorCodeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ErrorCodeField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        component = ResolvedComponent(
            name=ERROR_CODE_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            object=ErrorCode,
            schema=error_code_schema(),
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def error_code_schema() -> dict[str, Any]:
    lines = [f"* `{code.value}` - {code.status}: {code.default_message}" for code in ErrorCode]
    return {
        "type": "string",
        "enum": [code.value for code in ErrorCode],
        "description": "Machine-readable error code; the HTTP status follows from it.\n\n"
        + "\n".join(lines),
    }


class ErrorDetailSerializer(serializers.Serializer):
    code = ErrorCodeField()
    message = serializers.CharField(help_text="Human-readable; do not parse it.")
    details = serializers.DictField(
        help_text="Structured details: for `validation_error`, field name -> list of messages "
        "(nested objects for nested fields); often empty."
    )
    request_id = serializers.CharField(help_text="Also in the `X-Request-ID` response header.")


@extend_schema_serializer(component_name=ERROR_COMPONENT)
class ErrorEnvelopeSerializer(serializers.Serializer):
    """The body of every error response of the API (4xx and 5xx)."""

    error = ErrorDetailSerializer()


def error_response(status: int, description: str | None = None) -> OpenApiResponse:
    return OpenApiResponse(
        response=ErrorEnvelopeSerializer,
        description=description or ERROR_DESCRIPTIONS.get(status, "An error."),
    )


def error_responses(
    *statuses: int, descriptions: Mapping[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """``{status: the error envelope}`` for ``statuses``; ``descriptions`` overrides the text."""
    descriptions = descriptions or {}
    return {status: error_response(status, descriptions.get(status)) for status in sorted(statuses)}


class DocumentedPagination(StandardPagination):
    """The standard pagination, with its parameters and envelope described as they behave."""

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number, from 1. A page past the last one (or anything "
                "that is not a number, `last` included) is a 404 `not_found`.",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page: default {self.page_size}; values over "
                f"{self.max_page_size} are clamped to {self.max_page_size}, invalid ones ignored.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        page_link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "description": "Results in all pages."},
                "next": {**page_link, "description": "The next page's URL; null on the last."},
                "previous": {**page_link, "description": "The previous page's URL; null on 1."},
                "results": schema,
            },
        }
