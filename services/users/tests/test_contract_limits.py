"""Each limit of the users API is the contract's: enforced at the API, sized in the model and
documented in the OpenAPI document with the value written in users_contracts.v1.schemas."""

import pytest

from services.users.models import User
from services.users.tests.conftest import PASSWORD, assert_error, auth
from users_contracts.v1.schemas import (
    DISPLAY_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
)

users_db = pytest.mark.django_db(databases=["users"])

REGISTER = "/api/auth/register/"
TOKEN = "/api/auth/token/"
ME = "/api/users/me/"
LONGEST_NAME = "x" * DISPLAY_NAME_MAX_LENGTH
# Passes Django's password validators: long, not common, not numeric, unlike the address.
LONGEST_PASSWORD = ("Kq7#vLm2" * PASSWORD_MAX_LENGTH)[:PASSWORD_MAX_LENGTH]


def address_of_length(length: int) -> str:
    """A valid address of exactly ``length`` characters (labels of at most 63)."""
    local = "a" * 64
    labels, left = [], length - len(local) - 1 - len(".test")
    while left > 0:
        size = min(63, left)
        labels.append("b" * size)
        left -= size + 1  # the dot before the next label
    domain = ".".join(labels) + ".test"
    address = f"{local}@{domain}"
    assert len(address) == length, len(address)
    return address


def too_long(limit: int) -> str:
    return f"Ensure this field has no more than {limit} characters."


# --- the API enforces the contract's values -----------------------------------------------------


@users_db
def test_register_takes_the_contracts_longest_email_password_and_name(api_client):
    body = {
        "email": address_of_length(EMAIL_MAX_LENGTH),
        "password": LONGEST_PASSWORD,
        "display_name": LONGEST_NAME,
    }

    response = api_client.post(REGISTER, body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["email"] == body["email"]
    assert response.json()["display_name"] == LONGEST_NAME
    login = api_client.post(
        TOKEN, {"email": body["email"], "password": LONGEST_PASSWORD}, format="json"
    )
    assert login.status_code == 200, login.content


@users_db
@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("email", address_of_length(EMAIL_MAX_LENGTH + 1), EMAIL_MAX_LENGTH),
        ("password", LONGEST_PASSWORD + "x", PASSWORD_MAX_LENGTH),
        ("display_name", LONGEST_NAME + "x", DISPLAY_NAME_MAX_LENGTH),
    ],
)
def test_register_refuses_one_character_over_the_contracts_limit(api_client, field, value, limit):
    body = {"email": "ada@example.com", "password": PASSWORD, field: value}

    response = api_client.post(REGISTER, body, format="json")

    assert assert_error(response, 400, "validation_error") == {field: [too_long(limit)]}
    assert not User.objects.using("users").exists()


@users_db
@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("email", address_of_length(EMAIL_MAX_LENGTH + 1), EMAIL_MAX_LENGTH),
        ("password", LONGEST_PASSWORD + "x", PASSWORD_MAX_LENGTH),
    ],
)
def test_token_refuses_one_character_over_the_contracts_limit(
    api_client, user, field, value, limit
):
    body = {"email": user.email, "password": PASSWORD, field: value}

    response = api_client.post(TOKEN, body, format="json")

    assert assert_error(response, 400, "validation_error") == {field: [too_long(limit)]}


@users_db
def test_profile_takes_the_contracts_longest_name_and_refuses_one_more(api_client, user, login):
    access = login(user)["access"]

    accepted = api_client.patch(ME, {"display_name": LONGEST_NAME}, format="json", **auth(access))
    refused = api_client.patch(
        ME, {"display_name": LONGEST_NAME + "x"}, format="json", **auth(access)
    )

    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["display_name"] == LONGEST_NAME
    assert assert_error(refused, 400, "validation_error") == {
        "display_name": [too_long(DISPLAY_NAME_MAX_LENGTH)]
    }


@users_db
@pytest.mark.parametrize("path", [REGISTER, ME])
def test_an_explicit_null_display_name_is_refused(api_client, user, login, path):
    headers = auth(login(user)["access"])
    body = {"display_name": None}
    if path == REGISTER:
        response = api_client.post(
            path, {"email": "bob@example.com", "password": PASSWORD, **body}, format="json"
        )
    else:
        response = api_client.patch(path, body, format="json", **headers)

    assert assert_error(response, 400, "validation_error") == {
        "display_name": ["This field may not be null."]
    }


# --- the model stores what the contract allows --------------------------------------------------


def test_the_model_is_sized_by_the_contract():
    assert User._meta.get_field("email").max_length == EMAIL_MAX_LENGTH
    assert User._meta.get_field("display_name").max_length == DISPLAY_NAME_MAX_LENGTH


# --- the OpenAPI document says the contract's values --------------------------------------------


@pytest.fixture(scope="module")
def schemas() -> dict:
    from rest_framework.test import APIClient

    response = APIClient().get("/api/schema/users/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()["components"]["schemas"]


def test_the_document_gives_the_contracts_limits(schemas):
    register = schemas["RegisterRequest"]["properties"]
    token = schemas["TokenRequest"]["properties"]
    profile = schemas["PatchedProfileUpdateRequest"]["properties"]

    for fields in (register, token):
        assert (fields["email"]["minLength"], fields["email"]["maxLength"]) == (1, EMAIL_MAX_LENGTH)
        assert (fields["password"]["minLength"], fields["password"]["maxLength"]) == (
            1,
            PASSWORD_MAX_LENGTH,
        )
    for fields in (register, profile):
        assert fields["display_name"]["maxLength"] == DISPLAY_NAME_MAX_LENGTH
        assert fields["display_name"]["minLength"] == 1
        assert not fields["display_name"].get("nullable")  # null is refused (NotNull)
    assert schemas["UserSummary"]["properties"]["display_name"]["maxLength"] == (
        DISPLAY_NAME_MAX_LENGTH
    )
    assert schemas["RegisterRequest"]["required"] == ["email", "password"]
