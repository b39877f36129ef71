"""Users' writes sent again with their Idempotency-Key are applied once, in the users database.

Login and refresh answer credentials, which are never stored: the key changes nothing there.
"""

import pytest

from services.users.models import IdempotentRequest, OutboxEvent, User
from services.users.tests.conftest import PASSWORD, assert_error, auth

pytestmark = pytest.mark.django_db(databases=["users"])

ME = "/api/users/me/"


def keyed(key: str = "k-1", **extra):
    return {"format": "json", "HTTP_IDEMPOTENCY_KEY": key, **extra}


def test_a_replayed_registration_answers_201_again_not_a_taken_email(api_client):
    body = {"email": "ada@example.com", "password": PASSWORD}
    first = api_client.post("/api/auth/register/", body, **keyed())
    again = api_client.post("/api/auth/register/", body, **keyed())
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert User.objects.using("users").count() == 1


def test_a_replayed_profile_update_is_applied_once(api_client, user, login):
    access = login(user)["access"]
    first = api_client.patch(ME, {"display_name": "Ada"}, **keyed(**auth(access)))
    again = api_client.patch(ME, {"display_name": "Ada"}, **keyed(**auth(access)))
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    other = api_client.patch(ME, {"display_name": "Bea"}, **keyed(**auth(access)))
    assert_error(other, 422, "idempotency_key_reused")
    assert User.objects.using("users").get(pk=user.pk).display_name == "Ada"


def test_a_replayed_account_deletion_answers_204_and_publishes_once(api_client, user, login):
    access = login(user)["access"]
    first = api_client.delete(ME, **keyed(**auth(access)))
    again = api_client.delete(ME, **keyed(**auth(access)))
    assert first.status_code == again.status_code == 204
    assert again["Idempotent-Replayed"] == "true"
    assert [row.type for row in OutboxEvent.objects.using("users").all()] == ["user.deleted"]
    # Without its key the same request is a new one: the account is gone.
    assert api_client.delete(ME, **auth(access)).status_code == 401


def test_a_replayed_logout_is_204_again(api_client, user, login):
    pair = login(user)
    body = {"refresh": pair["refresh"]}
    first = api_client.post("/api/auth/logout/", body, **keyed(**auth(pair["access"])))
    again = api_client.post("/api/auth/logout/", body, **keyed(**auth(pair["access"])))
    assert first.status_code == again.status_code == 204
    assert again["Idempotent-Replayed"] == "true"


def test_login_and_refresh_store_no_credentials(api_client, user):
    body = {"email": user.email, "password": PASSWORD}
    first = api_client.post("/api/auth/token/", body, **keyed())
    again = api_client.post("/api/auth/token/", body, **keyed())
    assert first.status_code == again.status_code == 200
    assert "Idempotent-Replayed" not in again
    refreshed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": first.json()["refresh"]}, **keyed("k-2")
    )
    assert refreshed.status_code == 200
    assert not IdempotentRequest.objects.using("users").exists()


def test_a_malformed_key_is_400_and_registers_nobody(api_client):
    body = {"email": "ada@example.com", "password": PASSWORD}
    response = api_client.post("/api/auth/register/", body, **keyed(""))
    assert list(assert_error(response, 400, "validation_error")) == ["Idempotency-Key"]
    assert not User.objects.using("users").exists()


def test_a_401_is_not_stored_so_the_key_works_with_a_fresh_token(api_client, user, login):
    refused = api_client.patch(ME, {"display_name": "Ada"}, **keyed(HTTP_AUTHORIZATION="Bearer x"))
    assert refused.status_code == 401
    access = login(user)["access"]
    accepted = api_client.patch(ME, {"display_name": "Ada"}, **keyed(**auth(access)))
    assert accepted.status_code == 200
    assert "Idempotent-Replayed" not in accepted


def test_gets_ignore_the_header(api_client, user, login):
    access = login(user)["access"]
    response = api_client.get(ME, HTTP_IDEMPOTENCY_KEY="", **auth(access))
    assert response.status_code == 200
    assert not IdempotentRequest.objects.using("users").exists()
