"""DRF authentication that verifies RS256 access tokens and yields a stateless Principal."""

from uuid import UUID

from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from shared.core.authentication.principal import Principal
from shared.kit.context import user_uuid_var


class StatelessJWTAuthentication(JWTStatelessUserAuthentication):
    """Never touches the users database: the token alone says who the caller is."""

    def authenticate(self, request: Request) -> tuple[Principal, Token] | None:
        result = super().authenticate(request)
        if result is not None:
            user_uuid_var.set(str(result[0].uuid))
        return result

    def get_user(self, validated_token: Token) -> Principal:
        subject = validated_token.get("sub")
        try:
            UUID(str(subject))
        except ValueError:
            raise InvalidToken(_("Token contained no recognizable user identification")) from None
        return Principal(validated_token)
