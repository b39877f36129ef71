"""RSA key material: dev key files, PEM loading, RFC 7638 thumbprints and the JWKS document."""

import base64
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from shared.core.authentication.keys import (
    PRIVATE_KEY_FILE,
    PUBLIC_KEY_FILE,
    ensure_dev_keypair,
    generate_rsa_keypair,
    jwk_thumbprint,
    jwks_document,
    load_public_key,
    public_pem_from_private,
    rsa_public_jwk,
)

# RFC 7638, section 3.1: the example key and its SHA-256 thumbprint.
RFC7638_N = (
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
    "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
    "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
    "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
)
RFC7638_E = "AQAB"
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def _b64_to_int(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


@pytest.fixture
def rfc7638_public_pem() -> str:
    public_key = rsa.RSAPublicNumbers(_b64_to_int(RFC7638_E), _b64_to_int(RFC7638_N)).public_key()
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


# --- Dev key pair ------------------------------------------------------------------------------


def test_ensure_dev_keypair_creates_both_files(tmp_path):
    directory = tmp_path / "var" / "keys"

    private_pem, public_pem = ensure_dev_keypair(directory)

    assert (directory / PRIVATE_KEY_FILE).read_text() == private_pem
    assert (directory / PUBLIC_KEY_FILE).read_text() == public_pem
    assert public_pem_from_private(private_pem) == public_pem


def test_dev_private_key_is_readable_by_its_owner_only(tmp_path):
    ensure_dev_keypair(tmp_path)

    assert stat.S_IMODE((tmp_path / PRIVATE_KEY_FILE).stat().st_mode) == 0o600


def test_ensure_dev_keypair_reuses_existing_keys(tmp_path):
    first = ensure_dev_keypair(tmp_path)

    assert ensure_dev_keypair(tmp_path) == first


def test_missing_public_key_file_is_derived_from_the_private_key(tmp_path):
    private_pem, public_pem = ensure_dev_keypair(tmp_path)
    (tmp_path / PUBLIC_KEY_FILE).unlink()

    assert ensure_dev_keypair(tmp_path) == (private_pem, public_pem)
    assert (tmp_path / PUBLIC_KEY_FILE).read_text() == public_pem


def test_generated_keypair_is_a_matching_2048_bit_rsa_pair():
    private_pem, public_pem = generate_rsa_keypair()

    assert load_public_key(public_pem).key_size == 2048
    assert public_pem_from_private(private_pem) == public_pem


# --- Loading and JWK ---------------------------------------------------------------------------


def test_load_public_key_refuses_a_non_rsa_key():
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )

    with pytest.raises(ValueError, match="RSA"):
        load_public_key(ec_pem)


def test_load_public_key_refuses_garbage():
    with pytest.raises(ValueError, match=r"PEM|key"):
        load_public_key("not a pem")


def test_jwk_of_a_key_carries_its_modulus_and_exponent(rfc7638_public_pem):
    assert rsa_public_jwk(rfc7638_public_pem) == {"kty": "RSA", "n": RFC7638_N, "e": RFC7638_E}


def test_jwk_thumbprint_matches_the_rfc7638_example(rfc7638_public_pem):
    assert jwk_thumbprint(rfc7638_public_pem) == RFC7638_THUMBPRINT


def test_different_keys_have_different_thumbprints():
    assert jwk_thumbprint(generate_rsa_keypair()[1]) != jwk_thumbprint(generate_rsa_keypair()[1])


def test_jwks_document_publishes_the_verifying_key(rfc7638_public_pem):
    assert jwks_document(rfc7638_public_pem) == {
        "keys": [
            {
                "kty": "RSA",
                "kid": RFC7638_THUMBPRINT,
                "use": "sig",
                "alg": "RS256",
                "n": RFC7638_N,
                "e": RFC7638_E,
            }
        ]
    }


def test_processes_starting_together_agree_on_one_dev_key_pair(tmp_path):
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(4) as pool:
        pairs = pool.map(ensure_dev_keypair, [tmp_path] * 8)
    assert len(set(pairs)) == 1
    assert (tmp_path / "jwt_private.pem").stat().st_mode & 0o777 == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
