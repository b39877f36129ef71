"""Every endpoint costs a fixed number of queries, whatever the rows in play.

Each endpoint runs in two worlds, one with 1 row in play and one with 50: other accounts in the
database, the caller's outstanding refresh tokens, the uuids of an internal batch lookup. Both
must cost the same number of queries on the users database (the marker fails a test that
touches another database).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from services.users.models import User
from services.users.services.tokens import RefreshToken, token_digest
from services.users.tests.conftest import PASSWORD, auth

pytestmark = pytest.mark.django_db(databases=["users"])

DB = "users"
ONE, MANY = 1, 50


@dataclass(frozen=True)
class World:
    """``actor`` has ``rows`` outstanding refresh tokens (``refresh`` the last); ``rows`` others."""

    actor: User
    others: list[User]
    access: str
    refresh: str


@pytest.fixture
def world(make_user) -> Callable[[int], World]:
    """Builds a world in bulk: one registration, two bulk INSERTs and one issued pair."""

    def build(rows: int) -> World:
        actor = make_user(email=f"actor-of-{rows}@example.com", display_name=f"Actor of {rows}")
        unusable = make_password(None)
        others = User.objects.using(DB).bulk_create(
            [
                User(
                    email=f"other-{number}-of-{rows}@example.com",
                    display_name=f"Other {number}",
                    password=unusable,
                )
                for number in range(rows)
            ]
        )
        now = timezone.now()
        OutstandingToken.objects.using(DB).bulk_create(
            [
                OutstandingToken(
                    user=actor,
                    jti=uuid.uuid4().hex,
                    token=token_digest(f"earlier token {number}"),
                    created_at=now,
                    expires_at=now + timedelta(days=1),
                )
                for number in range(rows - 1)
            ]
        )
        session = RefreshToken.for_user(actor)
        assert OutstandingToken.objects.using(DB).filter(user=actor).count() == rows
        return World(
            actor=actor, others=others, access=str(session.access_token), refresh=str(session)
        )

    return build


@pytest.fixture
def worlds(world) -> dict[int, World]:
    return {rows: world(rows) for rows in (ONE, MANY)}


@pytest.fixture
def constant_queries(django_assert_num_queries):
    """Runs the call of the 1-row world, then asserts the 50-row one runs as many queries.

    Both worlds are built before anything is measured. Returns both responses.
    """

    def measure(calls: dict[int, Callable[[], Response]]) -> tuple[Response, Response]:
        with CaptureQueriesContext(connections[DB]) as queries:
            one = calls[ONE]()
        with django_assert_num_queries(len(queries), connection=connections[DB]):
            many = calls[MANY]()
        return one, many

    return measure


def _each(worlds: dict[int, World], call: Callable[[World], Response]):
    return {rows: lambda w=w: call(w) for rows, w in worlds.items()}


# --- /api/users/ ----------------------------------------------------------------------------------

ME = "/api/users/me/"


def test_me_get_runs_the_same_queries_for_1_and_50_accounts_and_tokens(
    api_client, worlds, constant_queries
):
    one, many = constant_queries(_each(worlds, lambda w: api_client.get(ME, **auth(w.access))))

    for response, w in ((one, worlds[ONE]), (many, worlds[MANY])):
        assert response.status_code == 200
        assert response.json()["uuid"] == str(w.actor.uuid)


def test_me_patch_runs_the_same_queries_for_1_and_50_accounts_and_tokens(
    api_client, worlds, constant_queries
):
    body = {"display_name": "Renamed"}

    one, many = constant_queries(
        _each(worlds, lambda w: api_client.patch(ME, body, format="json", **auth(w.access)))
    )

    assert one.status_code == many.status_code == 200
    assert one.json()["display_name"] == many.json()["display_name"] == "Renamed"


def test_me_delete_revokes_1_or_50_refresh_tokens_with_the_same_queries(
    api_client, worlds, constant_queries
):
    one, many = constant_queries(_each(worlds, lambda w: api_client.delete(ME, **auth(w.access))))

    assert one.status_code == many.status_code == 204
    for rows, w in worlds.items():
        revoked = BlacklistedToken.objects.using(DB).filter(token__user=w.actor)
        assert revoked.count() == rows


def test_public_profile_runs_the_same_queries_for_1_and_50_accounts(
    api_client, worlds, constant_queries
):
    one, many = constant_queries(
        _each(
            worlds,
            lambda w: api_client.get(f"/api/users/{w.others[-1].uuid}/", **auth(w.access)),
        )
    )

    for response, w in ((one, worlds[ONE]), (many, worlds[MANY])):
        assert response.status_code == 200
        assert response.json() == {
            "uuid": str(w.others[-1].uuid),
            "display_name": w.others[-1].display_name,
        }


# --- /internal/v1/users/ --------------------------------------------------------------------------


@pytest.fixture
def service_client() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Service {settings.INTERNAL_API_TOKEN}")
    return client


def test_internal_batch_runs_the_same_queries_for_1_and_50_uuids(
    service_client, worlds, constant_queries
):
    # Half of the large batch is deactivated: include_inactive changes nothing to the count.
    User.objects.using(DB).filter(pk__in=[user.pk for user in worlds[MANY].others[::2]]).update(
        is_active=False
    )

    one, many = constant_queries(
        _each(
            worlds,
            lambda w: service_client.get(
                "/internal/v1/users/", {"uuid": [str(user.uuid) for user in w.others]}
            ),
        )
    )

    for rows, response in ((ONE, one), (MANY, many)):
        assert response.status_code == 200
        assert len(response.json()["results"]) == rows


def test_internal_by_email_runs_the_same_queries_for_1_and_50_accounts(
    service_client, worlds, constant_queries
):
    one, many = constant_queries(
        _each(
            worlds,
            lambda w: service_client.get(
                "/internal/v1/users/by-email/", {"email": w.others[-1].email.upper()}
            ),
        )
    )

    for response, w in ((one, worlds[ONE]), (many, worlds[MANY])):
        assert response.status_code == 200
        assert response.json()["uuid"] == str(w.others[-1].uuid)


# --- /api/auth/ -----------------------------------------------------------------------------------


def test_register_runs_the_same_queries_for_1_and_50_accounts(api_client, worlds, constant_queries):
    one, many = constant_queries(
        _each(
            worlds,
            lambda w: api_client.post(
                "/api/auth/register/",
                {"email": f"new-{w.actor.email}", "password": PASSWORD},
                format="json",
            ),
        )
    )

    assert one.status_code == many.status_code == 201


def test_token_runs_the_same_queries_for_1_and_50_outstanding_tokens(
    api_client, worlds, constant_queries
):
    one, many = constant_queries(
        _each(
            worlds,
            lambda w: api_client.post(
                "/api/auth/token/", {"email": w.actor.email, "password": PASSWORD}, format="json"
            ),
        )
    )

    assert one.status_code == many.status_code == 200
    for rows, w in worlds.items():
        assert OutstandingToken.objects.using(DB).filter(user=w.actor).count() == rows + 1


def test_refresh_runs_the_same_queries_for_1_and_50_outstanding_tokens(
    api_client, worlds, constant_queries
):
    one, many = constant_queries(
        _each(
            worlds,
            lambda w: api_client.post(
                "/api/auth/token/refresh/", {"refresh": w.refresh}, format="json"
            ),
        )
    )

    assert one.status_code == many.status_code == 200
    for w in worlds.values():
        assert BlacklistedToken.objects.using(DB).filter(token__user=w.actor).count() == 1


def test_logout_runs_the_same_queries_for_1_and_50_outstanding_tokens(
    api_client, worlds, constant_queries
):
    one, many = constant_queries(
        _each(
            worlds,
            lambda w: api_client.post(
                "/api/auth/logout/", {"refresh": w.refresh}, format="json", **auth(w.access)
            ),
        )
    )

    assert one.status_code == many.status_code == 204
    for w in worlds.values():
        assert BlacklistedToken.objects.using(DB).filter(token__user=w.actor).count() == 1
