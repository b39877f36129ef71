"""Internal users API (service to service; the gateway never routes ``/internal/``)."""

import time

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.users.services.user_service import UserService
from shared.core.authentication.service_token import IsService, ServiceTokenAuthentication

MAX_BATCH = 100


class UserBatchQuerySerializer(serializers.Serializer):
    uuid = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=MAX_BATCH)


class EmailQuerySerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


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
        query = UserBatchQuerySerializer(data={"uuid": request.query_params.getlist("uuid")})
        query.is_valid(raise_exception=True)
        users = UserService().summaries(uuids=query.validated_data["uuid"], include_inactive=True)
        results = [
            {"uuid": str(user.uuid), "display_name": user.display_name, "is_active": user.is_active}
            for user in users
        ]
        return Response({"results": results})


class InternalUserByEmailView(InternalAPIView):
    def get(self, request: Request) -> Response:
        query = EmailQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = UserService().find_active_by_email(email=query.validated_data["email"])
        return Response({"uuid": str(user.uuid), "display_name": user.display_name})
