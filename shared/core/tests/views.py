"""Small views that make the core's error handling, auth and pagination observable over HTTP."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken

from shared.core.authentication.authentication import StatelessJWTAuthentication
from shared.core.authentication.service_token import IsService, ServiceTokenAuthentication
from shared.core.tests.testapp.models import Widget
from shared.kit.context import current_request_id, deadline_var, user_uuid_var
from shared.kit.errors import (
    AuthenticationFailedError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
    UpstreamError,
    ValidationError,
)


class GatewayTimeout(drf.APIException):
    status_code = 504
    default_detail = "The upstream did not answer."


ERRORS: dict[str, Callable[[], Exception]] = {
    # Domain exceptions, as services raise them.
    "domain-validation": lambda: ValidationError(
        "Name is taken.", details={"name": ["Name is taken."]}
    ),
    "domain-authentication-failed": AuthenticationFailedError,
    "domain-permission-denied": PermissionDeniedError,
    "domain-not-found": NotFoundError,
    "domain-conflict": lambda: ConflictError("Already a member."),
    "domain-service-unavailable": ServiceUnavailableError,
    "domain-upstream": UpstreamError,
    # DRF and Django exceptions, as views and DRF itself raise them.
    "parse": drf.ParseError,
    "not-authenticated": drf.NotAuthenticated,
    "authentication-failed": drf.AuthenticationFailed,
    "permission-denied": drf.PermissionDenied,
    "not-found": drf.NotFound,
    "not-acceptable": drf.NotAcceptable,
    "unsupported-media-type": lambda: drf.UnsupportedMediaType("text/plain"),
    "throttled": lambda: drf.Throttled(wait=30),
    "throttled-no-wait": drf.Throttled,
    "gateway-timeout": GatewayTimeout,
    "api-exception": drf.APIException,
    "django-404": Http404,
    "django-permission-denied": DjangoPermissionDenied,
    "empty-detail": lambda: drf.PermissionDenied(""),
    "list-detail": lambda: drf.PermissionDenied(["Not yours.", "Ask the owner."]),
    "invalid-token": lambda: InvalidToken(
        {"detail": "Given token not valid for any token type", "messages": [{"message": "x"}]}
    ),
    "invalid-token-sentence": lambda: InvalidToken("Token has no usable subject."),
    "field-errors": lambda: drf.ValidationError(
        {"name": ["This field is required."], "priority": "Must be 1..4."}
    ),
    "non-field-errors": lambda: drf.ValidationError("Start date must not follow due date."),
    "nested-errors": lambda: drf.ValidationError(
        {"owner": {"email": ["Enter a valid email."]}, "tags": [{}, {"name": ["Too long."]}]}
    ),
    "unhandled": lambda: RuntimeError("boom"),
    "database-down": lambda: OperationalError("connection refused"),
}


class ErrorView(APIView):
    """GET raises the exception named in the URL; anonymous callers are welcome."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request, name: str) -> Response:
        raise ERRORS[name]()


class EchoView(APIView):
    """POST answers with the parsed JSON body."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"echo": None})

    def post(self, request: Request) -> Response:
        return Response({"echo": request.data})


class ContextView(APIView):
    """Answers with the request context as the code inside a request sees it."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"request_id": current_request_id(), "deadline": deadline_var.get()})


class MeView(APIView):
    authentication_classes = [StatelessJWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"uuid": str(request.user.uuid), "context_user_uuid": user_uuid_var.get()})


class WidgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Widget
        fields = ["uuid", "name"]


class WidgetListView(ListAPIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    serializer_class = WidgetSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Widget.objects.order_by("id")


@require_GET
def get_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain")


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("plain view crashed")


def unauthorized(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        "<h1>Who are you?</h1>", status=401, headers={"WWW-Authenticate": 'Basic realm="x"'}
    )


def maintenance(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<h1>Back soon</h1>", status=503, headers={"Retry-After": "120"})


def json_conflict(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"already": "json"}, status=409)


class InternalPingView(APIView):
    """An ``/internal/`` endpoint: other services only, by the shared credential."""

    authentication_classes = [ServiceTokenAuthentication]
    permission_classes = [IsService]

    def get(self, request: Request) -> Response:
        return Response({"caller_is_service": request.user.is_service})


def streamed(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(iter([b"chunk-1,", b"chunk-2"]), content_type="text/plain")
