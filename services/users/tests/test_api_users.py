"""The account endpoints over HTTP: /api/users/me/, public profiles and what guards them."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings

from services.users.models import OutboxEvent, User
from services.users.services.user_service import UserService
from services.users.tests.conftest import PASSWORD, assert_error, auth
from shared.core.authentication.keys import jwk_thumbprint
from shared.core.testing import mint_token, signing_key

pytestmark = pytest.mark.django_db(databases=["users"])

ME = "/api/users/me/"


def profile_url(user_uuid) -> str:
    return f"/api/users/{user_uuid}/"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forged_token(header: dict, payload: dict, sign) -> str:
    """A JWT assembled by hand, so that libraries cannot refuse to build a bad one."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{sign(signing_input.encode())}"


def access_claims(user: User) -> dict:
    now = int(time.time())
    return {
        "token_type": "access",
        "sub": str(user.uuid),
        "iss": settings.SIMPLE_JWT["ISSUER"],
        "aud": settings.SIMPLE_JWT["AUDIENCE"],
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }


@pytest.fixture
def session(user, login) -> dict[str, str]:
    return login(user)


# --- GET /api/users/me/ ---------------------------------------------------------------------------


def test_me_returns_the_callers_account(api_client, user, session):
    response = api_client.get(ME, **auth(session["access"]))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"uuid", "email", "display_name", "date_joined"}
    assert (body["uuid"], body["email"], body["display_name"]) == (
        str(user.uuid),
        "alice@example.com",
        "Alice",
    )


def test_me_without_a_token_is_401_not_authenticated(api_client):
    response = api_client.get(ME)

    assert_error(response, 401, "not_authenticated")
    assert "WWW-Authenticate" in response


def test_me_with_a_garbage_token_is_401_authentication_failed(api_client):
    response = api_client.get(ME, **auth("not-a-token"))

    assert_error(response, 401, "authentication_failed")


# --- PATCH /api/users/me/ -------------------------------------------------------------------------


def test_patch_me_changes_the_display_name(api_client, user, session):
    response = api_client.patch(
        ME, {"display_name": "  Alice Liddell "}, format="json", **auth(session["access"])
    )

    assert response.status_code == 200
    assert response.json()["display_name"] == "Alice Liddell"
    assert User.objects.using("users").get(pk=user.pk).display_name == "Alice Liddell"
    assert api_client.get(ME, **auth(session["access"])).json()["display_name"] == "Alice Liddell"


def test_patch_me_ignores_every_field_but_the_display_name(api_client, user, session):
    before = api_client.get(ME, **auth(session["access"])).json()

    response = api_client.patch(
        ME,
        {
            "display_name": "Renamed",
            "email": "mallory@example.com",
            "uuid": str(uuid.uuid4()),
            "date_joined": "2000-01-01T00:00:00Z",
            "password": "new-password-456",
            "is_staff": True,
            "is_active": False,
        },
        format="json",
        **auth(session["access"]),
    )

    assert response.status_code == 200
    assert response.json() == {**before, "display_name": "Renamed"}
    stored = User.objects.using("users").get(pk=user.pk)
    assert (stored.email, stored.is_staff, stored.is_active) == ("alice@example.com", False, True)
    assert stored.check_password(PASSWORD)


def test_patch_me_with_an_empty_body_changes_nothing(api_client, session):
    before = api_client.get(ME, **auth(session["access"])).json()

    response = api_client.patch(ME, {}, format="json", **auth(session["access"]))

    assert response.status_code == 200
    assert response.json() == before


@pytest.mark.parametrize("display_name", ["", "   ", "x" * 101, None, ["A"], {"a": 1}])
def test_patch_me_with_an_invalid_display_name_is_400(api_client, user, session, display_name):
    response = api_client.patch(
        ME, {"display_name": display_name}, format="json", **auth(session["access"])
    )

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["display_name"]
    assert User.objects.using("users").get(pk=user.pk).display_name == "Alice"


def test_patch_me_without_a_token_is_401(api_client):
    response = api_client.patch(ME, {"display_name": "X"}, format="json")

    assert_error(response, 401, "not_authenticated")


# --- DELETE /api/users/me/ ------------------------------------------------------------------------


def test_delete_me_is_204_and_deactivates_the_account(api_client, user, session):
    response = api_client.delete(ME, **auth(session["access"]))

    assert response.status_code == 204
    assert response.content == b""
    assert User.objects.using("users").get(pk=user.pk).is_active is False


def test_delete_me_publishes_user_deleted_with_the_requests_id(api_client, user, session):
    response = api_client.delete(ME, **auth(session["access"]), HTTP_X_REQUEST_ID="trace-me-1")

    assert response["X-Request-ID"] == "trace-me-1"
    event = OutboxEvent.objects.using("users").get()
    assert (event.type, event.aggregate_id) == ("user.deleted", str(user.uuid))
    assert event.request_id == event.payload["request_id"] == "trace-me-1"


def test_after_delete_me_the_access_token_is_refused(api_client, user, make_user, session):
    other = make_user()
    api_client.delete(ME, **auth(session["access"]))

    assert_error(api_client.get(ME, **auth(session["access"])), 401, "authentication_failed")
    assert_error(
        api_client.get(profile_url(other.uuid), **auth(session["access"])),
        401,
        "authentication_failed",
    )
    assert_error(api_client.delete(ME, **auth(session["access"])), 401, "authentication_failed")


def test_after_delete_me_the_refresh_token_is_refused(api_client, session):
    api_client.delete(ME, **auth(session["access"]))

    response = api_client.post(
        "/api/auth/token/refresh/", {"refresh": session["refresh"]}, format="json"
    )

    assert_error(response, 401, "authentication_failed")


def test_after_delete_me_login_is_refused(api_client, user, session):
    api_client.delete(ME, **auth(session["access"]))

    response = api_client.post(
        "/api/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    assert_error(response, 401, "authentication_failed")


def test_after_delete_me_the_email_cannot_be_registered_again(api_client, user, session):
    api_client.delete(ME, **auth(session["access"]))

    response = api_client.post(
        "/api/auth/register/", {"email": "Alice@Example.com", "password": PASSWORD}, format="json"
    )

    details = assert_error(response, 400, "validation_error")
    assert list(details) == ["email"]


def test_delete_me_without_a_token_is_401(api_client, user):
    response = api_client.delete(ME)

    assert_error(response, 401, "not_authenticated")
    assert User.objects.using("users").get(pk=user.pk).is_active is True


# --- GET /api/users/{uuid}/ -----------------------------------------------------------------------


def test_profile_shows_only_uuid_and_display_name_to_any_user(api_client, make_user, session):
    other = make_user(email="bob@example.com", display_name="Bob")

    response = api_client.get(profile_url(other.uuid), **auth(session["access"]))

    assert response.status_code == 200
    assert response.json() == {"uuid": str(other.uuid), "display_name": "Bob"}


def test_profile_of_the_caller_itself_is_shown(api_client, user, session):
    response = api_client.get(profile_url(user.uuid), **auth(session["access"]))

    assert response.json() == {"uuid": str(user.uuid), "display_name": "Alice"}


def test_profile_accepts_an_upper_case_uuid(api_client, make_user, session):
    other = make_user()

    response = api_client.get(profile_url(str(other.uuid).upper()), **auth(session["access"]))

    assert response.status_code == 200
    assert response.json()["uuid"] == str(other.uuid)


def test_profile_of_a_deleted_account_is_404(api_client, make_user, session):
    other = make_user()
    UserService().deactivate(actor_uuid=other.uuid)

    response = api_client.get(profile_url(other.uuid), **auth(session["access"]))

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("user_uuid", [str(uuid.uuid4()), "not-a-uuid", "12345"])
def test_profile_of_an_unknown_or_malformed_uuid_is_404(api_client, session, user_uuid):
    response = api_client.get(profile_url(user_uuid), **auth(session["access"]))

    assert_error(response, 404, "not_found")


def test_profile_without_a_token_is_401(api_client, make_user):
    other = make_user()

    response = api_client.get(profile_url(other.uuid))

    assert_error(response, 401, "not_authenticated")


# --- tokens the API must refuse -------------------------------------------------------------------


def test_a_token_with_alg_none_is_401(api_client, user):
    token = forged_token({"alg": "none", "typ": "JWT"}, access_claims(user), lambda _: "")

    assert_error(api_client.get(ME, **auth(token)), 401, "authentication_failed")


def test_an_hs256_token_signed_with_the_public_key_as_secret_is_401(api_client, user):
    public_pem = settings.SIMPLE_JWT["VERIFYING_KEY"]
    header = {"alg": "HS256", "typ": "JWT", "kid": jwk_thumbprint(public_pem)}

    def sign(signing_input: bytes) -> str:
        return _b64(hmac.new(public_pem.encode(), signing_input, hashlib.sha256).digest())

    token = forged_token(header, access_claims(user), sign)

    assert_error(api_client.get(ME, **auth(token)), 401, "authentication_failed")


def test_a_token_with_a_tampered_payload_is_401(api_client, user, make_user, session):
    other = make_user()
    header, _, signature = session["access"].split(".")
    payload = _b64(json.dumps({**access_claims(user), "sub": str(other.uuid)}).encode())

    response = api_client.get(ME, **auth(f"{header}.{payload}.{signature}"))

    assert_error(response, 401, "authentication_failed")


@pytest.mark.parametrize(
    "overrides",
    [
        {"token_type": "refresh"},
        {"lifetime": timedelta(seconds=-60)},
        {"aud": "another-audience"},
        {"iss": "someone-else"},
        {"sub": "not-a-uuid"},
    ],
    ids=["refresh-as-access", "expired", "wrong-audience", "wrong-issuer", "bad-subject"],
)
def test_a_token_with_wrong_claims_is_401(api_client, user, overrides):
    claims = dict(overrides)
    token = mint_token(claims.pop("sub", user.uuid), **claims)

    assert_error(api_client.get(ME, **auth(token)), 401, "authentication_failed")


def test_a_well_signed_token_for_an_unknown_subject_is_401(api_client, user):
    token = mint_token(uuid.uuid4())

    assert_error(api_client.get(ME, **auth(token)), 401, "authentication_failed")


def test_a_hand_built_rs256_token_is_accepted(api_client, user):
    """The control for the forged tokens above: built the same way, but signed correctly."""
    public_pem = settings.SIMPLE_JWT["VERIFYING_KEY"]
    header = {"alg": "RS256", "typ": "JWT", "kid": jwk_thumbprint(public_pem)}
    private_key = serialization.load_pem_private_key(signing_key().encode(), password=None)

    def sign(signing_input: bytes) -> str:
        return _b64(private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256()))

    token = forged_token(header, access_claims(user), sign)

    assert api_client.get(ME, **auth(token)).status_code == 200


# --- Django's own errors, in the envelope ---------------------------------------------------------


def test_a_path_without_its_trailing_slash_is_404_not_a_redirect(api_client, session):
    response = api_client.get("/api/users/me", **auth(session["access"]))

    assert_error(response, 404, "not_found")
    assert "Location" not in response


def test_an_unknown_url_is_a_json_404(api_client):
    response = api_client.get("/api/users/me/extra/")

    assert_error(response, 404, "not_found")
    assert_error(api_client.get("/no/such/page/"), 404, "not_found")


def test_a_body_over_one_mebibyte_is_413(api_client, session):
    body = json.dumps({"display_name": "x" * (2 * 1024 * 1024)})

    response = api_client.patch(
        ME, data=body, content_type="application/json", **auth(session["access"])
    )

    details = assert_error(response, 413, "payload_too_large")
    assert details == {"max_bytes": 1024 * 1024}


def test_an_unsupported_method_on_me_is_405(api_client, session):
    response = api_client.put(ME, {"display_name": "X"}, format="json", **auth(session["access"]))

    assert_error(response, 405, "method_not_allowed")
