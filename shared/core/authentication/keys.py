"""RSA key material for JWTs: dev key generation, PEM loading and the JWKS view of a public key."""

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.core.utils.files import private_directory

PRIVATE_KEY_FILE = "jwt_private.pem"
PUBLIC_KEY_FILE = "jwt_public.pem"
# Text before a PEM block is ignored by parsers; it marks a key that must never sign in production.
DEV_KEY_MARKER = "# split-ready development key: never use it in production\n"


def generate_rsa_keypair(bits: int = 2048) -> tuple[str, str]:
    """A new RSA key pair as (private PEM, public PEM)."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return private_pem, public_pem_from_private(private_pem)


def public_pem_from_private(private_pem: str) -> str:
    private_key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def ensure_dev_keypair(directory: Path) -> tuple[str, str]:
    """Read the development key pair from ``directory``, creating it (owner-only) on first use.

    Safe when several processes start at once: the key appears whole or not at all, and the
    first one to publish it wins.
    """
    private_path = directory / PRIVATE_KEY_FILE
    private_directory(directory)
    if not private_path.exists():
        _publish(private_path, DEV_KEY_MARKER + generate_rsa_keypair()[0], mode=0o600)
    private_pem = private_path.read_text()
    public_pem = public_pem_from_private(private_pem)
    public_path = directory / PUBLIC_KEY_FILE
    if not public_path.exists() or public_path.read_text() != public_pem:
        _publish(public_path, public_pem, mode=0o600, replace=True)
    return private_pem, public_pem


def _publish(path: Path, content: str, *, mode: int, replace: bool = False) -> None:
    """Write a temporary file (created with ``mode``), then move it into place atomically."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(content)
        if replace:
            os.replace(temporary, path)
        else:
            # Fails if another process published first: theirs is as good, keep it.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def is_dev_key(private_pem: str, dev_keys_dir: Path) -> bool:
    """Whether ``private_pem`` is a generated development key (marked, or the one in the folder)."""
    if DEV_KEY_MARKER.strip() in private_pem:
        return True
    dev_key = dev_keys_dir / PRIVATE_KEY_FILE
    return dev_key.is_file() and _pem_block(dev_key.read_text()) == _pem_block(private_pem)


def _pem_block(text: str) -> str:
    return text[text.find("-----BEGIN") :].strip()


def load_public_key(public_pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the JWT public key must be an RSA key")
    return key


def rsa_public_jwk(public_pem: str) -> dict[str, str]:
    """The public key as a JWK (RFC 7517), without ``kid``."""
    numbers = load_public_key(public_pem).public_numbers()
    return {"kty": "RSA", "n": _b64_uint(numbers.n), "e": _b64_uint(numbers.e)}


def jwk_thumbprint(public_pem: str) -> str:
    """The RFC 7638 SHA-256 thumbprint of the key: its ``kid``."""
    jwk = rsa_public_jwk(public_pem)
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    return _b64(hashlib.sha256(canonical.encode()).digest())


def jwks_document(public_pem: str) -> dict[str, Any]:
    """The JWKS document that publishes the verifying key."""
    key = {
        **rsa_public_jwk(public_pem),
        "kid": jwk_thumbprint(public_pem),
        "use": "sig",
        "alg": "RS256",
    }
    return {"keys": [key]}


def _b64_uint(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
