"""Projects-side authentication: the stateless check plus "users has not deleted this account"."""

from drf_spectacular.drainage import set_override
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.tokens import Token

from services.projects.services.accounts import is_deleted_subject
from shared.core.authentication.authentication import StatelessJWTAuthentication
from shared.core.authentication.principal import Principal


class LiveSubjectAuthentication(StatelessJWTAuthentication):
    """Refuses tokens of accounts users deleted (learnt from ``user.deleted``), though unexpired.

    One indexed query per authenticated request, on projects' own database: users is never asked.
    """

    def get_user(self, validated_token: Token) -> Principal:
        principal = super().get_user(validated_token)
        if is_deleted_subject(user_uuid=principal.uuid):
            raise AuthenticationFailed("The account is deleted.", code="authentication_failed")
        return principal


# To clients this is core's bearer JWT scheme ("jwtAuth", same definition), as in users.
set_override(LiveSubjectAuthentication, "suppress_collision_warning", True)
