"""Service-to-service authentication for ``/internal/`` endpoints.

Only ``Authorization: Service <INTERNAL_API_TOKEN>`` is accepted (constant-time comparison). No
header is ``not_authenticated``; any other credential, a user's JWT included, is
``authentication_failed``.
"""

import hmac
from dataclasses import dataclass

from django.conf import settings
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

SCHEME = b"service"


@dataclass(frozen=True)
class ServicePrincipal:
    """Another service of this system, trusted by its shared credential."""

    is_authenticated: bool = True
    is_service: bool = True


def is_service_credential(header: bytes) -> bool:
    """Whether an ``Authorization`` header value carries this system's service credential."""
    scheme, _, token = header.partition(b" ")
    expected = (settings.INTERNAL_API_TOKEN or "").encode()
    return scheme.lower() == SCHEME and bool(expected) and hmac.compare_digest(token, expected)


class ServiceTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ServicePrincipal, None] | None:
        header = get_authorization_header(request)
        if not header:
            return None
        if not is_service_credential(header):
            raise AuthenticationFailed("Invalid service credentials.")
        return ServicePrincipal(), None

    def authenticate_header(self, request: Request) -> str:
        return 'Service realm="internal"'


class IsService(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(getattr(request.user, "is_service", False))
