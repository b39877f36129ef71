"""Describes the stateless JWT authentication in OpenAPI documents (drf-spectacular)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class StatelessJWTScheme(OpenApiAuthenticationExtension):
    target_class = "shared.core.authentication.authentication.StatelessJWTAuthentication"
    match_subclasses = True
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
