"""A project's members: listing, adding, removing, and the events they publish."""

import datetime as dt
from uuid import uuid4

import pytest
from django.utils import timezone

from services.projects.services import memberships, reads
from services.projects.tests.helpers import names, projects_db, published
from shared.kit.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)

pytestmark = projects_db


# --- members ------------------------------------------------------------------------------------


def test_owner_adds_a_member_by_email(owner, member, project):
    entry = memberships.add_member(
        actor_uuid=owner.uuid, project_uuid=project.uuid, email="MEMBER@example.com"
    )

    assert entry.user_uuid == member.uuid
    assert entry.display_name == "Max Member"
    assert entry.role == "member"
    assert entry.added_at is not None
    assert project.memberships.using("projects").get().user_uuid == member.uuid
    # The new member now sees the project.
    assert names(reads.list_projects(actor_uuid=member.uuid)) == ["Apollo"]


def test_add_member_with_unknown_email_is_a_validation_error(owner, project):
    with pytest.raises(ValidationError) as caught:
        memberships.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="nobody@example.com"
        )

    assert list(caught.value.details) == ["email"]
    assert not project.memberships.using("projects").exists()


def test_add_member_of_a_deleted_account_is_a_validation_error(users_fake, owner, member, project):
    users_fake.remove_user(member.uuid)

    with pytest.raises(ValidationError) as caught:
        memberships.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com"
        )

    assert list(caught.value.details) == ["email"]


def test_owner_cannot_add_itself_as_member(owner, project):
    with pytest.raises(ValidationError) as caught:
        memberships.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="owner@example.com"
        )

    assert list(caught.value.details) == ["email"]
    assert not project.memberships.using("projects").exists()


def test_adding_a_member_twice_is_a_conflict(owner, member, project):
    memberships.add_member(
        actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com"
    )

    with pytest.raises(ConflictError):
        memberships.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com"
        )

    assert project.memberships.using("projects").count() == 1


def test_member_cannot_add_members(make_user, member, shared_project):
    newcomer = make_user("new@example.com")

    with pytest.raises(PermissionDeniedError):
        memberships.add_member(
            actor_uuid=member.uuid, project_uuid=shared_project.uuid, email="new@example.com"
        )

    assert newcomer.uuid not in {
        m.user_uuid for m in shared_project.memberships.using("projects").all()
    }


def test_stranger_cannot_see_a_project_to_add_members(stranger, project):
    with pytest.raises(NotFoundError):
        memberships.add_member(
            actor_uuid=stranger.uuid, project_uuid=project.uuid, email="stranger@example.com"
        )


def test_add_member_when_users_is_unavailable_raises(users_fake, owner, project):
    users_fake.unavailable = True

    with pytest.raises(ServiceUnavailableError):
        memberships.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com"
        )

    assert not project.memberships.using("projects").exists()


def test_list_members_puts_the_owner_first_then_members_by_added_at(
    make_user, add_member, owner, project
):
    first = make_user(display_name="First")
    second = make_user(display_name="Second")
    add_member(project, second)
    add_member(project, first)
    # Make "first" the earlier member although it was added last.
    rows = project.memberships.using("projects")
    rows.filter(user_uuid=first.uuid).update(added_at=timezone.now() - dt.timedelta(hours=1))

    result = memberships.list_members(actor_uuid=owner.uuid, project_uuid=project.uuid)

    assert result.degraded is False
    assert [(m.user_uuid, m.display_name, m.role) for m in result.members] == [
        (owner.uuid, "Olivia Owner", "owner"),
        (first.uuid, "First", "member"),
        (second.uuid, "Second", "member"),
    ]
    assert result.members[0].added_at == project.created_at


def test_list_members_breaks_added_at_ties_by_insertion(make_user, add_member, owner, project):
    users = [make_user(display_name=f"U{i}") for i in range(3)]
    for user in users:
        add_member(project, user)
    project.memberships.using("projects").update(added_at=timezone.now())

    result = memberships.list_members(actor_uuid=owner.uuid, project_uuid=project.uuid)

    assert [m.user_uuid for m in result.members[1:]] == [user.uuid for user in users]


def test_member_may_list_members(member, owner, shared_project):
    result = memberships.list_members(actor_uuid=member.uuid, project_uuid=shared_project.uuid)

    assert [m.user_uuid for m in result.members] == [owner.uuid, member.uuid]


def test_stranger_cannot_list_members(stranger, shared_project):
    with pytest.raises(NotFoundError):
        memberships.list_members(actor_uuid=stranger.uuid, project_uuid=shared_project.uuid)


def test_list_members_is_degraded_without_users(users_fake, owner, member, shared_project):
    users_fake.unavailable = True

    result = memberships.list_members(actor_uuid=owner.uuid, project_uuid=shared_project.uuid)

    assert result.degraded is True
    assert [(m.user_uuid, m.display_name, m.role) for m in result.members] == [
        (owner.uuid, None, "owner"),
        (member.uuid, None, "member"),
    ]


def test_list_members_shows_no_name_for_a_deleted_account(
    users_fake, owner, member, shared_project
):
    users_fake.remove_user(member.uuid)

    result = memberships.list_members(actor_uuid=owner.uuid, project_uuid=shared_project.uuid)

    assert result.degraded is False
    assert [m.display_name for m in result.members] == ["Olivia Owner", None]


def test_owner_removes_a_member(owner, member, shared_project):
    memberships.remove_member(
        actor_uuid=owner.uuid, project_uuid=shared_project.uuid, user_uuid=member.uuid
    )

    assert not shared_project.memberships.using("projects").exists()
    assert list(reads.list_projects(actor_uuid=member.uuid)) == []


def test_member_removes_itself(member, shared_project):
    memberships.remove_member(
        actor_uuid=member.uuid, project_uuid=shared_project.uuid, user_uuid=str(member.uuid)
    )

    assert not shared_project.memberships.using("projects").exists()


def test_member_cannot_remove_another_member(make_user, add_member, member, shared_project):
    other = make_user()
    add_member(shared_project, other)

    with pytest.raises(PermissionDeniedError):
        memberships.remove_member(
            actor_uuid=member.uuid, project_uuid=shared_project.uuid, user_uuid=other.uuid
        )

    assert shared_project.memberships.using("projects").count() == 2


def test_the_owner_cannot_be_removed(owner, shared_project):
    with pytest.raises(ValidationError) as caught:
        memberships.remove_member(
            actor_uuid=owner.uuid, project_uuid=shared_project.uuid, user_uuid=owner.uuid
        )

    assert list(caught.value.details) == ["user_uuid"]


def test_a_member_may_not_remove_the_owner(owner, member, shared_project):
    with pytest.raises(PermissionDeniedError):
        memberships.remove_member(
            actor_uuid=member.uuid, project_uuid=shared_project.uuid, user_uuid=owner.uuid
        )


@pytest.mark.parametrize("user_uuid", [uuid4(), "not-a-uuid"])
def test_removing_a_non_member_is_not_found(owner, shared_project, user_uuid):
    with pytest.raises(NotFoundError):
        memberships.remove_member(
            actor_uuid=owner.uuid, project_uuid=shared_project.uuid, user_uuid=user_uuid
        )

    assert shared_project.memberships.using("projects").count() == 1


def test_stranger_cannot_remove_members(stranger, member, shared_project):
    with pytest.raises(NotFoundError):
        memberships.remove_member(
            actor_uuid=stranger.uuid, project_uuid=shared_project.uuid, user_uuid=member.uuid
        )
    with pytest.raises(NotFoundError):
        memberships.remove_member(
            actor_uuid=stranger.uuid, project_uuid=shared_project.uuid, user_uuid=stranger.uuid
        )

    assert shared_project.memberships.using("projects").count() == 1


# --- events -------------------------------------------------------------------------------------


def test_adding_and_removing_a_member_publish_their_events(project, owner, member):
    membership = {"project_uuid": str(project.uuid), "user_uuid": str(member.uuid)}

    memberships.add_member(
        actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com"
    )
    memberships.remove_member(
        actor_uuid=member.uuid, project_uuid=project.uuid, user_uuid=member.uuid
    )

    assert published()[-2:] == [
        ("project.member_added", membership),
        ("project.member_removed", membership),
    ]


def test_a_refused_removal_publishes_nothing(shared_project, member, stranger):
    before = published()

    with pytest.raises(PermissionDeniedError):
        memberships.remove_member(
            actor_uuid=member.uuid, project_uuid=shared_project.uuid, user_uuid=uuid4()
        )

    assert published() == before
