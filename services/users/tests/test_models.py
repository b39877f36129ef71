"""The User model and its manager: lower-cased unique emails, superusers."""

import pytest
from django.db import IntegrityError, transaction

from services.users.models import User
from services.users.tests.conftest import PASSWORD
from shared.kit.errors import ValidationError

pytestmark = pytest.mark.django_db(databases=["users"])


def manager():
    return User.objects.db_manager("users")


def test_create_user_stores_the_email_stripped_and_lower_cased():
    user = manager().create_user("  Grace.Hopper@Example.COM ", PASSWORD)

    assert User.objects.using("users").get(pk=user.pk).email == "grace.hopper@example.com"


def test_create_user_stores_the_normalised_email_as_registration_does():
    user = manager().create_user("Grace@B\u00fccher.\uff45xample", PASSWORD)

    assert User.objects.using("users").get(pk=user.pk).email == "grace@xn--bcher-kva.example"


def test_create_user_refuses_an_email_with_invisible_characters():
    with pytest.raises(ValidationError):
        manager().create_user("grace@exam\u200bple.com", PASSWORD)

    assert not User.objects.using("users").exists()


def test_create_user_defaults_the_display_name_to_the_email_local_part():
    assert manager().create_user("Ada@example.com", PASSWORD).display_name == "ada"


def test_create_user_keeps_a_given_display_name():
    assert (
        manager().create_user("ada@example.com", PASSWORD, display_name="Ada L.").display_name
        == "Ada L."
    )


def test_create_user_truncates_a_long_local_part_to_a_valid_display_name():
    user = manager().create_user(f"{'a' * 120}@example.com", PASSWORD)

    assert user.display_name == "a" * 100


def test_create_user_hashes_the_password():
    user = manager().create_user("ada@example.com", PASSWORD)

    assert user.password != PASSWORD
    assert User.objects.using("users").get(pk=user.pk).check_password(PASSWORD)


def test_create_user_without_a_password_cannot_log_in():
    user = manager().create_user("ada@example.com")

    assert user.has_usable_password() is False


def test_a_new_user_is_active_and_not_staff():
    user = manager().create_user("ada@example.com", PASSWORD)

    assert (user.is_active, user.is_staff, user.is_superuser) == (True, False, False)
    assert user.deactivated_at is None
    assert user.uuid is not None


def test_create_superuser_makes_an_active_staff_superuser():
    admin = manager().create_superuser("Root@Example.com", PASSWORD)

    stored = User.objects.using("users").get(pk=admin.pk)
    assert (stored.is_staff, stored.is_superuser, stored.is_active) == (True, True, True)
    assert stored.email == "root@example.com"
    assert stored.check_password(PASSWORD)


def test_the_database_rejects_a_mixed_case_email_saved_directly():
    with pytest.raises(IntegrityError), transaction.atomic(using="users"):
        User(email="Mixed@Example.com", display_name="Mixed").save(using="users")

    assert not User.objects.using("users").exists()


def test_the_database_rejects_a_duplicate_email():
    manager().create_user("ada@example.com", PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic(using="users"):
        User(email="ada@example.com", display_name="Other").save(using="users")


def test_a_user_reads_as_its_email():
    assert str(manager().create_user("ada@example.com", PASSWORD)) == "ada@example.com"
