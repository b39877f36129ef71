"""Internal users API (service to service; the gateway never routes ``/internal/``)."""

import time

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.users.services.user_service import UserService
from shared.core.authentication.service_token import IsService, ServiceTokenAuthentication
from shared.core.utils.contract_models import Renderer, validate_query
from users_contracts.v1.schemas import (
    InternalUserByEmailRequest,
    InternalUserListRequest,
    InternalUserListResponse,
    UserSummary,
)

USER_LIST = Renderer(InternalUserListResponse)
SUMMARY = Renderer(UserSummary)


@extend_schema(exclude=True)
class InternalAPIView(APIView):
    authentication_classes = [ServiceTokenAuthentication]
    permission_classes = [IsService]

    def initial(self, request: Request, *args, **kwargs) -> None:
        # FAULT_INTERNAL_DELAY_SECONDS (tests only, refused in production): a slow provider.
        if delay := getattr(settings, "FAULT_INTERNAL_DELAY_SECONDS", 0):
            time.sleep(delay)
        super().initial(request, *args, **kwargs)


class InternalUserBatchView(InternalAPIView):
    def get(self, request: Request) -> Response:
        query = validate_query(InternalUserListRequest, request.query_params)
        users = UserService().summaries(uuids=query.uuid, include_inactive=True)
        return Response(USER_LIST.render({"results": users}))


class InternalUserByEmailView(InternalAPIView):
    def get(self, request: Request) -> Response:
        query = validate_query(InternalUserByEmailRequest, request.query_params)
        user = UserService().find_active_by_email(email=query.email)
        return Response(SUMMARY.render(user))
