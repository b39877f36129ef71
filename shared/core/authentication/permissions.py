"""Object permissions that compare an object's ``owner_uuid`` with the caller's uuid."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


def _is_owner(request: Request, obj: Any) -> bool:
    caller_uuid = getattr(request.user, "uuid", None)
    return caller_uuid is not None and str(getattr(obj, "owner_uuid", "")) == str(caller_uuid)


class IsOwner(BasePermission):
    """Only the object's owner may do anything with it."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return _is_owner(request, obj)


class IsOwnerOrReadOnly(BasePermission):
    """Anyone may read; only the owner may write."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return request.method in SAFE_METHODS or _is_owner(request, obj)
