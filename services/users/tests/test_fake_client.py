"""FakeUsersClient: the in-memory UsersClient consumers test with behaves like the real one."""

from uuid import uuid4

import pytest

from shared.kit.errors import NotFoundError, ServiceUnavailableError
from users_contracts.v1 import UserSummary
from users_contracts.v1.fake import FakeUsersClient


@pytest.fixture
def fake() -> FakeUsersClient:
    return FakeUsersClient()


def test_add_user_defaults_the_display_name_to_the_email_local_part(fake):
    summary = fake.add_user(email="Carol.C@example.com")

    assert summary.display_name == "Carol.C"
    assert fake.get_user(summary.uuid) == summary


def test_get_users_leaves_out_unknown_and_removed_users(fake):
    alive = fake.add_user(email="a@example.com", display_name="A")
    removed = fake.add_user(email="b@example.com")
    fake.remove_user(removed.uuid)

    found = fake.get_users([alive.uuid, removed.uuid, uuid4()])

    assert found == {alive.uuid: UserSummary(uuid=alive.uuid, display_name="A")}


def test_get_user_of_an_unknown_or_removed_user_is_not_found(fake):
    removed = fake.add_user(email="b@example.com")
    fake.remove_user(removed.uuid)
    fake.remove_user(uuid4())  # removing an unknown user is harmless

    for uuid in (removed.uuid, uuid4()):
        with pytest.raises(NotFoundError):
            fake.get_user(uuid)


def test_find_by_email_matches_in_any_case(fake):
    summary = fake.add_user(email="Dora@Example.com", uuid=uuid4())

    assert fake.find_by_email("  DORA@example.COM ") == summary


def test_find_by_email_of_an_unknown_or_removed_user_is_not_found(fake):
    removed = fake.add_user(email="e@example.com")
    fake.remove_user(removed.uuid)

    for email in ("e@example.com", "nobody@example.com"):
        with pytest.raises(NotFoundError):
            fake.find_by_email(email)


def test_the_fake_records_calls_and_can_play_unavailable(fake):
    fake.get_users([])
    fake.unavailable = True

    with pytest.raises(ServiceUnavailableError):
        fake.find_by_email("a@example.com")
    assert fake.calls == ["get_users", "find_by_email"]
