"""The OpenAPI description of the stateless JWT authentication (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from shared.core.authentication.authentication import StatelessJWTAuthentication


class ServiceSpecificJWTAuthentication(StatelessJWTAuthentication):
    pass


def test_jwt_authentication_is_described_as_bearer_jwt():
    extension = OpenApiAuthenticationExtension.get_match(StatelessJWTAuthentication())

    assert extension.name == "jwtAuth"
    assert extension.get_security_definition(None) == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }


def test_subclasses_are_described_the_same_way():
    extension = OpenApiAuthenticationExtension.get_match(ServiceSpecificJWTAuthentication())

    assert extension is not None
    assert extension.name == "jwtAuth"
