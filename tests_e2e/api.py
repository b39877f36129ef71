"""A small client of the public API for the scenario suites (tests_e2e/test_api_*.py).

It speaks HTTP to a base URL only, so the same tests run against every topology. Password
hashing makes registration and login the expensive calls (about 0.3 s each), so accounts that
tests only read from are made once per topology (:func:`shared_account`); a test that changes an
account makes its own (:func:`register_and_login`).
"""

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

PASSWORD = "correct-horse-battery-9"
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
MAX_BODY = 1024 * 1024
# Access tokens live 300 s; shared accounts are refreshed well before that.
ACCESS_REFRESH_AFTER = 120


@contextmanager
def api_client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def unique_email(name: str) -> str:
    return f"{name.lower()}-{uuid.uuid4().hex[:12]}@example.com"


@dataclass
class Account:
    email: str
    uuid: str
    display_name: str
    access: str
    refresh: str
    issued: float = field(default_factory=time.monotonic)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: httpx.Client, name: str, **extra: Any) -> dict[str, Any]:
    body = {"email": unique_email(name), "password": PASSWORD, "display_name": name, **extra}
    created = client.post("/api/auth/register/", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def login(client: httpx.Client, email: str, password: str = PASSWORD) -> dict[str, str]:
    tokens = client.post("/api/auth/token/", json={"email": email, "password": password})
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def register_and_login(client: httpx.Client, name: str) -> Account:
    """A new account with a fresh token pair (two password hashes: use sparingly)."""
    user = register(client, name)
    tokens = login(client, user["email"])
    return Account(
        email=user["email"],
        uuid=user["uuid"],
        display_name=user["display_name"],
        access=tokens["access"],
        refresh=tokens["refresh"],
    )


_shared: dict[tuple[str, str], Account] = {}
_shared_lock = threading.RLock()  # a dataset builder takes shared accounts


def shared_account(client: httpx.Client, name: str) -> Account:
    """One account per (topology, name) for the whole session; tests must not change it.

    Its access token is renewed through the refresh endpoint (no password hash) when it is old.
    """
    key = (str(client.base_url), name)
    with _shared_lock:
        account = _shared.get(key)
        if account is None:
            account = _shared[key] = register_and_login(client, name)
        elif time.monotonic() - account.issued > ACCESS_REFRESH_AFTER:
            rotated = client.post("/api/auth/token/refresh/", json={"refresh": account.refresh})
            assert rotated.status_code == 200, rotated.text
            account.access = rotated.json()["access"]
            account.refresh = rotated.json()["refresh"]
            account.issued = time.monotonic()
        return account


_datasets: dict[tuple[str, str], Any] = {}


def shared_dataset(client: httpx.Client, name: str, build: Any) -> Any:
    """``build(client)`` once per (topology, name); the result is shared by read-only tests."""
    key = (str(client.base_url), name)
    with _shared_lock:
        if key not in _datasets:
            _datasets[key] = build(client)
        return _datasets[key]


def create_project(client: httpx.Client, owner: Account, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Project {uuid.uuid4().hex[:8]}", **fields}
    created = client.post("/api/projects/", json=body, headers=owner.auth)
    assert created.status_code == 201, created.text
    return created.json()


def add_member(client: httpx.Client, owner: Account, project: str, member: Account) -> None:
    added = client.post(
        f"/api/projects/{project}/members/", json={"email": member.email}, headers=owner.auth
    )
    assert added.status_code == 201, added.text


def assert_request_id(response: httpx.Response, sent: str | None = None) -> str:
    """Every answer carries a well-formed X-Request-ID: the one sent if it was well-formed."""
    request_id = response.headers.get("X-Request-ID")
    assert request_id, f"no X-Request-ID on {response.request.method} {response.request.url}"
    assert "," not in request_id, f"several X-Request-ID values: {request_id!r}"
    assert REQUEST_ID.fullmatch(request_id), request_id
    if sent is not None and REQUEST_ID.fullmatch(sent):
        assert request_id == sent
    elif sent is not None:
        assert request_id != sent
    return request_id


def assert_envelope(
    response: httpx.Response, status: int, code: str, *, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The error envelope with this status and code; ``request_id`` equals the header.

    The same checks as ``shared.core.testing.assert_error_envelope``, which takes Django's test
    responses (``response["Content-Type"]``), not httpx's.
    """
    where = f"{response.request.method} {response.request.url}"
    assert response.status_code == status, f"{where}: {response.status_code} {response.text}"
    assert response.headers.get("content-type", "").startswith("application/json"), where
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}, error
    assert error["code"] == code, f"{where}: {error}"
    assert isinstance(error["message"], str), error
    assert error["message"], error
    assert isinstance(error["details"], dict), error
    assert error["request_id"] == assert_request_id(response), error
    if details is not None:
        assert error["details"] == details, error
    return error


def assert_field_errors(response: httpx.Response, *fields: str) -> dict[str, Any]:
    """A 400 validation_error naming exactly ``fields``, each with a list of messages."""
    error = assert_envelope(response, 400, "validation_error")
    assert set(error["details"]) == set(fields), error
    for messages in error["details"].values():
        assert isinstance(messages, list), error
        assert messages, error
        assert all(isinstance(message, str) and message for message in messages), error
    return error


# --- tokens built by hand (tests_e2e/test_security.py) -----------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def hs256(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    """HS256 by hand: PyJWT refuses an HMAC secret that looks like a PEM key (the attack)."""
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)
    )
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    parts = (b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload))
    return ".".join(parts) + "."
