"""The users API end to end, the same in every topology: registration, tokens, profiles, deletion.

What account deletion guarantees: at once, the users service refuses the account's tokens and
refresh tokens, keeps its email taken and hides its public profile; once user.deleted has reached
projects (at once in the monolith, eventually in split mode), the projects it owned are gone.
"""

import time
import uuid

import pytest

from tests_e2e.api import (
    PASSWORD,
    Account,
    add_member,
    api_client,
    assert_envelope,
    assert_field_errors,
    assert_request_id,
    bearer,
    create_project,
    login,
    register,
    register_and_login,
    shared_account,
    unique_email,
)


@pytest.fixture
def api(base_url):
    with api_client(base_url) as client:
        yield client


@pytest.fixture
def reader(api) -> Account:
    """An account the tests only read with."""
    return shared_account(api, "Reader")


# --- registration ----------------------------------------------------------------------------


def test_register_lowercases_the_email_and_defaults_the_display_name(api):
    local = f"Ada.Lovelace-{uuid.uuid4().hex[:8]}"
    response = api.post(
        "/api/auth/register/", json={"email": f"{local}@Example.COM", "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    assert_request_id(response)
    user = response.json()
    assert set(user) == {"uuid", "email", "display_name", "date_joined"}
    assert user["email"] == f"{local.lower()}@example.com"
    assert user["display_name"] == local.lower()
    assert uuid.UUID(user["uuid"])
    assert user["date_joined"]
    # The same mailbox in another case is taken.
    again = api.post(
        "/api/auth/register/", json={"email": f"{local.upper()}@EXAMPLE.com", "password": PASSWORD}
    )
    assert_field_errors(again, "email")


def test_register_keeps_a_display_name_of_one_to_a_hundred_characters(api):
    user = register(api, "N" * 100)
    assert user["display_name"] == "N" * 100


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"email", "password"}),
        ({"email": "not-an-email", "password": PASSWORD}, {"email"}),
        ({"email": "not-an-email", "password": "12345678"}, {"email"}),
        ({"email": "EMAIL", "password": "short"}, {"password"}),
        ({"email": "EMAIL", "password": "password123"}, {"password"}),
        ({"email": "EMAIL", "password": "83920174639"}, {"password"}),
        ({"email": "EMAIL", "password": " " * 12}, {"password"}),
        ({"email": "EMAIL", "password": PASSWORD, "display_name": "   "}, {"display_name"}),
        ({"email": "EMAIL", "password": PASSWORD, "display_name": "x" * 101}, {"display_name"}),
    ],
    ids=[
        "missing",
        "bad-email",
        "bad-email-and-password",
        "too-short",
        "common",
        "numeric",
        "blank-password",
        "blank-name",
        "long-name",
    ],
)
def test_register_refuses_invalid_input_per_field(api, body, fields):
    body = {name: unique_email("v") if value == "EMAIL" else value for name, value in body.items()}
    assert_field_errors(api.post("/api/auth/register/", json=body), *fields)


def test_register_refuses_an_email_taken_in_another_case(api, reader):
    response = api.post(
        "/api/auth/register/", json={"email": reader.email.upper(), "password": PASSWORD}
    )
    assert_field_errors(response, "email")


# --- tokens ------------------------------------------------------------------------------------


def test_login_gives_a_pair_for_any_spelling_of_the_email(api, reader):
    tokens = login(api, reader.email.upper())
    assert set(tokens) == {"access", "refresh"}
    me = api.get("/api/users/me/", headers=bearer(tokens["access"]))
    assert me.status_code == 200, me.text
    assert me.json()["uuid"] == reader.uuid


@pytest.mark.parametrize("case", ["wrong-password", "unknown-email", "not-an-email"])
def test_login_with_bad_credentials_is_401(api, reader, case):
    body = {
        "wrong-password": {"email": reader.email, "password": PASSWORD + "x"},
        "unknown-email": {"email": unique_email("nobody"), "password": PASSWORD},
        "not-an-email": {"email": "nobody", "password": PASSWORD},
    }[case]
    assert_envelope(api.post("/api/auth/token/", json=body), 401, "authentication_failed")


def test_login_without_credentials_is_400(api):
    assert_field_errors(api.post("/api/auth/token/", json={}), "email", "password")


def test_refresh_rotates_once(api):
    account = register_and_login(api, "Rotator")
    rotated = api.post("/api/auth/token/refresh/", json={"refresh": account.refresh})
    assert rotated.status_code == 200, rotated.text
    pair = rotated.json()
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != account.refresh
    assert api.get("/api/users/me/", headers=bearer(pair["access"])).status_code == 200
    # The used refresh token is spent; the new one works, once.
    used = api.post("/api/auth/token/refresh/", json={"refresh": account.refresh})
    assert_envelope(used, 401, "authentication_failed")
    again = api.post("/api/auth/token/refresh/", json={"refresh": pair["refresh"]})
    assert again.status_code == 200, again.text


@pytest.mark.parametrize("refresh", ["garbage", "a.b.c", ""], ids=["garbage", "dots", "empty"])
def test_refresh_with_an_invalid_token(api, refresh):
    response = api.post("/api/auth/token/refresh/", json={"refresh": refresh})
    if refresh == "":
        assert_field_errors(response, "refresh")
    else:
        assert_envelope(response, 401, "authentication_failed")


def test_refresh_with_an_access_token_is_401(api, reader):
    response = api.post("/api/auth/token/refresh/", json={"refresh": reader.access})
    assert_envelope(response, 401, "authentication_failed")


def test_logout_revokes_the_refresh_token_and_is_idempotent(api):
    account = register_and_login(api, "Leaver")
    out = api.post("/api/auth/logout/", json={"refresh": account.refresh}, headers=account.auth)
    assert out.status_code == 204, out.text
    assert out.content == b""
    assert_request_id(out)
    refused = api.post("/api/auth/token/refresh/", json={"refresh": account.refresh})
    assert_envelope(refused, 401, "authentication_failed")
    again = api.post("/api/auth/logout/", json={"refresh": account.refresh}, headers=account.auth)
    assert again.status_code == 204, again.text
    # Logout revokes the refresh token only; the access token lives until it expires.
    assert api.get("/api/users/me/", headers=account.auth).status_code == 200


def test_logout_refuses_another_users_refresh_token(api, reader):
    other = register_and_login(api, "Victim")
    response = api.post("/api/auth/logout/", json={"refresh": other.refresh}, headers=reader.auth)
    assert_field_errors(response, "refresh")
    # ... and the victim's token still works.
    rotated = api.post("/api/auth/token/refresh/", json={"refresh": other.refresh})
    assert rotated.status_code == 200, rotated.text


@pytest.mark.parametrize("case", ["garbage", "access-token", "missing"])
def test_logout_refuses_what_is_not_a_refresh_token(api, reader, case):
    body = {"garbage": {"refresh": "garbage"}, "access-token": {"refresh": reader.access}}
    response = api.post("/api/auth/logout/", json=body.get(case, {}), headers=reader.auth)
    assert_field_errors(response, "refresh")


def test_logout_needs_an_access_token(api, reader):
    response = api.post("/api/auth/logout/", json={"refresh": reader.refresh})
    assert_envelope(response, 401, "not_authenticated")
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_jwks_publishes_the_public_key_only(api):
    response = api.get("/.well-known/jwks.json")
    assert response.status_code == 200, response.text
    assert_request_id(response)
    [key] = response.json()["keys"]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert key["kid"]
    assert key["n"]
    assert key["e"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


# --- profiles ----------------------------------------------------------------------------------


def test_me_shows_the_account(api, reader):
    response = api.get("/api/users/me/", headers=reader.auth)
    assert response.status_code == 200, response.text
    me = response.json()
    assert set(me) == {"uuid", "email", "display_name", "date_joined"}
    assert (me["uuid"], me["email"], me["display_name"]) == (
        reader.uuid,
        reader.email,
        reader.display_name,
    )


def test_patch_me_changes_only_the_display_name(api):
    account = register_and_login(api, "Renamer")
    response = api.patch(
        "/api/users/me/",
        json={
            "display_name": "  Grace  ",
            "email": unique_email("hijack"),
            "uuid": str(uuid.uuid4()),
            "date_joined": "2000-01-01T00:00:00Z",
            "password": "x",
        },
        headers=account.auth,
    )
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["display_name"] == "Grace"
    assert me["email"] == account.email
    assert me["uuid"] == account.uuid
    assert api.get(f"/api/users/{account.uuid}/", headers=account.auth).json() == {
        "uuid": account.uuid,
        "display_name": "Grace",
    }
    # An empty PATCH changes nothing; the password was not changed by the ignored field.
    assert api.patch("/api/users/me/", json={}, headers=account.auth).json() == me
    assert login(api, account.email)["access"]


@pytest.mark.parametrize(
    "name", ["", "   ", "x" * 101, None], ids=["empty", "blank", "long", "null"]
)
def test_patch_me_refuses_a_bad_display_name(api, reader, name):
    response = api.patch("/api/users/me/", json={"display_name": name}, headers=reader.auth)
    assert_field_errors(response, "display_name")


def test_public_profile_shows_uuid_and_display_name_only(api, reader):
    other = shared_account(api, "Profiled")
    response = api.get(f"/api/users/{other.uuid}/", headers=reader.auth)
    assert response.status_code == 200, response.text
    assert response.json() == {"uuid": other.uuid, "display_name": other.display_name}


@pytest.mark.parametrize("user", ["unknown", "malformed"])
def test_public_profile_of_no_one_is_404(api, reader, user):
    path = {"unknown": str(uuid.uuid4()), "malformed": "not-a-uuid"}[user]
    assert_envelope(api.get(f"/api/users/{path}/", headers=reader.auth), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/users/me/"),
        ("PATCH", "/api/users/me/"),
        ("DELETE", "/api/users/me/"),
        ("GET", "/api/users/00000000-0000-0000-0000-000000000000/"),
        ("POST", "/api/auth/logout/"),
    ],
)
def test_anonymous_calls_are_401(api, method, path):
    response = api.request(method, path, json={} if method in {"PATCH", "POST"} else None)
    assert_envelope(response, 401, "not_authenticated")
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/auth/register/"),
        ("PUT", "/api/auth/register/"),
        ("GET", "/api/auth/token/"),
        ("DELETE", "/api/auth/token/refresh/"),
        ("GET", "/api/auth/logout/"),
        ("POST", "/.well-known/jwks.json"),
        ("PUT", "/api/users/me/"),
        ("POST", "/api/users/me/"),
        ("DELETE", "/api/users/00000000-0000-0000-0000-000000000000/"),
    ],
)
def test_wrong_methods_are_405(api, reader, method, path):
    response = api.request(method, path, headers=reader.auth)
    assert_envelope(response, 405, "method_not_allowed")


@pytest.mark.parametrize(
    "path",
    [
        "/api/auth/register",
        "/api/auth/token",
        "/api/auth/token/refresh",
        "/api/auth/logout",
        "/api/users/me",
        "/api/users/00000000-0000-0000-0000-000000000000",
        "/.well-known/jwks.json/",
    ],
)
def test_paths_without_their_trailing_slash_are_404_not_redirects(api, reader, path):
    method = "POST" if path.startswith("/api/auth/") else "GET"
    response = api.request(method, path, json={}, headers=reader.auth)
    assert_envelope(response, 404, "not_found")
    assert "Location" not in response.headers


def test_malformed_json_is_a_parse_error(api):
    response = api.post(
        "/api/auth/register/", content=b'{"email": ', headers={"Content-Type": "application/json"}
    )
    assert_envelope(response, 400, "parse_error")


def test_a_form_body_is_an_unsupported_media_type(api):
    response = api.post("/api/auth/token/", data={"email": "a@example.com", "password": "x"})
    assert_envelope(response, 415, "unsupported_media_type")


# --- account deletion --------------------------------------------------------------------------


def test_deleting_the_account(api):
    """Nothing of a deleted account works any more, and its projects leave with it."""
    doomed = register_and_login(api, "Doomed")
    viewer = shared_account(api, "Viewer")
    project = create_project(api, doomed, name="Orphan")
    add_member(api, doomed, project["uuid"], viewer)
    spare_refresh = login(api, doomed.email)["refresh"]

    deleted = api.delete("/api/users/me/", headers=doomed.auth)
    assert deleted.status_code == 204, deleted.text
    assert deleted.content == b""

    # Its access token is refused by users at once, and so are all its refresh tokens.
    assert_envelope(api.get("/api/users/me/", headers=doomed.auth), 401, "authentication_failed")
    assert_envelope(api.delete("/api/users/me/", headers=doomed.auth), 401, "authentication_failed")
    for refresh in (doomed.refresh, spare_refresh):
        response = api.post("/api/auth/token/refresh/", json={"refresh": refresh})
        assert_envelope(response, 401, "authentication_failed")
    logout = api.post("/api/auth/logout/", json={"refresh": spare_refresh}, headers=doomed.auth)
    assert_envelope(logout, 401, "authentication_failed")
    # It cannot log in again, and its email stays taken, in any case.
    credentials = {"email": doomed.email, "password": PASSWORD}
    assert_envelope(api.post("/api/auth/token/", json=credentials), 401, "authentication_failed")
    for email in (doomed.email, doomed.email.upper()):
        again = api.post("/api/auth/register/", json={"email": email, "password": PASSWORD})
        assert_field_errors(again, "email")
    # Others no longer see its profile, nor, once user.deleted has reached projects (at once in
    # the monolith, eventually in split mode: tests_e2e/test_events.py), the projects it owned.
    profile = api.get(f"/api/users/{doomed.uuid}/", headers=viewer.auth)
    assert_envelope(profile, 404, "not_found")

    def its_project_is_gone() -> None:
        detail = api.get(f"/api/projects/{project['uuid']}/?expand=owner", headers=viewer.auth)
        assert_envelope(detail, 404, "not_found")
        listing = api.get("/api/projects/?expand=owner&page_size=100", headers=viewer.auth)
        assert "X-Degraded" not in listing.headers
        assert project["uuid"] not in [p["uuid"] for p in listing.json()["results"]]

    deadline = time.monotonic() + 45
    while True:
        try:
            its_project_is_gone()
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
    # It cannot be invited.
    own = create_project(api, viewer)
    invite = api.post(
        f"/api/projects/{own['uuid']}/members/", json={"email": doomed.email}, headers=viewer.auth
    )
    assert_field_errors(invite, "email")


def test_a_deleted_accounts_tokens_are_refused_even_with_a_new_request_id(api):
    doomed = register_and_login(api, "Gone")
    assert api.delete("/api/users/me/", headers=doomed.auth).status_code == 204
    response = api.get("/api/users/me/", headers={**doomed.auth, "X-Request-ID": "after-delete"})
    error = assert_envelope(response, 401, "authentication_failed")
    assert error["request_id"] == "after-delete"
