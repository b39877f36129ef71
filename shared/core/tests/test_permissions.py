"""IsOwner and IsOwnerOrReadOnly with the stateless principal a verified token yields."""

import uuid

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from shared.core.authentication.permissions import IsOwner, IsOwnerOrReadOnly
from shared.core.authentication.principal import Principal
from shared.core.authentication.tokens import AccessToken
from shared.core.testing import mint_token
from shared.core.tests.testapp.models import Widget

OWNER = uuid.uuid4()
STRANGER = uuid.uuid4()
READ_METHODS = ["get", "head", "options"]
WRITE_METHODS = ["post", "put", "patch", "delete"]


def principal(user_uuid: uuid.UUID) -> Principal:
    return Principal(AccessToken(mint_token(user_uuid)))


def request_as(method: str, user: Principal | None) -> Request:
    request = Request(getattr(APIRequestFactory(), method)("/widgets/"))
    request.user = user
    return request


@pytest.fixture
def widget() -> Widget:
    return Widget(name="mine", owner_uuid=OWNER)


def test_principal_from_token_carries_the_subject_uuid():
    assert principal(OWNER).uuid == OWNER


@pytest.mark.parametrize("method", READ_METHODS + WRITE_METHODS)
def test_owner_may_do_anything(widget, method):
    request = request_as(method, principal(OWNER))

    assert IsOwner().has_object_permission(request, None, widget)
    assert IsOwnerOrReadOnly().has_object_permission(request, None, widget)


@pytest.mark.parametrize("method", READ_METHODS + WRITE_METHODS)
def test_non_owner_is_denied_by_is_owner(widget, method):
    assert not IsOwner().has_object_permission(
        request_as(method, principal(STRANGER)), None, widget
    )


def test_anonymous_caller_is_denied_by_is_owner(widget):
    assert not IsOwner().has_object_permission(request_as("get", None), None, widget)


@pytest.mark.parametrize("method", READ_METHODS)
def test_non_owner_may_read_with_is_owner_or_read_only(widget, method):
    request = request_as(method, principal(STRANGER))

    assert IsOwnerOrReadOnly().has_object_permission(request, None, widget)


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_non_owner_may_not_write_with_is_owner_or_read_only(widget, method):
    request = request_as(method, principal(STRANGER))

    assert not IsOwnerOrReadOnly().has_object_permission(request, None, widget)


def test_anonymous_caller_may_not_write_with_is_owner_or_read_only(widget):
    request = request_as("delete", None)

    assert not IsOwnerOrReadOnly().has_object_permission(request, None, widget)


def test_object_without_owner_belongs_to_nobody():
    request = request_as("get", principal(OWNER))

    assert not IsOwner().has_object_permission(request, None, object())


def test_owner_uuid_stored_as_string_still_matches():
    request = request_as("patch", principal(OWNER))
    widget = Widget(name="mine", owner_uuid=str(OWNER))

    assert IsOwner().has_object_permission(request, None, widget)
