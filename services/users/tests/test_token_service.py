"""TokenService: obtaining pairs, one-time rotation, logout, revocation and the published key."""

import hashlib
from datetime import timedelta

import jwt
import pytest
from django.db.models.signals import pre_save
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from services.users.services.token_service import TokenService
from services.users.services.tokens import RefreshToken
from services.users.services.user_service import UserService
from services.users.tests.conftest import PASSWORD
from shared.core.authentication.tokens import token_backend
from shared.core.testing import mint_token
from shared.kit.errors import AuthenticationFailedError, ValidationError

pytestmark = pytest.mark.django_db(databases=["users"])


def claims(token: str) -> dict:
    return token_backend().decode(token)


def is_revoked(refresh: str) -> bool:
    return (
        BlacklistedToken.objects.using("users").filter(token__jti=claims(refresh)["jti"]).exists()
    )


# --- obtain_pair ----------------------------------------------------------------------------------


def test_obtain_pair_issues_an_access_and_a_refresh_token_for_the_user(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    access, refresh = claims(pair.access), claims(pair.refresh)
    assert access["sub"] == refresh["sub"] == str(user.uuid)
    assert (access["token_type"], refresh["token_type"]) == ("access", "refresh")


def test_obtain_pair_accepts_the_email_in_any_case(user):
    pair = TokenService().obtain_pair(email="  ALICE@Example.com ", password=PASSWORD)

    assert claims(pair.access)["sub"] == str(user.uuid)


def test_obtain_pair_accepts_the_full_width_spelling_of_the_email(user):
    pair = TokenService().obtain_pair(email="\uff41lice@\uff45xample.com", password=PASSWORD)

    assert claims(pair.access)["sub"] == str(user.uuid)


def test_obtain_pair_accepts_either_form_of_an_internationalised_domain(make_user):
    bob = make_user(email="bob@b\u00fccher.example")

    for spelling in ("bob@b\u00fccher.example", "bob@xn--bcher-kva.example"):
        pair = TokenService().obtain_pair(email=spelling, password=PASSWORD)
        assert claims(pair.access)["sub"] == str(bob.uuid)


def test_obtain_pair_records_the_refresh_token_as_outstanding(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    outstanding = OutstandingToken.objects.using("users").get(jti=claims(pair.refresh)["jti"])
    assert outstanding.user_id == user.pk


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("alice@example.com", "wrong-password-123"),
        ("nobody@example.com", PASSWORD),
        ("", PASSWORD),
        ("alice@example.com", ""),
        ("alice@exam\u200bple.com", PASSWORD),
        ('"alice"@example.com', PASSWORD),
    ],
    ids=["wrong-password", "unknown-email", "no-email", "no-password", "invisible", "quoted"],
)
def test_obtain_pair_refuses_bad_credentials(user, email, password):
    with pytest.raises(AuthenticationFailedError):
        TokenService().obtain_pair(email=email, password=password)


def test_obtain_pair_refuses_a_deactivated_account(user):
    UserService().deactivate(actor_uuid=user.uuid)

    with pytest.raises(AuthenticationFailedError):
        TokenService().obtain_pair(email=user.email, password=PASSWORD)


# --- rotate ---------------------------------------------------------------------------------------


def test_rotate_issues_a_new_pair_for_the_same_user(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    rotated = TokenService().rotate(refresh=pair.refresh)

    assert rotated.refresh != pair.refresh
    assert claims(rotated.refresh)["jti"] != claims(pair.refresh)["jti"]
    assert claims(rotated.access)["sub"] == str(user.uuid)
    assert is_revoked(pair.refresh)
    assert not is_revoked(rotated.refresh)


def test_rotate_works_once_per_refresh_token(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    TokenService().rotate(refresh=pair.refresh)

    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=pair.refresh)


def test_rotated_refresh_token_can_be_rotated_in_turn(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    again = TokenService().rotate(refresh=TokenService().rotate(refresh=pair.refresh).refresh)

    assert claims(again.access)["sub"] == str(user.uuid)


def test_rotation_that_passed_the_checks_loses_to_one_that_already_blacklisted(user):
    """Two rotations of one token race: both verified it, only the first insert wins."""
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    service = TokenService()
    token = RefreshToken(pair.refresh)  # the slower rotation has verified the token...

    service.rotate(refresh=pair.refresh)  # ...when the faster one completes

    outstanding = service._outstanding(token, pair.refresh, user)
    assert service._blacklist(outstanding) is False


def test_rotation_interleaved_with_a_competing_rotation_fails(user):
    """A second rotation runs to completion between this one's checks and its blacklist insert.

    SQLite's in-memory test database cannot run real concurrent writers (they get "database
    table is locked"), so the competitor runs from ``pre_save`` of the blacklist row, inside the
    slower rotation's savepoint; that savepoint's rollback also undoes the competitor's row.
    """
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    competitor: list = []

    def competing_rotation(sender, **kwargs):
        pre_save.disconnect(competing_rotation, sender=BlacklistedToken)
        competitor.append(TokenService().rotate(refresh=pair.refresh))

    pre_save.connect(competing_rotation, sender=BlacklistedToken)
    try:
        with pytest.raises(AuthenticationFailedError):
            TokenService().rotate(refresh=pair.refresh)
    finally:
        pre_save.disconnect(competing_rotation, sender=BlacklistedToken)

    assert len(competitor) == 1
    assert claims(competitor[0].access)["sub"] == str(user.uuid)


def test_blacklisting_a_token_succeeds_only_the_first_time(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    service = TokenService()
    outstanding = service._outstanding(RefreshToken(pair.refresh), pair.refresh, user)

    assert service._blacklist(outstanding) is True
    assert service._blacklist(outstanding) is False
    assert BlacklistedToken.objects.using("users").filter(token=outstanding).count() == 1


@pytest.mark.parametrize("refresh", ["", "garbage", "a.b.c"])
def test_rotate_refuses_a_malformed_token(refresh):
    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=refresh)


def test_rotate_refuses_an_access_token(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=pair.access)


def test_rotate_refuses_an_expired_refresh_token(user):
    expired = mint_token(user.uuid, token_type="refresh", lifetime=timedelta(seconds=-60))

    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=expired)


def test_rotate_refuses_the_refresh_token_of_a_deactivated_account(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    UserService().deactivate(actor_uuid=user.uuid)

    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=pair.refresh)


def test_rotate_refuses_a_refresh_token_for_an_unknown_subject(user):
    stranger = mint_token("00000000-0000-4000-8000-000000000000", token_type="refresh")

    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=stranger)


def test_rotate_accepts_a_valid_refresh_token_it_never_issued_once(user):
    """A token signed with the key but not recorded (e.g. issued before a restore) rotates once."""
    minted = mint_token(user.uuid, token_type="refresh")

    TokenService().rotate(refresh=minted)

    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=minted)


# --- logout ---------------------------------------------------------------------------------------


def test_logout_revokes_the_callers_refresh_token(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    TokenService().logout(actor_uuid=user.uuid, refresh=pair.refresh)

    assert is_revoked(pair.refresh)
    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=pair.refresh)


def test_logout_leaves_the_callers_other_sessions_alone(user):
    first = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    second = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    TokenService().logout(actor_uuid=user.uuid, refresh=first.refresh)

    assert not is_revoked(second.refresh)


def test_logout_refuses_another_users_refresh_token(user, make_user):
    other = make_user()
    others_pair = TokenService().obtain_pair(email=other.email, password=PASSWORD)

    with pytest.raises(ValidationError) as caught:
        TokenService().logout(actor_uuid=user.uuid, refresh=others_pair.refresh)

    assert list(caught.value.details) == ["refresh"]
    assert not is_revoked(others_pair.refresh)


def test_logout_of_an_already_revoked_refresh_token_is_not_an_error(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    TokenService().rotate(refresh=pair.refresh)

    TokenService().logout(actor_uuid=user.uuid, refresh=pair.refresh)
    TokenService().logout(actor_uuid=user.uuid, refresh=pair.refresh)

    assert (
        BlacklistedToken.objects.using("users")
        .filter(token__jti=claims(pair.refresh)["jti"])
        .count()
        == 1
    )


def test_logout_refuses_an_access_token_given_as_refresh(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    with pytest.raises(ValidationError) as caught:
        TokenService().logout(actor_uuid=user.uuid, refresh=pair.access)

    assert list(caught.value.details) == ["refresh"]


@pytest.mark.parametrize("refresh", ["", "garbage", None])
def test_logout_refuses_a_malformed_refresh_token(user, refresh):
    with pytest.raises(ValidationError) as caught:
        TokenService().logout(actor_uuid=user.uuid, refresh=refresh)

    assert list(caught.value.details) == ["refresh"]


def test_logout_revokes_a_valid_refresh_token_it_never_recorded(user):
    minted = mint_token(user.uuid, token_type="refresh")

    TokenService().logout(actor_uuid=user.uuid, refresh=minted)

    assert is_revoked(minted)


# --- revoke_all -----------------------------------------------------------------------------------


def test_revoke_all_blacklists_only_the_users_outstanding_tokens(user, make_user):
    pairs = [TokenService().obtain_pair(email=user.email, password=PASSWORD) for _ in range(3)]
    TokenService().rotate(refresh=pairs[0].refresh)  # already blacklisted, plus a new one
    other = make_user()
    others_pair = TokenService().obtain_pair(email=other.email, password=PASSWORD)

    revoked = TokenService().revoke_all(user=user)

    assert revoked == 3
    assert TokenService().revoke_all(user=user) == 0
    assert not is_revoked(others_pair.refresh)


# --- storage at rest ------------------------------------------------------------------------------


def stored_tokens() -> list[str]:
    return list(OutstandingToken.objects.using("users").values_list("token", flat=True))


def assert_only_digests_stored(*raw_tokens: str) -> None:
    """No row holds a refresh token in clear, and each given token's row holds its digest."""
    stored = stored_tokens()
    assert not any(raw in value for raw in raw_tokens for value in stored)
    for raw in raw_tokens:
        row = OutstandingToken.objects.using("users").get(jti=claims(raw)["jti"])
        assert row.token == hashlib.sha256(raw.encode()).hexdigest()


def test_obtain_pair_stores_only_the_digest_of_the_refresh_token(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    assert_only_digests_stored(pair.refresh)
    assert len(stored_tokens()) == 1


def test_rotate_stores_only_digests_and_still_works_once(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    rotated = TokenService().rotate(refresh=pair.refresh)

    assert_only_digests_stored(pair.refresh, rotated.refresh)
    assert is_revoked(pair.refresh)
    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=pair.refresh)
    TokenService().rotate(refresh=rotated.refresh)


def test_rotate_of_a_token_it_never_recorded_stores_only_its_digest(user):
    minted = mint_token(user.uuid, token_type="refresh")

    rotated = TokenService().rotate(refresh=minted)

    assert_only_digests_stored(minted, rotated.refresh)


def test_logout_stores_only_digests_and_still_revokes(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    minted = mint_token(user.uuid, token_type="refresh")

    TokenService().logout(actor_uuid=user.uuid, refresh=pair.refresh)
    TokenService().logout(actor_uuid=user.uuid, refresh=minted)

    assert_only_digests_stored(pair.refresh, minted)
    assert is_revoked(pair.refresh)
    assert is_revoked(minted)
    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=pair.refresh)


def test_revoke_all_still_revokes_tokens_stored_as_digests(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    TokenService().revoke_all(user=user)

    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=pair.refresh)


# --- jwks -----------------------------------------------------------------------------------------


def test_jwks_publishes_the_key_access_tokens_name_in_their_kid(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)

    (key,) = TokenService().jwks()["keys"]

    assert key["kid"] == jwt.get_unverified_header(pair.access)["kid"]
    assert key["kid"] == jwt.get_unverified_header(pair.refresh)["kid"]


def test_jwks_key_verifies_the_access_tokens(user):
    pair = TokenService().obtain_pair(email=user.email, password=PASSWORD)
    (key,) = TokenService().jwks()["keys"]

    public_key = jwt.PyJWK.from_dict(key).key
    decoded = jwt.decode(
        pair.access, public_key, algorithms=["RS256"], audience="api", issuer="users"
    )

    assert decoded["sub"] == str(user.uuid)


def test_rotate_refuses_a_refresh_token_whose_subject_is_not_a_uuid():
    with pytest.raises(AuthenticationFailedError):
        TokenService().rotate(refresh=mint_token("not-a-uuid", token_type="refresh"))


def test_logout_refuses_a_refresh_token_without_expiry(user):
    refresh = mint_token(user.uuid, token_type="refresh", exp=None)
    with pytest.raises(ValidationError) as error:
        TokenService().logout(actor_uuid=user.uuid, refresh=refresh)
    assert "refresh" in error.value.details
