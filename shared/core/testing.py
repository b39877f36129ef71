"""Test helpers for services built on core: mint access tokens the way the users service does.

Consumers' test suites run without the users service, so they sign their own tokens with the
development key (the same key pair the process verifies with in development).
"""

import functools
import time
import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import serialization
from django.conf import settings

from shared.core.authentication.keys import ensure_dev_keypair, jwk_thumbprint


@functools.lru_cache(maxsize=4)
def _loaded_private_key(pem: str) -> Any:
    """Parsing and checking an RSA key costs tens of milliseconds; suites mint thousands."""
    return serialization.load_pem_private_key(pem.encode(), password=None)


def signing_key() -> str:
    """The private key matching this process's verifying key (development key pair)."""
    configured = getattr(settings, "JWT_PRIVATE_KEY", None)
    if configured:
        return configured
    return ensure_dev_keypair(settings.JWT_DEV_KEYS_DIR)[0]


def mint_token(
    sub: UUID | str,
    *,
    token_type: str = "access",
    lifetime: timedelta = timedelta(minutes=5),
    algorithm: str = "RS256",
    key: str | None = None,
    headers: dict[str, Any] | None = None,
    **claims: Any,
) -> str:
    """A JWT with the claims the users service issues; override any of them to forge bad ones."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "token_type": token_type,
        "sub": str(sub),
        "iss": settings.SIMPLE_JWT["ISSUER"],
        "aud": settings.SIMPLE_JWT["AUDIENCE"],
        "iat": now,
        "exp": now + int(lifetime.total_seconds()),
        "jti": uuid.uuid4().hex,
        **claims,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    default_headers = {"kid": jwk_thumbprint(settings.SIMPLE_JWT["VERIFYING_KEY"])}
    return jwt.encode(
        payload,
        key if key is not None else _loaded_private_key(signing_key()),
        algorithm=algorithm,
        headers={**default_headers, **(headers or {})},
    )


def bearer(sub: UUID | str, **kwargs: Any) -> dict[str, str]:
    """Headers for an authenticated request (``client.get(url, headers=bearer(uuid))``)."""
    return {"Authorization": f"Bearer {mint_token(sub, **kwargs)}"}


def assert_error_envelope(
    response: Any, status: int, code: str, *, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Assert ``response`` is the API's error envelope with this status and code.

    Checks the whole shape (docs/ARCHITECTURE.md section 5) and that ``request_id`` equals the
    ``X-Request-ID`` header; returns the ``error`` object.
    """
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)
    assert error["request_id"]
    assert error["request_id"] == response["X-Request-ID"]
    if details is not None:
        assert error["details"] == details
    return error
