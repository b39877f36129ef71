"""One contract suite for the UsersClient Protocol, run against every implementation.

fake (in memory), local (in-process service call), wsgi (full HTTP path into this process, no
socket) and http (a live server on loopback): the same assertions must hold for all four.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest
from django.conf import settings

from services.users.client.local import LocalUsersClient
from services.users.services.user_service import UserService
from shared.core.clients.wsgi import in_process_base_url, in_process_transport
from shared.kit.errors import NotFoundError
from shared.kit.http import reset_clients
from users_contracts.v1 import UsersClient, UserSummary
from users_contracts.v1.fake import FakeUsersClient
from users_contracts.v1.http import HttpUsersClient

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Provider:
    client: UsersClient
    add_user: Callable[[str, str], UUID]  # (email, display name) -> uuid
    delete_user: Callable[[UUID], None]


def _real_users() -> tuple[Callable[[str, str], UUID], Callable[[UUID], None]]:
    def add(email: str, display_name: str) -> UUID:
        return (
            UserService().register(email=email, password=PASSWORD, display_name=display_name).uuid
        )

    def delete(uuid: UUID) -> None:
        UserService().deactivate(actor_uuid=uuid)

    return add, delete


# The live server answers from another thread, so on PostgreSQL it sees only committed rows.
HTTP = pytest.param("http", marks=pytest.mark.django_db(databases=["users"], transaction=True))


@pytest.fixture(params=["fake", "local", "wsgi", HTTP])
def provider(request) -> Iterator[Provider]:
    reset_clients()
    kind = request.param
    if kind == "fake":
        fake = FakeUsersClient()

        def add(email: str, display_name: str) -> UUID:
            return fake.add_user(email=email, display_name=display_name).uuid

        yield Provider(fake, add, fake.remove_user)
        return
    if kind == "http":
        live_server = request.getfixturevalue("live_server")
        client = HttpUsersClient(base_url=live_server.url, token=settings.INTERNAL_API_TOKEN)
    else:
        request.getfixturevalue("db")
        client = (
            LocalUsersClient()
            if kind == "local"
            else HttpUsersClient(
                base_url=in_process_base_url(),
                token=settings.INTERNAL_API_TOKEN,
                transport=in_process_transport(),
            )
        )
    yield Provider(client, *_real_users())
    reset_clients()


pytestmark = pytest.mark.django_db(databases=["users"])


def test_every_implementation_is_a_users_client(provider):
    # UsersClient is runtime_checkable: the registry checks the client it builds against it.
    assert isinstance(provider.client, UsersClient)


def test_get_users_returns_summaries_of_active_users_only(provider):
    ada = provider.add_user("ada@example.com", "Ada")
    bob = provider.add_user("bob@example.com", "Bob")
    gone = provider.add_user("gone@example.com", "Gone")
    provider.delete_user(gone)

    found = provider.client.get_users([ada, bob, gone, uuid4()])

    assert found == {
        ada: UserSummary(uuid=ada, display_name="Ada"),
        bob: UserSummary(uuid=bob, display_name="Bob"),
    }
    assert all(type(summary) is UserSummary for summary in found.values())


def test_get_users_of_nothing_is_empty(provider):
    assert provider.client.get_users([]) == {}


def test_get_users_takes_more_than_one_batch(provider):
    uuids = [provider.add_user(f"user{i}@example.com", f"User {i}") for i in range(105)]
    assert set(provider.client.get_users(uuids)) == set(uuids)


def test_get_user_returns_one_summary(provider):
    ada = provider.add_user("ada@example.com", "Ada")
    assert provider.client.get_user(ada) == UserSummary(uuid=ada, display_name="Ada")


def test_get_user_of_unknown_or_deleted_is_not_found(provider):
    gone = provider.add_user("gone@example.com", "Gone")
    provider.delete_user(gone)
    for uuid in (gone, uuid4()):
        with pytest.raises(NotFoundError):
            provider.client.get_user(uuid)


def test_find_by_email_ignores_case(provider):
    ada = provider.add_user("ada@example.com", "Ada")
    assert provider.client.find_by_email("ADA@Example.COM") == UserSummary(
        uuid=ada, display_name="Ada"
    )


# The fake (pure Python, for consumers' tests) only strips and lower-cases; the real providers
# share users' normalisation, which is what projects' add-member reaches in every topology.
@pytest.mark.parametrize("provider", ["local", "wsgi", HTTP], indirect=True)
@pytest.mark.parametrize(
    "spelling", ["\uff21da@\uff45xample.com", "ada@EXAMPLE.com", "ada@example.com"]
)
def test_find_by_email_matches_any_spelling_of_the_address(provider, spelling):
    ada = provider.add_user("ada@example.com", "Ada")

    assert provider.client.find_by_email(spelling) == UserSummary(uuid=ada, display_name="Ada")


@pytest.mark.parametrize("provider", ["local", "wsgi", HTTP], indirect=True)
def test_find_by_email_matches_either_form_of_an_internationalised_domain(provider):
    bob = provider.add_user("bob@b\u00fccher.example", "Bob")

    for spelling in ("bob@b\u00fccher.example", "bob@xn--bcher-kva.example"):
        assert provider.client.find_by_email(spelling).uuid == bob


@pytest.mark.parametrize("provider", ["local", "wsgi", HTTP], indirect=True)
def test_find_by_email_of_an_address_with_invisible_characters_is_not_found(provider):
    provider.add_user("ada@example.com", "Ada")

    with pytest.raises(NotFoundError):
        provider.client.find_by_email("ada@exam\u200bple.com")


def test_find_by_email_of_unknown_or_deleted_is_not_found(provider):
    gone = provider.add_user("gone@example.com", "Gone")
    provider.delete_user(gone)
    for email in ("gone@example.com", "nobody@example.com", "not-an-email"):
        with pytest.raises(NotFoundError):
            provider.client.find_by_email(email)
