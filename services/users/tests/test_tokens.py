"""The refresh token class: its outstanding rows hold a digest of the token, never the token."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.db import connections
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from services.users.services.tokens import RefreshToken, token_digest
from shared.core.testing import mint_token

pytestmark = pytest.mark.django_db(databases=["users"])


def row_of(token: RefreshToken) -> OutstandingToken:
    return OutstandingToken.objects.using("users").get(jti=token["jti"])


def test_token_digest_is_the_sha256_hex_of_the_token():
    assert token_digest("a.b.c") == hashlib.sha256(b"a.b.c").hexdigest()


def test_for_user_records_one_row_holding_the_digest_of_the_token_it_returns(user):
    token = RefreshToken.for_user(user)

    row = row_of(token)
    assert row.token == token_digest(str(token))
    assert str(token) not in row.token
    assert row.user_id == user.pk
    assert row.created_at == datetime.fromtimestamp(token["iat"], UTC)
    assert row.expires_at == datetime.fromtimestamp(token["exp"], UTC)
    assert OutstandingToken.objects.using("users").count() == 1


def test_for_user_records_with_a_single_insert(user, django_assert_num_queries):
    with django_assert_num_queries(1, connection=connections["users"]):
        RefreshToken.for_user(user)


def test_outstand_of_a_parsed_token_records_the_digest_of_the_string_it_was_given(user):
    raw = mint_token(user.uuid, token_type="refresh")

    row = RefreshToken(raw).outstand()

    assert row.token == token_digest(raw)
    assert row.user_id == user.pk


def test_outstand_is_idempotent(user):
    token = RefreshToken.for_user(user)

    assert token.outstand().pk == token.outstand().pk == row_of(token).pk


def test_blacklist_revokes_and_stores_only_the_digest(user):
    raw = mint_token(user.uuid, token_type="refresh")

    token = RefreshToken(raw)

    blacklisted, created = token.blacklist()

    assert created is True
    assert blacklisted.token.token == token_digest(raw)
    assert token.blacklist() == (blacklisted, False)
    assert BlacklistedToken.objects.using("users").count() == 1


def test_outstand_of_a_token_for_an_unknown_subject_records_no_owner(user):
    raw = mint_token("00000000-0000-0000-0000-000000000000", token_type="refresh")

    assert RefreshToken(raw).outstand().user is None
