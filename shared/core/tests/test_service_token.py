"""``/internal/`` authentication: only ``Authorization: Service <INTERNAL_API_TOKEN>`` gets in."""

import uuid

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from shared.core.authentication.principal import Principal
from shared.core.authentication.service_token import IsService, ServicePrincipal
from shared.core.authentication.tokens import AccessToken
from shared.core.testing import bearer, mint_token
from shared.core.tests.assertions import assert_error

TOKEN = "core-tests-internal-token"


def ping(client, authorization: str | None = None):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return client.get("/internal/ping", headers=headers)


@pytest.mark.parametrize("scheme", ["Service", "service", "SERVICE"])
def test_service_credential_gets_in(client, scheme):
    response = ping(client, f"{scheme} {TOKEN}")

    assert response.status_code == 200
    assert response.json() == {"caller_is_service": True}


def test_missing_credential_is_not_authenticated_with_a_service_challenge(client):
    response = ping(client)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Service realm="internal"'


@pytest.mark.parametrize(
    "authorization",
    [
        f"Service {TOKEN}x",
        "Service wrong",
        "Service",
        f"Bearer {TOKEN}",
        f"Token {TOKEN}",
        f"Service  {TOKEN}",
    ],
)
def test_wrong_credential_fails(client, authorization):
    assert_error(ping(client, authorization), 401, "authentication_failed")


def test_user_jwt_fails(client):
    response = client.get("/internal/ping", headers=bearer(uuid.uuid4()))

    assert_error(response, 401, "authentication_failed")


def test_no_configured_token_lets_nobody_in(client, settings):
    settings.INTERNAL_API_TOKEN = ""

    assert_error(ping(client, "Service "), 401, "authentication_failed")


def test_is_service_refuses_a_user_principal():
    request = Request(APIRequestFactory().get("/internal/ping"))
    request.user = Principal(AccessToken(mint_token(uuid.uuid4())))

    assert not IsService().has_permission(request, None)


def test_is_service_admits_a_service_principal():
    request = Request(APIRequestFactory().get("/internal/ping"))
    request.user = ServicePrincipal()

    assert IsService().has_permission(request, None)
