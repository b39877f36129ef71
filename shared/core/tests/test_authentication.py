"""Stateless RS256 authentication: who may in, who gets 401, and the ``kid`` tokens carry."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.conf import settings

from shared.core.authentication.keys import generate_rsa_keypair, jwk_thumbprint
from shared.core.authentication.tokens import AccessToken, KeyedTokenBackend, token_backend
from shared.core.testing import mint_token
from shared.core.tests.assertions import assert_error

USER = uuid.uuid4()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _valid_claims() -> dict[str, Any]:
    return jwt.decode(mint_token(USER), options={"verify_signature": False})


def _hand_made_token(header: dict[str, Any], hmac_secret: bytes | None) -> str:
    """A JWS built without PyJWT, which refuses to forge these on purpose."""
    signing_input = ".".join(_b64(json.dumps(part).encode()) for part in (header, _valid_claims()))
    signature = (
        hmac.new(hmac_secret, signing_input.encode(), hashlib.sha256).digest()
        if hmac_secret is not None
        else b""
    )
    return f"{signing_input}.{_b64(signature)}"


def get_me(client, token: str):
    return client.get("/me", headers={"Authorization": f"Bearer {token}"})


# --- Accepted ----------------------------------------------------------------------------------


def test_valid_token_authenticates_as_a_stateless_principal(client):
    response = get_me(client, mint_token(USER))

    assert response.status_code == 200
    assert response.json()["uuid"] == str(USER)


def test_authenticated_user_is_in_the_request_context(client):
    response = get_me(client, mint_token(USER))

    assert response.json()["context_user_uuid"] == str(USER)


def test_token_issued_by_the_access_token_class_authenticates(client):
    token = AccessToken()
    token["sub"] = str(USER)

    response = get_me(client, str(token))

    assert response.status_code == 200
    assert response.json()["uuid"] == str(USER)


def test_authentication_needs_no_database(client):
    # No django_db mark: any query would fail the test.
    assert get_me(client, mint_token(USER)).status_code == 200


# --- Refused -----------------------------------------------------------------------------------


def test_missing_header_is_not_authenticated(client):
    response = client.get("/me")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_other_authorization_scheme_is_not_authenticated(client):
    response = client.get("/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert_error(response, 401, "not_authenticated")


def test_bearer_header_with_extra_parts_fails(client):
    response = client.get("/me", headers={"Authorization": "Bearer one two"})

    assert_error(response, 401, "authentication_failed")


@pytest.mark.parametrize(
    ("case", "claims"),
    [
        ("expired", {"lifetime": timedelta(seconds=-30)}),
        ("wrong audience", {"aud": "another-api"}),
        ("wrong issuer", {"iss": "someone-else"}),
        ("missing audience", {"aud": None}),
        ("missing issuer", {"iss": None}),
        ("refresh token", {"token_type": "refresh"}),
        ("no token type", {"token_type": None}),
        ("non-uuid subject", {"sub": "42"}),
        ("expiry beyond the calendar", {"exp": 10**30}),
        ("expiry as a huge float", {"exp": 1e308}),
        ("expiry as a string", {"exp": "tomorrow"}),
        ("no expiry", {"exp": None}),
    ],
)
def test_token_with_bad_claims_gets_401(client, case, claims):
    subject = claims.pop("sub", USER)

    response = get_me(client, mint_token(subject, **claims))

    error = assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "{" not in error["message"]


def test_token_without_subject_gets_401(client):
    claims = _valid_claims()
    del claims["sub"]
    token = jwt.encode(claims, settings.JWT_PRIVATE_KEY, algorithm="RS256")

    assert_error(get_me(client, token), 401, "authentication_failed")


def test_hs256_token_signed_with_the_public_key_gets_401(client):
    # The classic key-confusion attack: a verifier that trusts the header's alg would check this
    # HMAC with the public PEM, which everyone has.
    token = _hand_made_token(
        {"alg": "HS256", "typ": "JWT"}, hmac_secret=settings.JWT_PUBLIC_KEY.encode()
    )

    assert_error(get_me(client, token), 401, "authentication_failed")


def test_unsigned_alg_none_token_gets_401(client):
    token = _hand_made_token({"alg": "none", "typ": "JWT"}, hmac_secret=None)

    assert_error(get_me(client, token), 401, "authentication_failed")


def test_token_signed_by_another_rsa_key_gets_401(client):
    other_private, _ = generate_rsa_keypair()

    assert_error(get_me(client, mint_token(USER, key=other_private)), 401, "authentication_failed")


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30."])
def test_garbage_token_gets_401(client, garbage):
    assert_error(get_me(client, garbage), 401, "authentication_failed")


# --- Token backend -----------------------------------------------------------------------------


def test_encoded_token_carries_the_kid_of_the_verifying_key():
    token = token_backend().encode({"sub": str(USER), "token_type": "access"})

    header = jwt.get_unverified_header(token)
    assert header["kid"] == jwk_thumbprint(settings.JWT_PUBLIC_KEY)
    assert header["alg"] == "RS256"


def test_encoded_token_carries_issuer_and_audience():
    token = token_backend().encode({"sub": str(USER)})

    claims = jwt.decode(token, settings.JWT_PUBLIC_KEY, algorithms=["RS256"], audience="api")
    assert claims["iss"] == "users"
    assert claims["aud"] == "api"


def test_backend_without_verifying_key_audience_or_issuer_adds_none_of_them():
    private, public = generate_rsa_keypair()
    backend = KeyedTokenBackend(algorithm="RS256", signing_key=private)

    token = backend.encode({"sub": str(USER)})

    assert "kid" not in jwt.get_unverified_header(token)
    claims = jwt.decode(token, public, algorithms=["RS256"])
    assert set(claims) == {"sub"}


def test_backend_refuses_any_algorithm_but_rs256(settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ALGORITHM": "HS256"}

    with pytest.raises(ValueError, match="RS256"):
        token_backend()


def test_backend_follows_a_change_of_keys(settings):
    private, public = generate_rsa_keypair()
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": private, "VERIFYING_KEY": public}

    header = jwt.get_unverified_header(token_backend().encode({"sub": str(USER)}))

    assert header["kid"] == jwk_thumbprint(public)


# --- Verified tokens are remembered until they expire ---------------------------------------------


@pytest.fixture
def counted_decodes(monkeypatch):
    from shared.core.authentication.authentication import verified_tokens

    verified_tokens.clear()
    decodes = []
    original = KeyedTokenBackend.decode

    def decode(self, token, verify=True):
        decodes.append(token)
        return original(self, token, verify)

    monkeypatch.setattr(KeyedTokenBackend, "decode", decode)
    yield decodes
    verified_tokens.clear()


def test_a_token_is_verified_once_then_remembered(client, counted_decodes):
    token = mint_token(USER)

    assert [get_me(client, token).status_code for _ in range(3)] == [200, 200, 200]
    assert len(counted_decodes) == 1


def test_a_remembered_token_is_refused_once_it_expires(client, counted_decodes, monkeypatch):
    from shared.core.authentication import authentication

    token = mint_token(USER)
    assert get_me(client, token).status_code == 200
    expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
    monkeypatch.setattr(authentication.time, "time", lambda: expiry + 1)

    assert authentication.verified_tokens.get(token.encode()) is None


def test_only_the_exact_bytes_of_a_verified_token_are_remembered(client, counted_decodes):
    token = mint_token(USER)
    assert get_me(client, token).status_code == 200
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"

    assert_error(get_me(client, tampered), 401, "authentication_failed")
    assert len(counted_decodes) == 2


def test_the_remembered_tokens_are_bounded():
    from shared.core.authentication.authentication import VerifiedTokens

    tokens = VerifiedTokens(max_size=2)
    for index in range(5):
        tokens.remember(f"t{index}".encode(), {"exp": 2**40})
    assert len(tokens._tokens) <= 2
    assert tokens.get(b"t4") is not None
