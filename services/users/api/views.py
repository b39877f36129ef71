"""Users API views: validate input, call one service method, render the result.

Bodies are validated, responses rendered and both documented with the contract's models
(users_contracts.v1): the shapes and limits are written there once.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.users.api import schema as doc
from services.users.api.authentication import ActiveAccountAuthentication
from services.users.services.token_service import TokenService
from services.users.services.user_service import UserService
from shared.core.utils.contract_models import ContractRequest, Renderer, validate_body
from users_contracts.v1.schemas import (
    JwksResponse,
    ProfileUpdateRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPairResponse,
    TokenRequest,
    UserResponse,
    UserSummary,
)

USER = Renderer(UserResponse)
PUBLIC_PROFILE = Renderer(UserSummary)
TOKEN_PAIR = Renderer(TokenPairResponse)
JWKS = Renderer(JwksResponse)


class UsersAPIView(APIView):
    """Every users endpoint checks that the caller's account is still active."""

    authentication_classes = [ActiveAccountAuthentication]


class PublicAPIView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class RegisterView(PublicAPIView):
    @extend_schema(
        request=ContractRequest(RegisterRequest),
        responses={201: UserResponse, **doc.REGISTER_ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = validate_body(RegisterRequest, request.data)
        user = UserService().register(**body.model_dump(exclude_unset=True))
        return Response(USER.render(user), status=status.HTTP_201_CREATED)


class TokenObtainView(PublicAPIView):
    @extend_schema(
        request=ContractRequest(TokenRequest),
        responses={200: TokenPairResponse, **doc.TOKEN_ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = validate_body(TokenRequest, request.data)
        pair = TokenService().obtain_pair(email=body.email, password=body.password)
        return Response(TOKEN_PAIR.render(pair))


class TokenRefreshView(PublicAPIView):
    @extend_schema(
        request=ContractRequest(RefreshRequest),
        responses={200: TokenPairResponse, **doc.REFRESH_ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = validate_body(RefreshRequest, request.data)
        return Response(TOKEN_PAIR.render(TokenService().rotate(refresh=body.refresh)))


class LogoutView(UsersAPIView):
    @extend_schema(
        request=ContractRequest(RefreshRequest), responses={**doc.NO_CONTENT, **doc.LOGOUT_ERRORS}
    )
    def post(self, request: Request) -> Response:
        body = validate_body(RefreshRequest, request.data)
        TokenService().logout(actor_uuid=request.user.uuid, refresh=body.refresh)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JWKSView(PublicAPIView):
    @extend_schema(
        operation_id="jwks_retrieve",
        tags=["auth"],
        responses={200: JwksResponse, **doc.JWKS_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(JWKS.render(TokenService().jwks()))


class MeView(UsersAPIView):
    @extend_schema(responses={200: UserResponse, **doc.READ_ME_ERRORS})
    def get(self, request: Request) -> Response:
        return Response(USER.render(UserService().get_active(uuid=request.user.uuid)))

    @extend_schema(
        request=ContractRequest(ProfileUpdateRequest),
        responses={200: UserResponse, **doc.UPDATE_ME_ERRORS},
    )
    def patch(self, request: Request) -> Response:
        body = validate_body(ProfileUpdateRequest, request.data)
        user = UserService().update_profile(
            actor_uuid=request.user.uuid, **body.model_dump(exclude_unset=True)
        )
        return Response(USER.render(user))

    @extend_schema(responses={**doc.NO_CONTENT, **doc.DELETE_ME_ERRORS})
    def delete(self, request: Request) -> Response:
        UserService().deactivate(actor_uuid=request.user.uuid)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserDetailView(UsersAPIView):
    @extend_schema(
        parameters=[doc.USER_UUID],
        responses={200: UserSummary, **doc.USER_DETAIL_ERRORS},
    )
    def get(self, request: Request, user_uuid: str) -> Response:
        return Response(PUBLIC_PROFILE.render(UserService().get_active(uuid=user_uuid)))
