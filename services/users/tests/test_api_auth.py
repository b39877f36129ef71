"""The auth endpoints over HTTP: register, token, refresh, logout and the JWKS document."""

import time

import jwt
import pytest

from services.users.models import User
from services.users.services.user_service import UserService
from services.users.tests.conftest import PASSWORD, assert_error, assert_field_messages, auth
from shared.core.authentication.tokens import token_backend

pytestmark = pytest.mark.django_db(databases=["users"])

REGISTER = "/api/auth/register/"
TOKEN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
LOGOUT = "/api/auth/logout/"
JWKS = "/.well-known/jwks.json"


# --- register -------------------------------------------------------------------------------------


def test_register_creates_an_account_and_returns_it(api_client):
    response = api_client.post(
        REGISTER,
        {"email": " Carol@Example.COM ", "password": PASSWORD, "display_name": " Carol "},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"uuid", "email", "display_name", "date_joined"}
    assert body["email"] == "carol@example.com"
    assert body["display_name"] == "Carol"
    user = User.objects.using("users").get(email="carol@example.com")
    assert body["uuid"] == str(user.uuid)
    assert body["date_joined"].startswith(user.date_joined.strftime("%Y-%m-%dT%H:%M:%S"))


def test_register_defaults_the_display_name_to_the_email_local_part(api_client):
    response = api_client.post(
        REGISTER, {"email": "dave.d@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["display_name"] == "dave.d"


def test_registered_account_can_log_in(api_client, login):
    api_client.post(REGISTER, {"email": "Erin@example.com", "password": PASSWORD}, format="json")

    assert set(login("erin@example.com")) == {"access", "refresh"}


@pytest.mark.parametrize("email", ["alice@example.com", "ALICE@EXAMPLE.COM"])
def test_register_with_a_taken_email_in_any_case_is_400_on_email(api_client, user, email):
    response = api_client.post(REGISTER, {"email": email, "password": PASSWORD}, format="json")

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["email"]
    assert_field_messages(details, "email")


LOOK_ALIKES = {
    "full-width-e": "alice@\uff45xample.com",
    "zero-width-space": "alice@exam\u200bple.com",
    "quoted-local-part": '"alice"@example.com',
    "bidi-override": "alice@\u202eexample.com",
}


@pytest.mark.parametrize("look_alike", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_register_with_a_look_alike_of_a_taken_email_is_400_on_email(api_client, user, look_alike):
    response = api_client.post(REGISTER, {"email": look_alike, "password": PASSWORD}, format="json")

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["email"]
    assert_field_messages(details, "email")
    assert User.objects.using("users").count() == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("bob@b\u00fccher.example", "bob@xn--bcher-kva.example"),
        ("bob@xn--bcher-kva.example", "bob@b\u00fccher.example"),
    ],
    ids=["unicode-then-punycode", "punycode-then-unicode"],
)
def test_register_with_the_other_form_of_a_taken_international_domain_is_400_on_email(
    api_client, first, second
):
    created = api_client.post(REGISTER, {"email": first, "password": PASSWORD}, format="json")
    response = api_client.post(REGISTER, {"email": second, "password": PASSWORD}, format="json")

    assert created.status_code == 201
    assert created.json()["email"] == "bob@xn--bcher-kva.example"
    details = assert_error(response, 400, "validation_error")
    assert details == {"email": ["A user with this email already exists."]}


def test_register_with_a_password_of_only_whitespace_is_400_on_password(api_client):
    response = api_client.post(
        REGISTER, {"email": "frank@example.com", "password": " " * 16}, format="json"
    )

    details = assert_error(response, 400, "validation_error")
    assert details == {
        "password": ["This password is made only of whitespace or invisible characters."]
    }
    assert not User.objects.using("users").exists()


def test_register_with_a_weak_password_is_400_on_password(api_client):
    response = api_client.post(
        REGISTER, {"email": "frank@example.com", "password": "12345"}, format="json"
    )

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["password"]
    assert len(details["password"]) >= 2  # too short, too common, entirely numeric
    assert not User.objects.using("users").exists()


def test_register_with_malformed_json_is_400_parse_error(api_client):
    response = api_client.post(REGISTER, data=b'{"email": ', content_type="application/json")

    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"email", "password"}),
        ({"email": "not-an-email", "password": PASSWORD}, {"email"}),
        ({"email": ["a@example.com"], "password": PASSWORD}, {"email"}),
        ({"email": "g@example.com", "password": {"x": 1}}, {"password"}),
        ({"email": "g@example.com", "password": PASSWORD, "display_name": ["G"]}, {"display_name"}),
        ({"email": "g@example.com", "password": PASSWORD, "display_name": True}, {"display_name"}),
        ({"email": "g@example.com", "password": PASSWORD, "display_name": None}, {"display_name"}),
        ({"email": "g@example.com", "password": PASSWORD, "display_name": "   "}, {"display_name"}),
        (
            {"email": "g@example.com", "password": PASSWORD, "display_name": "x" * 101},
            {"display_name"},
        ),
    ],
    ids=[
        "missing",
        "malformed-email",
        "email-list",
        "password-object",
        "name-list",
        "name-bool",
        "name-null",
        "name-blank",
        "name-too-long",
    ],
)
def test_register_with_invalid_fields_is_400_naming_them(api_client, body, fields):
    response = api_client.post(REGISTER, body, format="json")

    details = assert_error(response, 400, "validation_error")
    assert set(details) == fields
    for field in fields:
        assert_field_messages(details, field)
    assert not User.objects.using("users").exists()


def test_register_with_a_json_array_body_is_400_non_field_error(api_client):
    response = api_client.post(REGISTER, data=b"[]", content_type="application/json")

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["non_field_errors"]


def test_register_accepts_a_display_name_of_100_characters(api_client):
    response = api_client.post(
        REGISTER,
        {"email": "h@example.com", "password": PASSWORD, "display_name": "x" * 100},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["display_name"] == "x" * 100


def test_register_never_returns_the_password(api_client):
    response = api_client.post(
        REGISTER, {"email": "i@example.com", "password": PASSWORD}, format="json"
    )

    assert PASSWORD not in response.content.decode()


# --- token ----------------------------------------------------------------------------------------


def test_token_returns_an_access_and_a_refresh_token(api_client, user):
    response = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_access_token_has_the_documented_header_and_claims(api_client, user):
    before = int(time.time())
    response = api_client.post(
        TOKEN, {"email": "ALICE@example.com", "password": PASSWORD}, format="json"
    )
    access = response.json()["access"]

    header = jwt.get_unverified_header(access)
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert header["kid"] == api_client.get(JWKS).json()["keys"][0]["kid"]
    payload = jwt.decode(access, options={"verify_signature": False})
    assert payload["sub"] == str(user.uuid)
    assert payload["iss"] == "users"
    assert payload["aud"] == "api"
    assert payload["token_type"] == "access"
    assert isinstance(payload["jti"], str)
    assert payload["jti"]
    assert before - 1 <= payload["iat"] <= int(time.time()) + 1
    assert payload["exp"] - payload["iat"] == 5 * 60


def test_refresh_token_has_the_same_subject_and_its_own_type(api_client, user, login):
    pair = login(user)

    payload = token_backend().decode(pair["refresh"])

    assert payload["sub"] == str(user.uuid)
    assert payload["token_type"] == "refresh"
    assert jwt.get_unverified_header(pair["refresh"])["alg"] == "RS256"


def test_each_login_issues_distinct_tokens(user, login):
    first, second = login(user), login(user)

    assert first["refresh"] != second["refresh"]
    assert first["access"] != second["access"]


@pytest.mark.parametrize(
    ("email", "password"),
    [("alice@example.com", "wrong-password-123"), ("nobody@example.com", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_token_with_bad_credentials_is_401_authentication_failed(api_client, user, email, password):
    response = api_client.post(TOKEN, {"email": email, "password": password}, format="json")

    assert_error(response, 401, "authentication_failed")


def test_token_with_the_full_width_spelling_of_the_email_logs_in(api_client, user, login):
    pair = login("\uff41lice@\uff45xample.com")

    assert token_backend().decode(pair["access"])["sub"] == str(user.uuid)


@pytest.mark.parametrize("email", ["alice@exam\u200bple.com", '"alice"@example.com'])
def test_token_with_an_email_that_normalisation_refuses_is_401(api_client, user, email):
    response = api_client.post(TOKEN, {"email": email, "password": PASSWORD}, format="json")

    assert_error(response, 401, "authentication_failed")


def test_token_for_a_deleted_account_is_401_authentication_failed(api_client, user):
    UserService().deactivate(actor_uuid=user.uuid)

    response = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")

    assert_error(response, 401, "authentication_failed")


def test_token_without_credentials_is_400_naming_the_fields(api_client):
    response = api_client.post(TOKEN, {}, format="json")

    details = assert_error(response, 400, "validation_error")
    assert set(details) == {"email", "password"}


# --- refresh --------------------------------------------------------------------------------------


def test_refresh_returns_a_new_pair(api_client, user, login):
    pair = login(user)

    response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 200
    rotated = response.json()
    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != pair["refresh"]
    assert token_backend().decode(rotated["access"])["sub"] == str(user.uuid)
    assert api_client.get("/api/users/me/", **auth(rotated["access"])).status_code == 200


def test_rotated_refresh_token_refreshes_again(api_client, user, login):
    pair = login(user)
    rotated = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").json()

    response = api_client.post(REFRESH, {"refresh": rotated["refresh"]}, format="json")

    assert response.status_code == 200


def test_refresh_with_a_used_refresh_token_is_401(api_client, user, login):
    pair = login(user)
    api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")

    response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")

    assert_error(response, 401, "authentication_failed")


def test_refresh_with_a_logged_out_refresh_token_is_401(api_client, user, login):
    pair = login(user)
    api_client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json", **auth(pair["access"]))

    response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")

    assert_error(response, 401, "authentication_failed")


def test_refresh_with_a_deleted_accounts_refresh_token_is_401(api_client, user, login):
    pair = login(user)
    api_client.delete("/api/users/me/", **auth(pair["access"]))

    response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")

    assert_error(response, 401, "authentication_failed")


@pytest.mark.parametrize("refresh", ["garbage", "a.b.c"])
def test_refresh_with_a_malformed_token_is_401(api_client, refresh):
    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert_error(response, 401, "authentication_failed")


def test_refresh_with_an_access_token_is_401(api_client, user, login):
    pair = login(user)

    response = api_client.post(REFRESH, {"refresh": pair["access"]}, format="json")

    assert_error(response, 401, "authentication_failed")


def test_refresh_without_a_token_is_400_on_refresh(api_client):
    response = api_client.post(REFRESH, {}, format="json")

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["refresh"]


# --- logout ---------------------------------------------------------------------------------------


def test_logout_is_204_and_revokes_the_refresh_token(api_client, user, login):
    pair = login(user)

    response = api_client.post(
        LOGOUT, {"refresh": pair["refresh"]}, format="json", **auth(pair["access"])
    )

    assert response.status_code == 204
    assert response.content == b""
    refused = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert refused.status_code == 401


def test_logout_without_an_access_token_is_401_not_authenticated(api_client, user, login):
    pair = login(user)

    response = api_client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 200


def test_logout_with_a_refresh_token_as_bearer_is_401(api_client, user, login):
    pair = login(user)

    response = api_client.post(
        LOGOUT, {"refresh": pair["refresh"]}, format="json", **auth(pair["refresh"])
    )

    assert_error(response, 401, "authentication_failed")


def test_logout_of_someone_elses_refresh_token_is_400_on_refresh(
    api_client, user, make_user, login
):
    mine = login(user)
    theirs = login(make_user())

    response = api_client.post(
        LOGOUT, {"refresh": theirs["refresh"]}, format="json", **auth(mine["access"])
    )

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["refresh"]
    assert (
        api_client.post(REFRESH, {"refresh": theirs["refresh"]}, format="json").status_code == 200
    )


def test_logout_of_an_already_revoked_refresh_token_is_204(api_client, user, login):
    pair = login(user)
    rotated = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").json()

    first = api_client.post(
        LOGOUT, {"refresh": pair["refresh"]}, format="json", **auth(rotated["access"])
    )
    second = api_client.post(
        LOGOUT, {"refresh": pair["refresh"]}, format="json", **auth(rotated["access"])
    )

    assert (first.status_code, second.status_code) == (204, 204)


@pytest.mark.parametrize("refresh", ["garbage", "access"])
def test_logout_with_something_other_than_a_refresh_token_is_400_on_refresh(
    api_client, user, login, refresh
):
    pair = login(user)
    value = pair["access"] if refresh == "access" else refresh

    response = api_client.post(LOGOUT, {"refresh": value}, format="json", **auth(pair["access"]))

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["refresh"]


def test_logout_without_a_refresh_token_is_400_on_refresh(api_client, user, login):
    pair = login(user)

    response = api_client.post(LOGOUT, {}, format="json", **auth(pair["access"]))

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["refresh"]


# --- JWKS -----------------------------------------------------------------------------------------


def test_jwks_publishes_one_rs256_signing_key(api_client):
    response = api_client.get(JWKS)

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["keys"]
    (key,) = body["keys"]
    assert set(key) == {"kty", "kid", "use", "alg", "n", "e"}
    assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS256")
    assert key["e"] == "AQAB"
    assert all(isinstance(key[name], str) and key[name] for name in ("kid", "n"))


def test_jwks_needs_no_authentication_and_ignores_a_bad_token(api_client):
    response = api_client.get(JWKS, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 200


def test_jwks_key_verifies_access_tokens_found_by_kid(api_client, user, login):
    access = login(user)["access"]
    keys = {key["kid"]: key for key in api_client.get(JWKS).json()["keys"]}

    public_key = jwt.PyJWK.from_dict(keys[jwt.get_unverified_header(access)["kid"]]).key
    payload = jwt.decode(access, public_key, algorithms=["RS256"], audience="api", issuer="users")

    assert payload["sub"] == str(user.uuid)


# --- envelope details common to the auth endpoints ------------------------------------------------


def test_an_error_response_echoes_a_well_formed_inbound_request_id(api_client):
    response = api_client.post(TOKEN, {}, format="json", HTTP_X_REQUEST_ID="req-42.a_b")

    assert response["X-Request-ID"] == "req-42.a_b"
    assert_error(response, 400, "validation_error")


def test_a_malformed_inbound_request_id_is_replaced(api_client):
    response = api_client.post(TOKEN, {}, format="json", HTTP_X_REQUEST_ID="bad id!")

    assert response["X-Request-ID"] != "bad id!"
    assert_error(response, 400, "validation_error")


def test_get_on_a_post_only_auth_endpoint_is_405(api_client):
    response = api_client.get(TOKEN)

    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_a_non_json_body_is_415(api_client):
    response = api_client.post(
        TOKEN, data="email=a", content_type="application/x-www-form-urlencoded"
    )

    assert_error(response, 415, "unsupported_media_type")
