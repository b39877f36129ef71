"""Internal users API (service to service; the gateway never routes ``/internal/``).

Another service calls the batch lookup for every page it renders with names, so these views
answer JSON without negotiating (an internal caller gets JSON whatever it asks, as any client
of the public API does) and write the body straight from the contract model (pydantic-core
serialises it; no dict in between, no DRF renderer). Errors still go through DRF's exception
handler: the envelope, the statuses and ``WWW-Authenticate`` are the public API's.
"""

import time
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from pydantic import BaseModel
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from services.users.services.user_service import UserService
from shared.core.authentication.service_token import IsService, ServiceTokenAuthentication
from shared.core.utils.contract_models import validate_query
from users_contracts.v1.schemas import (
    InternalUser,
    InternalUserByEmailRequest,
    InternalUserListRequest,
    InternalUserListResponse,
    UserSummary,
)

JSON = JSONRenderer()


def contract_json(body: BaseModel) -> HttpResponse:
    """A 200 whose body is the contract model's JSON (compact, UTF-8, fields in model order)."""
    return HttpResponse(body.model_dump_json(), content_type=JSON.media_type)


@extend_schema(exclude=True)
class InternalAPIView(APIView):
    authentication_classes = [ServiceTokenAuthentication]
    permission_classes = [IsService]
    renderer_classes = [JSONRenderer]  # for the error envelope

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # FAULT_INTERNAL_DELAY_SECONDS (tests only, refused in production): a slow provider.
        if delay := getattr(settings, "FAULT_INTERNAL_DELAY_SECONDS", 0):
            time.sleep(delay)
        super().initial(request, *args, **kwargs)

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        return JSON, JSON.media_type


class InternalUserBatchView(InternalAPIView):
    def get(self, request: Request) -> HttpResponse:
        query = validate_query(InternalUserListRequest, request.query_params)
        records = UserService().summaries(uuids=query.uuid, include_inactive=True)
        # Rows of our own database, typed by the ORM: constructed, not validated again.
        results = [InternalUser.model_construct(**record._asdict()) for record in records]
        return contract_json(InternalUserListResponse.model_construct(results=results))


class InternalUserByEmailView(InternalAPIView):
    def get(self, request: Request) -> HttpResponse:
        query = validate_query(InternalUserByEmailRequest, request.query_params)
        user = UserService().find_active_by_email(email=query.email)
        return contract_json(
            UserSummary.model_construct(uuid=user.uuid, display_name=user.display_name)
        )
