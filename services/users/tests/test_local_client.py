"""LocalUsersClient: the in-process UsersClient answers with contract models, never ORM rows."""

from uuid import uuid4

import pytest
from django.db import connections

from services.users.client.local import LocalUsersClient
from services.users.services.user_service import UserService
from shared.kit.errors import NotFoundError
from users_contracts.v1 import UserSummary

pytestmark = pytest.mark.django_db(databases=["users"])


@pytest.fixture
def client() -> LocalUsersClient:
    return LocalUsersClient()


def deactivated(user):
    UserService().deactivate(actor_uuid=user.uuid)
    return user


def test_get_users_returns_summaries_of_the_active_users_by_uuid(client, make_user):
    alice = make_user(display_name="Alice")
    bob = make_user(display_name="Bob")

    found = client.get_users([alice.uuid, bob.uuid])

    assert found == {
        alice.uuid: UserSummary(uuid=alice.uuid, display_name="Alice"),
        bob.uuid: UserSummary(uuid=bob.uuid, display_name="Bob"),
    }
    assert all(type(summary) is UserSummary for summary in found.values())


def test_get_users_leaves_out_unknown_and_deleted_users(client, make_user):
    alive = make_user()
    deleted = deactivated(make_user())

    found = client.get_users([alive.uuid, deleted.uuid, uuid4()])

    assert list(found) == [alive.uuid]


def test_get_users_accepts_duplicates_and_any_iterable(client, make_user):
    alice = make_user()

    found = client.get_users(uuid for uuid in [alice.uuid, alice.uuid])

    assert list(found) == [alice.uuid]


def test_get_users_with_no_uuids_is_empty_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0, connection=connections["users"]):
        assert client.get_users([]) == {}


def test_get_users_answers_in_one_query(client, make_user, django_assert_num_queries):
    uuids = [make_user().uuid for _ in range(5)]

    with django_assert_num_queries(1, connection=connections["users"]):
        assert len(client.get_users(uuids)) == 5


def test_get_user_returns_a_summary(client, user):
    summary = client.get_user(user.uuid)

    assert type(summary) is UserSummary
    assert summary == UserSummary(uuid=user.uuid, display_name="Alice")


def test_get_user_of_an_unknown_user_is_not_found(client):
    with pytest.raises(NotFoundError):
        client.get_user(uuid4())


def test_get_user_of_a_deleted_user_is_not_found(client, user):
    deactivated(user)

    with pytest.raises(NotFoundError):
        client.get_user(user.uuid)


@pytest.mark.parametrize(
    "email",
    ["alice@example.com", "ALICE@Example.COM", " alice@example.com ", "alice@\uff45xample.com"],
)
def test_find_by_email_returns_a_summary_for_any_spelling_of_the_address(client, user, email):
    summary = client.find_by_email(email)

    assert type(summary) is UserSummary
    assert summary == UserSummary(uuid=user.uuid, display_name="Alice")


@pytest.mark.parametrize(
    "email",
    ["nobody@example.com", "not-an-email", "alice@exam\u200bple.com", '"alice"@example.com'],
)
def test_find_by_email_of_an_unknown_email_is_not_found(client, user, email):
    with pytest.raises(NotFoundError):
        client.find_by_email(email)


def test_find_by_email_of_a_deleted_user_is_not_found(client, user):
    deactivated(user)

    with pytest.raises(NotFoundError):
        client.find_by_email("alice@example.com")


def test_summaries_are_frozen_copies_detached_from_the_database(client, user):
    summary = client.get_user(user.uuid)
    UserService().update_profile(actor_uuid=user.uuid, display_name="Renamed")

    assert summary.display_name == "Alice"
    with pytest.raises(ValueError, match="frozen"):
        summary.display_name = "Changed"  # type: ignore[misc]
