"""Test helpers for consumer suites: tokens minted the way the users service issues them."""

import uuid

import jwt

from shared.core.authentication.keys import ensure_dev_keypair, jwk_thumbprint
from shared.core.testing import bearer, mint_token

USER = uuid.uuid4()


def test_bearer_headers_authenticate(client):
    response = client.get("/me", headers=bearer(USER))

    assert response.json()["uuid"] == str(USER)


def test_minted_token_has_the_claims_and_kid_of_the_users_service(settings):
    token = mint_token(USER)

    assert jwt.get_unverified_header(token)["kid"] == jwk_thumbprint(settings.JWT_PUBLIC_KEY)
    claims = jwt.decode(token, settings.JWT_PUBLIC_KEY, algorithms=["RS256"], audience="api")
    assert claims["sub"] == str(USER)
    assert claims["iss"] == "users"
    assert claims["token_type"] == "access"
    assert claims["exp"] - claims["iat"] == 300
    assert {"jti"} <= set(claims)


def test_extra_headers_override_the_defaults():
    token = mint_token(USER, headers={"kid": "another-key"})

    assert jwt.get_unverified_header(token)["kid"] == "another-key"


def test_without_a_private_key_setting_tokens_are_signed_with_the_dev_key(
    client, settings, tmp_path
):
    # A consumer's suite: no private key configured, the dev key pair on disk verifies.
    _, public_pem = ensure_dev_keypair(tmp_path)
    settings.JWT_PRIVATE_KEY = None
    settings.JWT_DEV_KEYS_DIR = tmp_path
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": None, "VERIFYING_KEY": public_pem}

    response = client.get("/me", headers=bearer(USER))

    assert response.status_code == 200
    assert response.json()["uuid"] == str(USER)
