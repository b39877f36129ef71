"""Users-side authentication: the stateless check plus "is this account still active"."""

from drf_spectacular.drainage import set_override
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.tokens import Token

from services.users.services.user_service import UserService
from shared.core.authentication.authentication import StatelessJWTAuthentication
from shared.core.authentication.principal import Principal


class ActiveAccountAuthentication(StatelessJWTAuthentication):
    def get_user(self, validated_token: Token) -> Principal:
        principal = super().get_user(validated_token)
        if not UserService().is_active(uuid=principal.uuid):
            raise AuthenticationFailed("The account is deleted or inactive.", code="user_inactive")
        return principal


# To clients this is core's bearer JWT scheme ("jwtAuth", same definition): one component in a
# document that holds both services, not two different schemes under one name.
set_override(ActiveAccountAuthentication, "suppress_collision_warning", True)
