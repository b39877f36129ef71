"""OpenAPI details of the projects API that the contract's models alone cannot say.

Path uuids are matched as strings (a malformed one is a 404 like an unknown one) but documented
as ``format: uuid``; ``ordering`` is documented as the values the service knows (others are
ignored, not refused); each operation lists every error status the service can answer with.
"""

from typing import get_args

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from projects_contracts.v1.schemas import PRIORITY_MAX, PRIORITY_MIN, ProjectStatus
from services.projects.services.reads import DEFAULT_ORDERING, ORDERING_FIELDS
from shared.core.utils.openapi import BODY_ERRORS, SERVER_ERRORS, error_responses

DEGRADED_HEADER = "X-Degraded"
ORDERING_VALUES = [value for key in ORDERING_FIELDS for value in (key, f"-{key}")]

PROJECT_UUID = OpenApiParameter(
    "project_uuid",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The project's uuid. A malformed, unknown or invisible one is a 404.",
)
USER_UUID = OpenApiParameter(
    "user_uuid",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The member's user uuid.",
)
EXPAND = OpenApiParameter(
    "expand",
    str,
    description="Comma-separated (or repeated); `owner` adds the owner's summary as `owner` "
    "(null when users is unavailable; see `X-Degraded`). Unknown values are ignored.",
    examples=[OpenApiExample("owner", value="owner")],
)
STATUS = OpenApiParameter(
    "status",
    str,
    enum=list(get_args(ProjectStatus)),
    description="Only projects with this status.",
)
PRIORITY = OpenApiParameter(
    "priority",
    {"type": "integer", "minimum": PRIORITY_MIN, "maximum": PRIORITY_MAX},
    description=f"Only projects with this priority ({PRIORITY_MIN} low .. {PRIORITY_MAX} "
    "critical).",
)
SEARCH = OpenApiParameter(
    "search", str, description="Case-insensitive substring of the name or description."
)
ORDERING = OpenApiParameter(
    "ordering",
    str,
    enum=ORDERING_VALUES,
    description=f"Sort key, `-` for descending; default `{DEFAULT_ORDERING}`. Nulls sort last, "
    "ties in creation order. Values other than these are ignored (the default applies).",
)
DEGRADED = OpenApiParameter(
    DEGRADED_HEADER,
    str,
    OpenApiParameter.HEADER,
    enum=["users"],
    response=[200],
    description="Present when users could not be reached: names or owners are null.",
)


def list_query_parameters() -> list[OpenApiParameter]:
    return [STATUS, PRIORITY, SEARCH, ORDERING, EXPAND, DEGRADED]


# Error statuses per operation (500/503: any unexpected error, or the database is down).
# Owner expansion asks users; an answer that breaks its contract is a 502 (down is degraded).
LIST_ERRORS = error_responses(
    400,
    401,
    404,
    502,
    *SERVER_ERRORS,
    descriptions={
        400: "`validation_error`: a bad `status` or `priority` (details name the parameter).",
        404: "`not_found`: the page does not exist (past the last, or not a number).",
    },
)
CREATE_ERRORS = error_responses(*BODY_ERRORS, 401, *SERVER_ERRORS)
READ_ERRORS = error_responses(401, 404, 502, *SERVER_ERRORS)
UPDATE_ERRORS = error_responses(*BODY_ERRORS, 401, 403, 404, *SERVER_ERRORS)
DELETE_ERRORS = error_responses(401, 403, 404, *SERVER_ERRORS)
MEMBERS_ERRORS = error_responses(401, 404, 502, *SERVER_ERRORS)
ADD_MEMBER_ERRORS = error_responses(
    *BODY_ERRORS,
    401,
    403,
    404,
    409,
    502,
    *SERVER_ERRORS,
    descriptions={
        400: "`validation_error`: no active user has this email, or it is the owner's; "
        "or `parse_error`.",
        409: "`conflict`: the user is already a member.",
        503: "`service_unavailable`: users (or the database) is down.",
    },
)
REMOVE_MEMBER_ERRORS = error_responses(
    400,
    401,
    403,
    404,
    *SERVER_ERRORS,
    descriptions={
        400: "`validation_error`: the owner cannot be removed.",
        403: "`permission_denied`: only the owner removes others; a member removes itself.",
    },
)
NO_CONTENT = {204: OpenApiResponse(description="Done; no body.")}
