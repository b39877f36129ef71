"""UserService: registration rules, profile changes, deactivation and lookups."""

from uuid import uuid4

import pytest
from django.db.models.signals import pre_save
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from services.users.models import OutboxEvent, User
from services.users.services.token_service import TokenService
from services.users.services.user_service import UserService
from services.users.tests.conftest import PASSWORD
from shared.kit.errors import AuthenticationFailedError, NotFoundError, ValidationError
from users_contracts.v1.events import UserDeleted

pytestmark = pytest.mark.django_db(databases=["users"])


def stored(user: User) -> User:
    return User.objects.using("users").get(pk=user.pk)


# --- register -------------------------------------------------------------------------------------


def test_register_stores_the_email_stripped_and_lower_cased():
    user = UserService().register(email="  Alice.Smith@Example.COM ", password=PASSWORD)

    assert user.email == "alice.smith@example.com"
    assert stored(user).email == "alice.smith@example.com"


def test_register_hashes_the_password():
    user = UserService().register(email="alice@example.com", password=PASSWORD)

    assert stored(user).password != PASSWORD
    assert stored(user).check_password(PASSWORD)


@pytest.mark.parametrize(
    "second", ["alice@example.com", "ALICE@example.com", " Alice@Example.Com "]
)
def test_register_refuses_an_email_already_taken_in_any_case(make_user, second):
    make_user(email="alice@example.com")

    with pytest.raises(ValidationError) as caught:
        UserService().register(email=second, password=PASSWORD)

    assert list(caught.value.details) == ["email"]
    assert User.objects.using("users").count() == 1


# The same mailbox as alice@example.com, or an address no mailbox should be registered under.
LOOK_ALIKES = {
    "full-width-e": "alice@\uff45xample.com",
    "zero-width-space": "alice@exam\u200bple.com",
    "quoted-local-part": '"alice"@example.com',
    "bidi-override": "alice@\u202eexample.com",
}


@pytest.mark.parametrize("look_alike", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_register_refuses_a_look_alike_of_a_taken_email(make_user, look_alike):
    make_user(email="alice@example.com")

    with pytest.raises(ValidationError) as caught:
        UserService().register(email=look_alike, password=PASSWORD)

    assert list(caught.value.details) == ["email"]
    assert User.objects.using("users").count() == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("bob@b\u00fccher.example", "bob@xn--bcher-kva.example"),
        ("bob@xn--bcher-kva.example", "bob@B\u00dcCHER.example"),
    ],
    ids=["unicode-then-punycode", "punycode-then-unicode"],
)
def test_register_refuses_the_other_form_of_an_internationalised_domain(make_user, first, second):
    make_user(email=first)

    with pytest.raises(ValidationError) as caught:
        UserService().register(email=second, password=PASSWORD)

    assert caught.value.details == {"email": ["A user with this email already exists."]}


def test_register_stores_an_internationalised_domain_in_punycode():
    user = UserService().register(email="Bob@B\u00fccher.example", password=PASSWORD)

    assert stored(user).email == "bob@xn--bcher-kva.example"
    assert user.display_name == "bob"


def test_register_refuses_the_email_of_a_deactivated_account(make_user):
    deleted = make_user(email="alice@example.com")
    UserService().deactivate(actor_uuid=deleted.uuid)

    with pytest.raises(ValidationError) as caught:
        UserService().register(email="Alice@example.com", password=PASSWORD)

    assert "email" in caught.value.details


def test_register_refuses_a_malformed_email():
    with pytest.raises(ValidationError) as caught:
        UserService().register(email="not-an-email", password=PASSWORD)

    assert "email" in caught.value.details


@pytest.mark.parametrize(
    ("email", "password", "fragment"),
    [
        ("alicewonderland@example.com", "alicewonderland", "too similar"),
        ("alice@example.com", "Xk9#q", "too short"),
        ("alice@example.com", "password", "too common"),
        ("alice@example.com", "8305716294", "entirely numeric"),
    ],
    ids=["similar", "short", "common", "numeric"],
)
def test_register_applies_each_default_password_validator(email, password, fragment):
    with pytest.raises(ValidationError) as caught:
        UserService().register(email=email, password=password)

    assert list(caught.value.details) == ["password"]
    assert any(fragment in message for message in caught.value.details["password"])
    assert not User.objects.using("users").exists()


def test_register_reports_every_failing_password_rule_at_once():
    with pytest.raises(ValidationError) as caught:
        UserService().register(email="alice@example.com", password="123")

    messages = " ".join(caught.value.details["password"])
    assert "too short" in messages
    assert "entirely numeric" in messages


@pytest.mark.parametrize(
    "blank",
    [" " * 12, "\t" * 10, "\u3000" * 10, " \u200b" * 6],
    ids=["spaces", "tabs", "ideographic", "zero-width"],
)
def test_register_refuses_a_password_made_only_of_whitespace(blank):
    with pytest.raises(ValidationError) as caught:
        UserService().register(email="alice@example.com", password=blank)

    assert caught.value.details == {
        "password": ["This password is made only of whitespace or invisible characters."]
    }
    assert not User.objects.using("users").exists()


def test_register_accepts_a_password_with_whitespace_among_other_characters():
    user = UserService().register(email="alice@example.com", password="  correct horse  battery ")

    assert stored(user).check_password("  correct horse  battery ")


def test_register_defaults_the_display_name_to_the_email_local_part():
    user = UserService().register(email="Bob.Builder@example.com", password=PASSWORD)

    assert user.display_name == "bob.builder"


def test_register_strips_the_display_name():
    user = UserService().register(email="bob@example.com", password=PASSWORD, display_name="  Bob ")

    assert stored(user).display_name == "Bob"


@pytest.mark.parametrize("display_name", ["", "   ", "x" * 101, " " + "x" * 101 + " "])
def test_register_refuses_a_display_name_outside_1_to_100_characters(display_name):
    with pytest.raises(ValidationError) as caught:
        UserService().register(
            email="bob@example.com", password=PASSWORD, display_name=display_name
        )

    assert list(caught.value.details) == ["display_name"]
    assert not User.objects.using("users").exists()


@pytest.mark.parametrize("display_name", ["B", "x" * 100, "  " + "x" * 100 + "  "])
def test_register_accepts_a_display_name_of_1_to_100_characters_after_stripping(display_name):
    user = UserService().register(
        email="bob@example.com", password=PASSWORD, display_name=display_name
    )

    assert stored(user).display_name == display_name.strip()


# --- update_profile -------------------------------------------------------------------------------


def test_update_profile_changes_the_display_name_only(user):
    before = stored(user)

    updated = UserService().update_profile(actor_uuid=user.uuid, display_name="  Alice B. ")

    after = stored(user)
    assert updated.display_name == after.display_name == "Alice B."
    assert (after.email, after.uuid, after.date_joined, after.password, after.is_active) == (
        before.email,
        before.uuid,
        before.date_joined,
        before.password,
        before.is_active,
    )


def test_update_profile_without_a_display_name_changes_nothing(user):
    updated = UserService().update_profile(actor_uuid=user.uuid)

    assert updated.display_name == stored(user).display_name == "Alice"


@pytest.mark.parametrize("display_name", ["", "  ", "x" * 101])
def test_update_profile_refuses_an_invalid_display_name(user, display_name):
    with pytest.raises(ValidationError) as caught:
        UserService().update_profile(actor_uuid=user.uuid, display_name=display_name)

    assert list(caught.value.details) == ["display_name"]
    assert stored(user).display_name == "Alice"


def test_update_profile_of_a_deactivated_account_is_not_found(user):
    UserService().deactivate(actor_uuid=user.uuid)

    with pytest.raises(NotFoundError):
        UserService().update_profile(actor_uuid=user.uuid, display_name="Ghost")


# --- deactivate -----------------------------------------------------------------------------------


def test_deactivate_marks_the_account_inactive_and_keeps_the_row(user):
    UserService().deactivate(actor_uuid=user.uuid)

    after = stored(user)
    assert after.is_active is False
    assert after.deactivated_at is not None


def test_deactivate_revokes_every_outstanding_refresh_token(user, make_user):
    tokens = TokenService()
    first = tokens.obtain_pair(email=user.email, password=PASSWORD)
    second = tokens.obtain_pair(email=user.email, password=PASSWORD)
    other = make_user()
    others_pair = tokens.obtain_pair(email=other.email, password=PASSWORD)

    UserService().deactivate(actor_uuid=user.uuid)

    revoked = BlacklistedToken.objects.using("users").filter(token__user=user)
    assert revoked.count() == OutstandingToken.objects.using("users").filter(user=user).count() == 2
    for pair in (first, second):
        with pytest.raises(AuthenticationFailedError):
            tokens.rotate(refresh=pair.refresh)
    assert tokens.rotate(refresh=others_pair.refresh).access


def test_deactivate_twice_is_not_found(user):
    UserService().deactivate(actor_uuid=user.uuid)

    with pytest.raises(NotFoundError):
        UserService().deactivate(actor_uuid=user.uuid)


def test_deactivate_publishes_user_deleted_in_its_transaction(user):
    UserService().deactivate(actor_uuid=user.uuid)

    row = OutboxEvent.objects.using("users").get()
    event = UserDeleted.model_validate(row.payload)
    assert event.event_id == row.event_id
    assert event.data.user_uuid == user.uuid
    assert event.aggregate_id == row.aggregate_id == str(user.uuid)
    assert (row.type, row.version, row.producer) == ("user.deleted", 1, "users")
    assert row.sent_at is None  # the test's transaction never commits: nothing was drained


def test_a_deactivation_that_fails_publishes_nothing(user, monkeypatch):
    def fail(self, *, user):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(TokenService, "revoke_all", fail)

    with pytest.raises(RuntimeError):
        UserService().deactivate(actor_uuid=user.uuid)

    assert not OutboxEvent.objects.using("users").exists()
    assert stored(user).is_active is True


def test_deactivating_an_unknown_account_publishes_nothing():
    with pytest.raises(NotFoundError):
        UserService().deactivate(actor_uuid=uuid4())

    assert not OutboxEvent.objects.using("users").exists()


# --- lookups --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "alice@example.com",
        "ALICE@Example.com",
        "  alice@example.COM ",
        "\uff41lice@\uff45xample.com",
    ],
)
def test_find_active_by_email_matches_any_spelling_of_the_address(user, email):
    assert UserService().find_active_by_email(email=email).uuid == user.uuid


@pytest.mark.parametrize("email", ["bob@b\u00fccher.example", "BOB@XN--BCHER-KVA.example"])
def test_find_active_by_email_matches_either_form_of_an_internationalised_domain(make_user, email):
    bob = make_user(email="bob@xn--bcher-kva.example")

    assert UserService().find_active_by_email(email=email).uuid == bob.uuid


def test_find_active_by_email_does_not_find_a_deactivated_account(user):
    UserService().deactivate(actor_uuid=user.uuid)

    with pytest.raises(NotFoundError):
        UserService().find_active_by_email(email="alice@example.com")


@pytest.mark.parametrize(
    "email",
    [
        "nobody@example.com",
        "not-an-email",
        "",
        "alice@",
        "alice@exam\u200bple.com",
        '"alice"@example.com',
    ],
)
def test_find_active_by_email_reports_unknown_or_malformed_emails_as_not_found(user, email):
    with pytest.raises(NotFoundError):
        UserService().find_active_by_email(email=email)


def test_get_active_returns_the_account(user):
    assert UserService().get_active(uuid=str(user.uuid)).pk == user.pk


@pytest.mark.parametrize("uuid", [uuid4(), "not-a-uuid", "", "1234"])
def test_get_active_reports_unknown_or_malformed_uuids_as_not_found(user, uuid):
    with pytest.raises(NotFoundError):
        UserService().get_active(uuid=uuid)


def test_get_active_does_not_find_a_deactivated_account(user):
    UserService().deactivate(actor_uuid=user.uuid)

    with pytest.raises(NotFoundError):
        UserService().get_active(uuid=user.uuid)


def test_is_active_is_false_for_deactivated_and_unknown_accounts(user, make_user):
    deleted = make_user()
    UserService().deactivate(actor_uuid=deleted.uuid)

    assert UserService().is_active(uuid=user.uuid) is True
    assert UserService().is_active(uuid=deleted.uuid) is False
    assert UserService().is_active(uuid=uuid4()) is False


def test_summaries_skips_inactive_and_unknown_accounts(make_user):
    alive, deleted = make_user(), make_user()
    UserService().deactivate(actor_uuid=deleted.uuid)

    found = UserService().summaries(uuids=[alive.uuid, deleted.uuid, uuid4()])

    assert [user.uuid for user in found] == [alive.uuid]


def test_summaries_includes_inactive_accounts_when_asked(make_user):
    alive, deleted = make_user(), make_user()
    UserService().deactivate(actor_uuid=deleted.uuid)

    found = UserService().summaries(uuids=[alive.uuid, deleted.uuid], include_inactive=True)

    assert {user.uuid for user in found} == {alive.uuid, deleted.uuid}


def test_register_that_loses_a_race_for_the_email_reports_it_taken():
    """Another registration inserts the same email between the check and the insert.

    The competitor's row is written from ``pre_save``, inside the register's own savepoint, so
    it is rolled back with it; what matters is that the unique violation becomes a field error.
    """

    def competitor_registers_first(sender, instance, **kwargs):
        pre_save.disconnect(competitor_registers_first, sender=User)
        User.objects.db_manager("users").create_user("alice@example.com", PASSWORD)

    pre_save.connect(competitor_registers_first, sender=User)
    try:
        with pytest.raises(ValidationError) as caught:
            UserService().register(email="Alice@example.com", password=PASSWORD)
    finally:
        pre_save.disconnect(competitor_registers_first, sender=User)

    assert list(caught.value.details) == ["email"]
