"""Users API views: validate input, call one service method, render the result."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from services.users.api import schema as doc
from services.users.api import serializers as s
from services.users.api.authentication import ActiveAccountAuthentication
from services.users.services.token_service import TokenService
from services.users.services.user_service import UserService


def validated(serializer_class: type[Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class UsersAPIView(APIView):
    """Every users endpoint checks that the caller's account is still active."""

    authentication_classes = [ActiveAccountAuthentication]


class PublicAPIView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class RegisterView(PublicAPIView):
    @extend_schema(
        request=s.RegisterSerializer, responses={201: s.UserSerializer, **doc.REGISTER_ERRORS}
    )
    def post(self, request: Request) -> Response:
        user = UserService().register(**validated(s.RegisterSerializer, request))
        return Response(s.user_data(user), status=status.HTTP_201_CREATED)


class TokenObtainView(PublicAPIView):
    @extend_schema(
        request=s.TokenObtainSerializer,
        responses={200: s.TokenPairSerializer, **doc.TOKEN_ERRORS},
    )
    def post(self, request: Request) -> Response:
        pair = TokenService().obtain_pair(**validated(s.TokenObtainSerializer, request))
        return Response({"access": pair.access, "refresh": pair.refresh})


class TokenRefreshView(PublicAPIView):
    @extend_schema(
        request=s.RefreshSerializer, responses={200: s.TokenPairSerializer, **doc.REFRESH_ERRORS}
    )
    def post(self, request: Request) -> Response:
        pair = TokenService().rotate(**validated(s.RefreshSerializer, request))
        return Response({"access": pair.access, "refresh": pair.refresh})


class LogoutView(UsersAPIView):
    @extend_schema(request=s.RefreshSerializer, responses={**doc.NO_CONTENT, **doc.LOGOUT_ERRORS})
    def post(self, request: Request) -> Response:
        data = validated(s.RefreshSerializer, request)
        TokenService().logout(actor_uuid=request.user.uuid, refresh=data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class JWKSView(PublicAPIView):
    @extend_schema(
        operation_id="jwks_retrieve",
        tags=["auth"],
        responses={200: s.JWKSSerializer, **doc.JWKS_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(TokenService().jwks())


class MeView(UsersAPIView):
    @extend_schema(responses={200: s.UserSerializer, **doc.READ_ME_ERRORS})
    def get(self, request: Request) -> Response:
        return Response(s.user_data(UserService().get_active(uuid=request.user.uuid)))

    @extend_schema(
        request=s.ProfileUpdateSerializer,
        responses={200: s.UserSerializer, **doc.UPDATE_ME_ERRORS},
    )
    def patch(self, request: Request) -> Response:
        data = validated(s.ProfileUpdateSerializer, request)
        user = UserService().update_profile(actor_uuid=request.user.uuid, **data)
        return Response(s.user_data(user))

    @extend_schema(responses={**doc.NO_CONTENT, **doc.DELETE_ME_ERRORS})
    def delete(self, request: Request) -> Response:
        UserService().deactivate(actor_uuid=request.user.uuid)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserDetailView(UsersAPIView):
    @extend_schema(
        parameters=[doc.USER_UUID],
        responses={200: s.PublicProfileSerializer, **doc.USER_DETAIL_ERRORS},
    )
    def get(self, request: Request, user_uuid: str) -> Response:
        return Response(s.public_profile_data(UserService().get_active(uuid=user_uuid)))
