"""OpenAPI details of the users API that the contract's models alone cannot say.

Each operation lists every error status the service can answer with (and the gateway's 429 where
it rate-limits); path uuids are matched as strings (a malformed one is a 404) but documented as
``format: uuid``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from shared.core.utils.openapi import BODY_ERRORS, SERVER_ERRORS, error_responses

USER_UUID = OpenApiParameter(
    "user_uuid",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The user's uuid. A malformed, unknown or deleted one is a 404.",
)

REGISTER_ERRORS = error_responses(
    *BODY_ERRORS,
    429,
    *SERVER_ERRORS,
    descriptions={
        400: "`validation_error`: a bad or taken email, a weak password, a bad display name; "
        "or `parse_error`.",
    },
)
TOKEN_ERRORS = error_responses(
    *BODY_ERRORS,
    401,
    429,
    *SERVER_ERRORS,
    descriptions={401: "`authentication_failed`: no active account with these credentials."},
)
REFRESH_ERRORS = error_responses(
    *BODY_ERRORS,
    401,
    *SERVER_ERRORS,
    descriptions={
        401: "`authentication_failed`: the refresh token is invalid, expired or already used."
    },
)
LOGOUT_ERRORS = error_responses(
    *BODY_ERRORS,
    401,
    *SERVER_ERRORS,
    descriptions={
        400: "`validation_error`: not a valid refresh token of the caller's; or `parse_error`."
    },
)
JWKS_ERRORS = error_responses(500)
READ_ME_ERRORS = error_responses(401, *SERVER_ERRORS)
UPDATE_ME_ERRORS = error_responses(*BODY_ERRORS, 401, *SERVER_ERRORS)
DELETE_ME_ERRORS = error_responses(401, *SERVER_ERRORS)
USER_DETAIL_ERRORS = error_responses(401, 404, *SERVER_ERRORS)
NO_CONTENT = {204: OpenApiResponse(description="Done; no body.")}
