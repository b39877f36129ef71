"""Security and the edges of the contract, in every topology: tokens that must be refused by every
service, X-Request-ID, the error envelope, bodies over 1 MiB, and the gateway's allowed
differences (rate limit, 404 for /internal/, /admin/, /readyz, /metrics).

Tokens are built here, black-box: from the JWKS document, a fresh RSA key, or a real token.
Tokens that need the real private key (expired, wrong audience or issuer) are signed with the key
the topology was started with: the monolith's VAR_DIR, split-local's keys folder, and for compose
the environment file the checkout hands to the users container (var/compose/users.env).
"""

import concurrent.futures
import functools
import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests_e2e.api import (
    MAX_BODY,
    Account,
    api_client,
    assert_envelope,
    assert_request_id,
    b64url,
    b64url_decode,
    bearer,
    create_project,
    hs256,
    shared_account,
    unsigned,
    unverified_parts,
)
from tests_e2e.conftest import ROOT

GATEWAYS = {"split-local", "compose"}


@pytest.fixture
def api(base_url):
    with api_client(base_url) as client:
        yield client


@pytest.fixture
def victim(api) -> Account:
    return shared_account(api, "Victim")


@pytest.fixture
def jwk(api) -> dict[str, Any]:
    response = api.get("/.well-known/jwks.json")
    assert response.status_code == 200, response.text
    return response.json()["keys"][0]


def public_pem(jwk: dict[str, Any]) -> bytes:
    numbers = rsa.RSAPublicNumbers(
        e=int.from_bytes(b64url_decode(jwk["e"]), "big"),
        n=int.from_bytes(b64url_decode(jwk["n"]), "big"),
    )
    return numbers.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture
def private_key(topology, jwk, tmp_path_factory) -> str:
    """The topology's real signing key, where a test can read it; checked against the JWKS."""
    if topology == "monolith":
        # conftest's monolith fixture: VAR_DIR = tmp_path_factory.mktemp("monolith-var").
        base = tmp_path_factory.getbasetemp()
        candidates = sorted(base.glob("monolith-var*/keys/jwt_private.pem"))
    elif topology == "split-local":
        # docker/split-local.sh: its state lives in SPLIT_LOCAL_DIR (default var/split-local).
        state = Path(os.environ.get("SPLIT_LOCAL_DIR") or ROOT / "var" / "split-local")
        candidates = [state / "keys" / "jwt_private.pem"]
    else:
        # Compose hands users its key in an environment file of the checkout (COMPOSE_ENV_DIR).
        folder = Path(os.environ.get("COMPOSE_ENV_DIR") or ROOT / "var" / "compose")
        pem = compose_private_key(folder / "users.env")
        assert signs_for_pem(pem.encode(), jwk), f"{folder}/users.env does not sign for the JWKS"
        return pem
    matching = [path for path in candidates if Path(path).exists() and signs_for(path, jwk)]
    assert matching, f"no private key matching the JWKS among {candidates}"
    return Path(matching[0]).read_text()


def compose_private_key(env_file: Path) -> str:
    for line in env_file.read_text().splitlines():
        if line.startswith("JWT_PRIVATE_KEY="):
            return line.split("=", 1)[1].replace("\\n", "\n")
    raise AssertionError(f"no JWT_PRIVATE_KEY in {env_file}")


def signs_for(path: Path, jwk: dict[str, Any]) -> bool:
    return signs_for_pem(Path(path).read_bytes(), jwk)


def signs_for_pem(pem: bytes, jwk: dict[str, Any]) -> bool:
    key = serialization.load_pem_private_key(pem, password=None)
    n = key.public_key().public_numbers().n
    return n == int.from_bytes(b64url_decode(jwk["n"]), "big")


def claims_like(account: Account, **changes: Any) -> dict[str, Any]:
    """The claims of the account's real access token, fresh, with ``changes``."""
    _, payload = unverified_parts(account.access)
    now = int(time.time())
    return {**payload, "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex, **changes}


# The endpoints every token must be refused at: the users service and the projects service.
ENDPOINTS = [
    ("GET", "/api/users/me/"),
    ("POST", "/api/auth/logout/"),
    ("GET", "/api/users/{uuid}/"),
    ("GET", "/api/projects/"),
    ("POST", "/api/projects/"),
    ("GET", "/api/projects/{project}/"),
    ("GET", "/api/projects/{project}/members/"),
]


@pytest.fixture
def victims_project(api, victim) -> dict[str, Any]:
    return create_project(api, victim, name="Target")


def attempt(api, method, path, token, victim, project) -> httpx.Response:
    url = path.format(uuid=victim.uuid, project=project["uuid"])
    body = {"refresh": victim.refresh, "name": "Hijacked"} if method == "POST" else None
    return api.request(method, url, json=body, headers=bearer(token))


def assert_refused(response: httpx.Response) -> None:
    assert_envelope(response, 401, "authentication_failed")
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


@functools.cache
def another_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def black_box_tokens(victim: Account, jwk: dict[str, Any]) -> dict[str, str]:
    header = {"alg": "RS256", "typ": "JWT", "kid": jwk["kid"]}
    claims = claims_like(victim)
    real_header, real_payload, real_signature = victim.access.split(".")
    _, payload = unverified_parts(victim.access)
    tampered_payload = b64url(json.dumps({**payload, "sub": str(uuid.uuid4())}).encode())
    return {
        "forged-with-another-rsa-key": jwt.encode(
            claims, another_rsa_key(), "RS256", headers=header
        ),
        "alg-none": unsigned({"alg": "none", "typ": "JWT"}, claims),
        "alg-none-with-kid": unsigned({"alg": "none", "typ": "JWT", "kid": jwk["kid"]}, claims),
        "hs256-signed-with-the-public-key": hs256(
            {**header, "alg": "HS256"}, claims, public_pem(jwk)
        ),
        "hs256-signed-with-a-string": hs256({**header, "alg": "HS256"}, claims, b"secret"),
        "refresh-used-as-access": victim.refresh,
        "tampered-subject": f"{real_header}.{tampered_payload}.{real_signature}",
        "signature-stripped": f"{real_header}.{real_payload}.",
        "garbage": "not.a.token",
    }


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_black_box_forged_tokens_are_refused_everywhere(
    api, victim, victims_project, jwk, method, path
):
    for name, token in black_box_tokens(victim, jwk).items():
        response = attempt(api, method, path, token, victim, victims_project)
        assert response.status_code == 401, f"{name}: {response.status_code} {response.text}"
        assert_refused(response)
    # Nothing was changed by any of them; the real token still works.
    assert api.get("/api/users/me/", headers=victim.auth).status_code == 200
    listing = api.get("/api/projects/?search=Hijacked", headers=victim.auth)
    assert listing.json()["count"] == 0


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_tokens_signed_with_the_real_key_but_wrong_claims_are_refused(
    api, victim, victims_project, private_key, jwk, method, path
):
    header = {"kid": jwk["kid"]}
    now = int(time.time())
    # The control: the key and the claims are right, so the test can tell a refusal apart.
    valid = jwt.encode(claims_like(victim), private_key, "RS256", headers=header)
    assert attempt(api, "GET", "/api/users/me/", valid, victim, victims_project).status_code == 200
    bad = {
        "expired": claims_like(victim, iat=now - 900, exp=now - 600),
        "wrong-audience": claims_like(victim, aud="elsewhere"),
        "wrong-issuer": claims_like(victim, iss="mallory"),
        "no-expiry": {k: v for k, v in claims_like(victim).items() if k != "exp"},
        "refresh-type": claims_like(victim, token_type="refresh"),
        "subject-not-a-uuid": claims_like(victim, sub="admin"),
    }
    for name, claims in bad.items():
        token = jwt.encode(claims, private_key, "RS256", headers=header)
        response = attempt(api, method, path, token, victim, victims_project)
        assert response.status_code == 401, f"{name}: {response.status_code} {response.text}"
        assert_refused(response)


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        ("Bearer", "authentication_failed"),
        ("Bearer a b", "authentication_failed"),
        ("Basic dXNlcjpwYXNz", "not_authenticated"),
        ("Token abc", "not_authenticated"),
        ("", "not_authenticated"),
    ],
)
@pytest.mark.parametrize("path", ["/api/users/me/", "/api/projects/"])
def test_malformed_authorization_headers_are_401(api, path, authorization, code):
    response = api.get(path, headers={"Authorization": authorization})
    assert_envelope(response, 401, code)


# --- X-Request-ID and the envelope -------------------------------------------------------------

KEPT = ["abc.DEF-123_4", "x" * 64, "0", "a.b-c_d"]
REPLACED = ["bad id!", "x" * 65, "", "a/b", "a b", "a,b"]


@pytest.mark.parametrize("sent", KEPT + REPLACED)
@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/projects/", 401, "not_authenticated"),
        ("GET", "/api/users/me", 404, "not_found"),
        ("GET", "/no/such/path", 404, "not_found"),
        ("GET", "/api/auth/register/", 405, "method_not_allowed"),
        ("POST", "/api/auth/token/", 400, "validation_error"),
        ("GET", "/.well-known/jwks.json", 200, None),
    ],
)
def test_request_ids_are_kept_when_well_formed_and_replaced_otherwise(
    api, sent, method, path, status, code
):
    response = api.request(
        method, path, json={} if method == "POST" else None, headers={"X-Request-ID": sent}
    )
    if code is None:
        assert response.status_code == status, response.text
        assert_request_id(response, sent)
        return
    error = assert_envelope(response, status, code)
    assert_request_id(response, sent)
    assert error["request_id"] == response.headers["X-Request-ID"]


def test_a_request_without_an_id_gets_a_new_one_each_time(api):
    ids = {assert_request_id(api.get("/.well-known/jwks.json")) for _ in range(3)}
    ids |= {assert_envelope(api.get("/api/projects/"), 401, "not_authenticated")["request_id"]}
    assert len(ids) == 4


def test_unknown_paths_are_404_in_the_envelope(api, victim):
    for path in ("/", "/api/", "/api/nothing/", "/api/projects/x/y/z/", "/.well-known/other"):
        assert_envelope(api.get(path, headers=victim.auth), 404, "not_found")


# --- bodies over 1 MiB -------------------------------------------------------------------------


def padded_json(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes: a project whose description is too long."""
    head, tail = b'{"name": "Big", "description": "', b'"}'
    return head + b"d" * (size - len(head) - len(tail)) + tail


@pytest.fixture
def body_targets(api, victim) -> list[tuple[str, str, dict[str, str]]]:
    project = create_project(api, victim)
    auth = victim.auth
    return [
        ("POST", "/api/auth/register/", {}),
        ("POST", "/api/auth/token/", {}),
        ("POST", "/api/projects/", auth),
        ("PATCH", f"/api/projects/{project['uuid']}/", auth),
        ("PUT", f"/api/projects/{project['uuid']}/", auth),
        ("POST", f"/api/projects/{project['uuid']}/members/", auth),
        ("PATCH", "/api/users/me/", auth),
    ]


def test_bodies_over_one_mebibyte_are_413(base_url, body_targets):
    for method, path, auth in body_targets:
        headers = {**auth, "Content-Type": "application/json", "X-Request-ID": "big-body"}
        # A connection of its own: a server may close it after refusing an unread body.
        response = httpx.request(
            method, base_url + path, content=padded_json(MAX_BODY + 1), headers=headers, timeout=30
        )
        error = assert_envelope(response, 413, "payload_too_large", details={"max_bytes": MAX_BODY})
        assert error["request_id"] == "big-body"


def test_a_body_of_exactly_one_mebibyte_is_read(base_url, victim):
    response = httpx.post(
        base_url + "/api/projects/",
        content=padded_json(MAX_BODY),
        headers={**victim.auth, "Content-Type": "application/json"},
        timeout=30,
    )
    error = assert_envelope(response, 400, "validation_error")
    assert set(error["details"]) == {"description"}


def chunks(body: bytes, size: int = 64 * 1024):
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_a_chunked_body_over_one_mebibyte_is_413(base_url, victim):
    """Without Content-Length (Transfer-Encoding: chunked) the limit holds just the same."""
    response = httpx.post(
        base_url + "/api/projects/",
        content=chunks(padded_json(MAX_BODY + 1)),
        headers={**victim.auth, "Content-Type": "application/json"},
        timeout=30,
    )
    assert "Content-Length" not in response.request.headers
    assert_envelope(response, 413, "payload_too_large", details={"max_bytes": MAX_BODY})


def test_a_small_chunked_body_is_read_like_any_other(base_url, victim):
    name = f"Chunked {uuid.uuid4().hex[:8]}"
    response = httpx.post(
        base_url + "/api/projects/",
        content=chunks(f'{{"name": "{name}"}}'.encode(), size=8),
        headers={**victim.auth, "Content-Type": "application/json"},
        timeout=30,
    )
    assert "Content-Length" not in response.request.headers
    assert response.status_code == 201, response.text
    assert response.json()["name"] == name


# --- what only the gateway does ----------------------------------------------------------------


def test_internal_admin_and_readiness_paths(api, topology, victim):
    """The gateway answers 404 for them; a bare monolith serves its probes and internal API."""
    paths = ["/internal/v1/users/", "/internal/v1/users/by-email/?email=a@example.com", "/admin/"]
    if topology in GATEWAYS:
        for path in [*paths, "/readyz", "/readyz/", "/metrics"]:
            assert_envelope(api.get(path), 404, "not_found")
        # Even with a plausible service credential or a user's token, nothing internal is routed.
        for credential in ("Service x", victim.auth["Authorization"]):
            response = api.get(paths[0], headers={"Authorization": credential})
            assert_envelope(response, 404, "not_found")
    else:
        ready = api.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["status"] == "ok"
        assert_request_id(ready)
        # The internal API wants a service credential, which no public client has.
        for path in paths[:2]:
            assert_envelope(api.get(path), 401, "not_authenticated")
            response = api.get(path, headers={"Authorization": "Service wrong"})
            assert_envelope(response, 401, "authentication_failed")
            # A user's valid access token is no service credential.
            assert_envelope(api.get(path, headers=victim.auth), 401, "authentication_failed")
        assert_envelope(api.get("/admin/"), 404, "not_found")
        # Metrics are scraped on the service's own port (here the monolith's).
        metrics = api.get("/metrics")
        assert metrics.status_code == 200, metrics.text
        assert "http_server_requests_total" in metrics.text
    health = api.get("/healthz")
    assert health.status_code == 200, health.text
    assert health.json() == {"status": "ok"}


def test_login_and_registration_are_rate_limited_only_at_the_gateway(base_url, topology):
    size = 60  # well over the burst of 20: even spread over 3 s it exceeds 10 requests/s

    def burst(path: str) -> list[httpx.Response]:
        barrier = threading.Barrier(size)

        def one(_: int) -> httpx.Response:
            with httpx.Client(timeout=30) as client:
                barrier.wait()  # connections made, then all requests leave together
                return client.post(base_url + path, json={})

        with concurrent.futures.ThreadPoolExecutor(max_workers=size) as pool:
            return list(pool.map(one, range(size)))

    for path in ("/api/auth/token/", "/api/auth/register/"):
        responses = burst(path)
        statuses = {response.status_code for response in responses}
        if topology in GATEWAYS:
            assert statuses == {400, 429}, statuses
            limited = next(r for r in responses if r.status_code == 429)
            assert_envelope(limited, 429, "throttled")
        else:
            assert statuses == {400}, statuses
        for response in responses:
            if response.status_code == 400:
                assert_envelope(response, 400, "validation_error")
        if topology in GATEWAYS:
            # The excess drains at 10 requests/s: wait until the whole burst is available again,
            # so later tests (logins) are not throttled.
            time.sleep(2.5)
    assert httpx.post(base_url + "/api/auth/token/", json={}, timeout=30).status_code == 400


def test_no_degraded_header_while_users_is_up(api, victim, victims_project):
    for path in (
        "/api/projects/?expand=owner",
        f"/api/projects/{victims_project['uuid']}/?expand=owner",
        f"/api/projects/{victims_project['uuid']}/members/",
    ):
        response = api.get(path, headers=victim.auth)
        assert response.status_code == 200, response.text
        assert "X-Degraded" not in response.headers


def test_a_chunked_body_of_exactly_one_mebibyte_is_read(base_url, victim):
    response = httpx.post(
        base_url + "/api/projects/",
        content=chunks(padded_json(MAX_BODY)),
        headers={**victim.auth, "Content-Type": "application/json"},
        timeout=30,
    )
    assert "Content-Length" not in response.request.headers
    error = assert_envelope(response, 400, "validation_error")
    assert set(error["details"]) == {"description"}
