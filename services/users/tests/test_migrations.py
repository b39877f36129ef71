"""Data migrations of the users service, run as functions against the test database."""

import hashlib
import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from services.users.models import User
from services.users.services.token_service import TokenService
from services.users.tests.conftest import PASSWORD
from shared.core.authentication.tokens import token_backend
from shared.core.testing import mint_token
from shared.kit.errors import AuthenticationFailedError

pytestmark = pytest.mark.django_db(databases=["users"])

hash_outstanding = importlib.import_module(
    "services.users.migrations.0002_hash_outstanding_refresh_tokens"
)
normalize_emails = importlib.import_module("services.users.migrations.0003_normalize_stored_emails")


def editor() -> SimpleNamespace:
    return SimpleNamespace(connection=connections["users"])


def run_hash_clear_tokens() -> None:
    hash_outstanding.hash_clear_tokens(apps, editor())


def clear_row(user, raw: str) -> OutstandingToken:
    """A row as simplejwt wrote it before this migration: the token in clear."""
    return OutstandingToken.objects.using("users").create(
        jti=token_backend().decode(raw)["jti"],
        user=user,
        token=raw,
        created_at=datetime.now(UTC),
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )


def sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def test_hash_clear_tokens_replaces_a_clear_token_by_its_digest(user):
    raw = mint_token(user.uuid, token_type="refresh")
    row = clear_row(user, raw)

    run_hash_clear_tokens()

    row.refresh_from_db()
    assert row.token == sha256(raw)
    assert row.user_id == user.pk


def test_hash_clear_tokens_leaves_digests_alone_so_it_can_run_twice(user):
    raw = mint_token(user.uuid, token_type="refresh")
    row = clear_row(user, raw)

    run_hash_clear_tokens()
    run_hash_clear_tokens()

    row.refresh_from_db()
    assert row.token == sha256(raw)


def test_hash_clear_tokens_leaves_rows_written_by_the_service_unchanged(user):
    TokenService().obtain_pair(email=user.email, password=PASSWORD)
    before = list(OutstandingToken.objects.using("users").values_list("jti", "token"))

    run_hash_clear_tokens()

    assert list(OutstandingToken.objects.using("users").values_list("jti", "token")) == before


def test_hash_clear_tokens_works_through_more_than_one_batch(user, monkeypatch):
    monkeypatch.setattr(hash_outstanding, "BATCH", 2)
    raws = [mint_token(user.uuid, token_type="refresh") for _ in range(5)]
    for raw in raws:
        clear_row(user, raw)

    run_hash_clear_tokens()

    stored = OutstandingToken.objects.using("users").order_by("id").values_list("token", flat=True)
    assert list(stored) == [sha256(raw) for raw in raws]


def test_a_blacklisted_token_stays_revoked_after_the_migration(user):
    raw = mint_token(user.uuid, token_type="refresh")
    row = clear_row(user, raw)
    BlacklistedToken.objects.using("users").create(token=row)

    run_hash_clear_tokens()

    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=raw)


# --- 0003: stored emails in canonical form --------------------------------------------------------


def stored_as(email: str) -> User:
    """An account as registration stored it before normalisation was complete."""
    user = User(email=email, display_name="Someone")
    user.set_password(PASSWORD)
    user.save(using="users")
    return user


def email_of(user: User) -> str:
    return User.objects.using("users").get(pk=user.pk).email


def test_normalize_stored_emails_puts_a_unicode_domain_in_punycode_so_it_can_log_in():
    bob = stored_as("bob@b\u00fccher.example")

    normalize_emails.normalize_stored_emails(apps, editor())

    assert email_of(bob) == "bob@xn--bcher-kva.example"
    TokenService().obtain_pair(email="bob@b\u00fccher.example", password=PASSWORD)


def test_normalize_stored_emails_leaves_an_address_whose_canonical_form_is_taken():
    alice = stored_as("alice@example.com")
    look_alike = stored_as("alice@\uff45xample.com")

    normalize_emails.normalize_stored_emails(apps, editor())

    assert (email_of(alice), email_of(look_alike)) == (
        "alice@example.com",
        "alice@\uff45xample.com",
    )


def test_normalize_stored_emails_gives_a_mailbox_to_the_oldest_of_two_look_alikes():
    first = stored_as("carol@\uff45xample.com")
    second = stored_as("carol@\uff45\uff58ample.com")

    normalize_emails.normalize_stored_emails(apps, editor())

    assert email_of(first) == "carol@example.com"
    assert email_of(second) == "carol@\uff45\uff58ample.com"


@pytest.mark.parametrize("refused", ["dave@exam\u200bple.com", '"dave"@example.com'])
def test_normalize_stored_emails_leaves_an_address_it_now_refuses(refused):
    dave = stored_as(refused)

    normalize_emails.normalize_stored_emails(apps, editor())

    assert email_of(dave) == refused


def test_normalize_stored_emails_works_through_more_than_one_batch(monkeypatch):
    monkeypatch.setattr(normalize_emails, "BATCH", 2)
    users = [stored_as(f"user{i}@b\u00fccher.example") for i in range(5)]
    canonical = stored_as("erin@example.com")

    normalize_emails.normalize_stored_emails(apps, editor())

    assert [email_of(user) for user in users] == [
        f"user{i}@xn--bcher-kva.example" for i in range(5)
    ]
    assert email_of(canonical) == "erin@example.com"
