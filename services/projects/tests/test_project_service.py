"""ProjectService: every rule of projects and their members, through its public methods."""

import datetime as dt
from uuid import uuid4

import pytest
from django.utils import timezone

from services.projects.models import Project
from services.projects.services.project_service import ProjectService
from services.projects.tests.helpers import projects_db
from shared.kit.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)

pytestmark = projects_db


def names(projects) -> list[str]:
    return [project.name for project in projects]


def set_created_at(project: Project, when: dt.datetime) -> None:
    Project.all_objects.using("projects").filter(pk=project.pk).update(created_at=when)


# --- creating -----------------------------------------------------------------------------------


def test_create_project_assigns_the_actor_as_owner(service, owner):
    project = service.create_project(actor_uuid=owner.uuid, name="Apollo")

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert stored.owner_uuid == owner.uuid


def test_create_project_applies_defaults(service, owner):
    project = service.create_project(actor_uuid=owner.uuid, name="Apollo")

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert stored.status == "draft"
    assert stored.priority == 2
    assert stored.description == ""
    assert stored.start_date is None
    assert stored.due_date is None
    assert stored.deleted_at is None


def test_create_project_keeps_every_given_field(service, owner):
    project = service.create_project(
        actor_uuid=owner.uuid,
        name="Apollo",
        description="To the moon",
        status="active",
        priority=4,
        start_date=dt.date(2030, 1, 1),
        due_date=dt.date(2030, 1, 1),
    )

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert (stored.description, stored.status, stored.priority) == ("To the moon", "active", 4)
    assert stored.start_date == stored.due_date == dt.date(2030, 1, 1)


def test_create_project_strips_the_name(service, owner):
    project = service.create_project(actor_uuid=owner.uuid, name="  Apollo \n")

    assert Project.objects.using("projects").get(uuid=project.uuid).name == "Apollo"


@pytest.mark.parametrize("name", ["", "   ", "\t\n", None])
def test_create_project_rejects_a_blank_name(service, owner, name):
    with pytest.raises(ValidationError) as caught:
        service.create_project(actor_uuid=owner.uuid, name=name)

    assert "name" in caught.value.details
    assert not Project.all_objects.using("projects").exists()


def test_create_project_accepts_names_of_1_and_200_characters(service, owner):
    short = service.create_project(actor_uuid=owner.uuid, name="A")
    long = service.create_project(actor_uuid=owner.uuid, name=" " + "x" * 200 + " ")

    assert short.name == "A"
    assert long.name == "x" * 200


def test_create_project_rejects_a_name_over_200_characters(service, owner):
    with pytest.raises(ValidationError) as caught:
        service.create_project(actor_uuid=owner.uuid, name="x" * 201)

    assert list(caught.value.details) == ["name"]


def test_create_project_rejects_start_after_due_under_due_date(service, owner):
    with pytest.raises(ValidationError) as caught:
        service.create_project(
            actor_uuid=owner.uuid,
            name="Apollo",
            start_date=dt.date(2030, 2, 2),
            due_date=dt.date(2030, 2, 1),
        )

    assert list(caught.value.details) == ["due_date"]
    assert not Project.all_objects.using("projects").exists()


def test_create_project_allows_only_one_of_the_dates(service, owner):
    started = service.create_project(
        actor_uuid=owner.uuid, name="A", start_date=dt.date(2030, 2, 2)
    )
    due = service.create_project(actor_uuid=owner.uuid, name="B", due_date=dt.date(2000, 1, 1))

    assert started.due_date is None
    assert due.start_date is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "paused"),
        ("priority", 0),
        ("priority", 5),
        ("description", "x" * 10_001),
        ("description", None),
    ],
)
def test_create_project_rejects_invalid_values(service, owner, field, value):
    with pytest.raises(ValidationError) as caught:
        service.create_project(actor_uuid=owner.uuid, name="Apollo", **{field: value})

    assert list(caught.value.details) == [field]


def test_create_project_accepts_a_description_of_10000_characters(service, owner):
    project = service.create_project(actor_uuid=owner.uuid, name="A", description="d" * 10_000)

    assert len(project.description) == 10_000


# --- updating and deleting ----------------------------------------------------------------------


def test_owner_updates_a_project(service, owner, project):
    updated = service.update_project(
        actor_uuid=owner.uuid,
        project_uuid=project.uuid,
        name="  Artemis ",
        status="active",
        priority=3,
        description="Back to the moon",
    )

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert updated.name == stored.name == "Artemis"
    assert (stored.status, stored.priority, stored.description) == (
        "active",
        3,
        "Back to the moon",
    )


def test_update_keeps_the_values_of_omitted_fields(service, owner, project):
    service.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, priority=4)

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert stored.priority == 4
    assert stored.name == "Apollo"
    assert stored.description == "Land on the moon"
    assert stored.start_date == dt.date(2030, 1, 10)
    assert stored.due_date == dt.date(2030, 6, 30)


def test_update_accepts_a_project_uuid_as_string(service, owner, project):
    service.update_project(actor_uuid=owner.uuid, project_uuid=str(project.uuid), name="B")

    assert Project.objects.using("projects").get(uuid=project.uuid).name == "B"


def test_update_checks_dates_on_the_merged_result(service, owner, project):
    # The project starts on 2030-01-10: a new due date before it breaks the rule.
    with pytest.raises(ValidationError) as caught:
        service.update_project(
            actor_uuid=owner.uuid, project_uuid=project.uuid, due_date=dt.date(2030, 1, 9)
        )

    assert list(caught.value.details) == ["due_date"]
    assert Project.objects.using("projects").get(uuid=project.uuid).due_date == dt.date(2030, 6, 30)


def test_update_checks_a_new_start_against_the_existing_due_date(service, owner, project):
    with pytest.raises(ValidationError) as caught:
        service.update_project(
            actor_uuid=owner.uuid, project_uuid=project.uuid, start_date=dt.date(2030, 7, 1)
        )

    assert list(caught.value.details) == ["due_date"]


def test_update_may_clear_a_date_to_lift_the_rule(service, owner, project):
    service.update_project(
        actor_uuid=owner.uuid,
        project_uuid=project.uuid,
        due_date=None,
        start_date=dt.date(2031, 1, 1),
    )

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert (stored.start_date, stored.due_date) == (dt.date(2031, 1, 1), None)


def test_update_rejects_invalid_values_and_keeps_the_row(service, owner, project):
    with pytest.raises(ValidationError) as caught:
        service.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name=" ")

    assert list(caught.value.details) == ["name"]
    assert Project.objects.using("projects").get(uuid=project.uuid).name == "Apollo"


def test_member_cannot_update_project(service, member, shared_project):
    with pytest.raises(PermissionDeniedError):
        service.update_project(actor_uuid=member.uuid, project_uuid=shared_project.uuid, name="B")

    assert Project.objects.using("projects").get(uuid=shared_project.uuid).name == "Apollo"


def test_stranger_cannot_see_a_project_to_update(service, stranger, project):
    with pytest.raises(NotFoundError):
        service.update_project(actor_uuid=stranger.uuid, project_uuid=project.uuid, name="B")


def test_member_cannot_delete_project(service, member, shared_project):
    with pytest.raises(PermissionDeniedError):
        service.delete_project(actor_uuid=member.uuid, project_uuid=shared_project.uuid)

    assert Project.objects.using("projects").filter(uuid=shared_project.uuid).exists()


def test_stranger_cannot_see_a_project_to_delete(service, stranger, project):
    with pytest.raises(NotFoundError):
        service.delete_project(actor_uuid=stranger.uuid, project_uuid=project.uuid)

    assert Project.objects.using("projects").filter(uuid=project.uuid).exists()


def test_delete_is_soft(service, owner, project):
    service.delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)

    row = Project.all_objects.using("projects").get(uuid=project.uuid)
    assert row.deleted_at is not None
    assert list(service.list_projects(actor_uuid=owner.uuid)) == []
    with pytest.raises(NotFoundError):
        service.get_project(actor_uuid=owner.uuid, project_uuid=project.uuid)


def test_deleted_project_can_be_neither_updated_nor_deleted_again(service, owner, project):
    service.delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)

    with pytest.raises(NotFoundError):
        service.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name="B")
    with pytest.raises(NotFoundError):
        service.delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)


def test_deleted_project_disappears_for_its_members_too(service, owner, member, shared_project):
    service.delete_project(actor_uuid=owner.uuid, project_uuid=shared_project.uuid)

    assert list(service.list_projects(actor_uuid=member.uuid)) == []
    with pytest.raises(NotFoundError):
        service.list_members(actor_uuid=member.uuid, project_uuid=shared_project.uuid)


# --- reading ------------------------------------------------------------------------------------


def test_get_project_for_owner_and_member(service, owner, member, shared_project):
    assert service.get_project(actor_uuid=owner.uuid, project_uuid=shared_project.uuid) == (
        shared_project
    )
    assert service.get_project(actor_uuid=member.uuid, project_uuid=str(shared_project.uuid)) == (
        shared_project
    )


@pytest.mark.parametrize("project_uuid", ["not-a-uuid", "", "123", str(uuid4())])
def test_get_project_with_malformed_or_unknown_uuid_is_not_found(service, owner, project_uuid):
    with pytest.raises(NotFoundError):
        service.get_project(actor_uuid=owner.uuid, project_uuid=project_uuid)


def test_stranger_cannot_get_a_project(service, stranger, project):
    with pytest.raises(NotFoundError):
        service.get_project(actor_uuid=stranger.uuid, project_uuid=project.uuid)


def test_list_shows_owned_and_member_projects_only(
    service, make_user, make_project, add_member, owner, member
):
    other = make_user()
    mine = make_project("Mine", actor_uuid=member.uuid)
    shared = make_project("Shared")
    add_member(shared, member)
    make_project("Owner only")
    make_project("Other's", actor_uuid=other.uuid)
    elsewhere = make_project("Shared with someone else", actor_uuid=other.uuid)
    add_member(elsewhere, owner)

    visible = service.list_projects(actor_uuid=member.uuid, ordering="name")

    assert names(visible) == [mine.name, shared.name]


def test_list_shows_a_project_once_whatever_its_member_count(
    service, make_user, make_project, add_member, owner
):
    project = make_project("Crowded")
    for _ in range(3):
        add_member(project, make_user())

    assert names(service.list_projects(actor_uuid=owner.uuid)) == ["Crowded"]


def test_list_filters_by_status_and_priority(service, owner, make_project):
    make_project("Draft low", status="draft", priority=1)
    make_project("Active low", status="active", priority=1)
    make_project("Active high", status="active", priority=3)

    assert names(
        service.list_projects(actor_uuid=owner.uuid, status="active", ordering="name")
    ) == [
        "Active high",
        "Active low",
    ]
    assert names(service.list_projects(actor_uuid=owner.uuid, priority=1, ordering="name")) == [
        "Active low",
        "Draft low",
    ]
    assert names(service.list_projects(actor_uuid=owner.uuid, status="active", priority=1)) == [
        "Active low"
    ]


def test_list_search_is_case_insensitive_on_name_or_description(service, owner, make_project):
    make_project("Moon landing")
    make_project("Rover", description="Drive on the MOON surface")
    make_project("Mars", description="Red planet")

    found = service.list_projects(actor_uuid=owner.uuid, search="mOoN", ordering="name")

    assert names(found) == ["Moon landing", "Rover"]


def test_list_with_empty_search_returns_everything(service, owner, make_project):
    make_project("A")
    make_project("B")

    assert len(service.list_projects(actor_uuid=owner.uuid, search="")) == 2


@pytest.fixture
def dated_projects(make_project):
    """Three projects created at known times, in the order old, middle, new."""
    base = timezone.now() - dt.timedelta(days=1)
    projects = [make_project(name) for name in ("old", "middle", "new")]
    for offset, project in enumerate(projects):
        set_created_at(project, base + dt.timedelta(minutes=offset))
    return projects


def test_list_default_order_is_newest_first(service, owner, dated_projects):
    assert names(service.list_projects(actor_uuid=owner.uuid)) == ["new", "middle", "old"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("created_at", ["old", "middle", "new"]),
        ("-created_at", ["new", "middle", "old"]),
        ("bogus", ["new", "middle", "old"]),
        ("-bogus", ["new", "middle", "old"]),
        ("", ["new", "middle", "old"]),
        ("owner_uuid", ["new", "middle", "old"]),
    ],
)
def test_list_orders_by_creation_and_ignores_unknown_keys(
    service, owner, dated_projects, ordering, expected
):
    assert names(service.list_projects(actor_uuid=owner.uuid, ordering=ordering)) == expected


def test_list_breaks_creation_time_ties_by_creation_order(service, owner, make_project):
    projects = [make_project(name) for name in ("first", "second", "third")]
    same_time = timezone.now() - dt.timedelta(hours=1)
    for project in projects:
        set_created_at(project, same_time)

    assert names(service.list_projects(actor_uuid=owner.uuid)) == ["first", "second", "third"]
    assert names(service.list_projects(actor_uuid=owner.uuid, ordering="created_at")) == [
        "first",
        "second",
        "third",
    ]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("priority", ["low", "mid-1", "mid-2", "critical"]),
        ("-priority", ["critical", "mid-1", "mid-2", "low"]),
    ],
)
def test_list_orders_by_priority_with_ties_by_creation_order(
    service, owner, make_project, ordering, expected
):
    make_project("mid-1", priority=2)
    make_project("critical", priority=4)
    make_project("mid-2", priority=2)
    make_project("low", priority=1)

    assert names(service.list_projects(actor_uuid=owner.uuid, ordering=ordering)) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("due_date", ["early", "late", "none-1", "none-2"]),
        ("-due_date", ["late", "early", "none-1", "none-2"]),
    ],
)
def test_list_orders_by_due_date_with_nulls_last(service, owner, make_project, ordering, expected):
    make_project("none-1")
    make_project("late", due_date=dt.date(2031, 1, 1))
    make_project("none-2")
    make_project("early", due_date=dt.date(2030, 1, 1))

    assert names(service.list_projects(actor_uuid=owner.uuid, ordering=ordering)) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["B", "Z", "a", "b", "é"]),
        ("-name", ["é", "b", "a", "Z", "B"]),
    ],
)
def test_list_orders_names_by_code_point(service, owner, make_project, ordering, expected):
    for name in ("é", "a", "Z", "b", "B"):
        make_project(name)

    assert names(service.list_projects(actor_uuid=owner.uuid, ordering=ordering)) == expected


def test_list_breaks_name_ties_by_creation_order(service, owner, make_project):
    first = make_project("Same", description="first")
    second = make_project("Same", description="second")

    for ordering in ("name", "-name"):
        listed = list(service.list_projects(actor_uuid=owner.uuid, ordering=ordering))
        assert listed == [first, second]


# --- owners -------------------------------------------------------------------------------------


def test_owners_of_fetches_all_owners_in_one_call(
    service, users_fake, make_user, make_project, owner
):
    other = make_user(display_name="Other")
    projects = [make_project("A"), make_project("B"), make_project("C", actor_uuid=other.uuid)]
    users_fake.calls.clear()

    lookup = service.owners_of(projects=projects)

    assert users_fake.calls == ["get_users"]
    assert lookup.degraded is False
    assert {uuid: user.display_name for uuid, user in lookup.owners.items()} == {
        owner.uuid: "Olivia Owner",
        other.uuid: "Other",
    }


def test_owners_of_no_projects_makes_no_call(service, users_fake):
    lookup = service.owners_of(projects=[])

    assert users_fake.calls == []
    assert (lookup.owners, lookup.degraded) == ({}, False)


def test_owners_of_is_degraded_when_users_is_unavailable(service, users_fake, project):
    users_fake.unavailable = True

    lookup = service.owners_of(projects=[project])

    assert (lookup.owners, lookup.degraded) == ({}, True)


def test_service_uses_an_injected_users_client(owner, project, users_fake):
    from users_contracts.v1.fake import FakeUsersClient

    injected = FakeUsersClient()
    injected.add_user(email="x@example.com", display_name="Injected", uuid=owner.uuid)

    lookup = ProjectService(users_client=injected).owners_of(projects=[project])

    assert lookup.owners[owner.uuid].display_name == "Injected"
    assert injected.calls == ["get_users"]
    assert users_fake.calls == []


# --- members ------------------------------------------------------------------------------------


def test_owner_adds_a_member_by_email(service, owner, member, project):
    entry = service.add_member(
        actor_uuid=owner.uuid, project_uuid=project.uuid, email="MEMBER@example.com"
    )

    assert entry.user_uuid == member.uuid
    assert entry.display_name == "Max Member"
    assert entry.role == "member"
    assert entry.added_at is not None
    assert project.memberships.using("projects").get().user_uuid == member.uuid
    # The new member now sees the project.
    assert names(service.list_projects(actor_uuid=member.uuid)) == ["Apollo"]


def test_add_member_with_unknown_email_is_a_validation_error(service, owner, project):
    with pytest.raises(ValidationError) as caught:
        service.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="nobody@example.com"
        )

    assert list(caught.value.details) == ["email"]
    assert not project.memberships.using("projects").exists()


def test_add_member_of_a_deleted_account_is_a_validation_error(
    service, users_fake, owner, member, project
):
    users_fake.remove_user(member.uuid)

    with pytest.raises(ValidationError) as caught:
        service.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com"
        )

    assert list(caught.value.details) == ["email"]


def test_owner_cannot_add_itself_as_member(service, owner, project):
    with pytest.raises(ValidationError) as caught:
        service.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="owner@example.com"
        )

    assert list(caught.value.details) == ["email"]
    assert not project.memberships.using("projects").exists()


def test_adding_a_member_twice_is_a_conflict(service, owner, member, project):
    service.add_member(actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com")

    with pytest.raises(ConflictError):
        service.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com"
        )

    assert project.memberships.using("projects").count() == 1


def test_member_cannot_add_members(service, make_user, member, shared_project):
    newcomer = make_user("new@example.com")

    with pytest.raises(PermissionDeniedError):
        service.add_member(
            actor_uuid=member.uuid, project_uuid=shared_project.uuid, email="new@example.com"
        )

    assert newcomer.uuid not in {
        m.user_uuid for m in shared_project.memberships.using("projects").all()
    }


def test_stranger_cannot_see_a_project_to_add_members(service, stranger, project):
    with pytest.raises(NotFoundError):
        service.add_member(
            actor_uuid=stranger.uuid, project_uuid=project.uuid, email="stranger@example.com"
        )


def test_add_member_when_users_is_unavailable_raises(service, users_fake, owner, project):
    users_fake.unavailable = True

    with pytest.raises(ServiceUnavailableError):
        service.add_member(
            actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com"
        )

    assert not project.memberships.using("projects").exists()


def test_list_members_puts_the_owner_first_then_members_by_added_at(
    service, make_user, add_member, owner, project
):
    first = make_user(display_name="First")
    second = make_user(display_name="Second")
    add_member(project, second)
    add_member(project, first)
    # Make "first" the earlier member although it was added last.
    memberships = project.memberships.using("projects")
    memberships.filter(user_uuid=first.uuid).update(added_at=timezone.now() - dt.timedelta(hours=1))

    result = service.list_members(actor_uuid=owner.uuid, project_uuid=project.uuid)

    assert result.degraded is False
    assert [(m.user_uuid, m.display_name, m.role) for m in result.members] == [
        (owner.uuid, "Olivia Owner", "owner"),
        (first.uuid, "First", "member"),
        (second.uuid, "Second", "member"),
    ]
    assert result.members[0].added_at == project.created_at


def test_list_members_breaks_added_at_ties_by_insertion(
    service, make_user, add_member, owner, project
):
    users = [make_user(display_name=f"U{i}") for i in range(3)]
    for user in users:
        add_member(project, user)
    project.memberships.using("projects").update(added_at=timezone.now())

    result = service.list_members(actor_uuid=owner.uuid, project_uuid=project.uuid)

    assert [m.user_uuid for m in result.members[1:]] == [user.uuid for user in users]


def test_member_may_list_members(service, member, owner, shared_project):
    result = service.list_members(actor_uuid=member.uuid, project_uuid=shared_project.uuid)

    assert [m.user_uuid for m in result.members] == [owner.uuid, member.uuid]


def test_stranger_cannot_list_members(service, stranger, shared_project):
    with pytest.raises(NotFoundError):
        service.list_members(actor_uuid=stranger.uuid, project_uuid=shared_project.uuid)


def test_list_members_is_degraded_without_users(service, users_fake, owner, member, shared_project):
    users_fake.unavailable = True

    result = service.list_members(actor_uuid=owner.uuid, project_uuid=shared_project.uuid)

    assert result.degraded is True
    assert [(m.user_uuid, m.display_name, m.role) for m in result.members] == [
        (owner.uuid, None, "owner"),
        (member.uuid, None, "member"),
    ]


def test_list_members_shows_no_name_for_a_deleted_account(
    service, users_fake, owner, member, shared_project
):
    users_fake.remove_user(member.uuid)

    result = service.list_members(actor_uuid=owner.uuid, project_uuid=shared_project.uuid)

    assert result.degraded is False
    assert [m.display_name for m in result.members] == ["Olivia Owner", None]


def test_owner_removes_a_member(service, owner, member, shared_project):
    service.remove_member(
        actor_uuid=owner.uuid, project_uuid=shared_project.uuid, user_uuid=member.uuid
    )

    assert not shared_project.memberships.using("projects").exists()
    assert list(service.list_projects(actor_uuid=member.uuid)) == []


def test_member_removes_itself(service, member, shared_project):
    service.remove_member(
        actor_uuid=member.uuid, project_uuid=shared_project.uuid, user_uuid=str(member.uuid)
    )

    assert not shared_project.memberships.using("projects").exists()


def test_member_cannot_remove_another_member(
    service, make_user, add_member, member, shared_project
):
    other = make_user()
    add_member(shared_project, other)

    with pytest.raises(PermissionDeniedError):
        service.remove_member(
            actor_uuid=member.uuid, project_uuid=shared_project.uuid, user_uuid=other.uuid
        )

    assert shared_project.memberships.using("projects").count() == 2


def test_the_owner_cannot_be_removed(service, owner, shared_project):
    with pytest.raises(ValidationError) as caught:
        service.remove_member(
            actor_uuid=owner.uuid, project_uuid=shared_project.uuid, user_uuid=owner.uuid
        )

    assert list(caught.value.details) == ["user_uuid"]


def test_a_member_may_not_remove_the_owner(service, owner, member, shared_project):
    with pytest.raises(PermissionDeniedError):
        service.remove_member(
            actor_uuid=member.uuid, project_uuid=shared_project.uuid, user_uuid=owner.uuid
        )


@pytest.mark.parametrize("user_uuid", [uuid4(), "not-a-uuid"])
def test_removing_a_non_member_is_not_found(service, owner, shared_project, user_uuid):
    with pytest.raises(NotFoundError):
        service.remove_member(
            actor_uuid=owner.uuid, project_uuid=shared_project.uuid, user_uuid=user_uuid
        )

    assert shared_project.memberships.using("projects").count() == 1


def test_stranger_cannot_remove_members(service, stranger, member, shared_project):
    with pytest.raises(NotFoundError):
        service.remove_member(
            actor_uuid=stranger.uuid, project_uuid=shared_project.uuid, user_uuid=member.uuid
        )
    with pytest.raises(NotFoundError):
        service.remove_member(
            actor_uuid=stranger.uuid, project_uuid=shared_project.uuid, user_uuid=stranger.uuid
        )

    assert shared_project.memberships.using("projects").count() == 1


# --- is_overdue ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_from_today", "status", "overdue"),
    [
        (-1, "draft", True),
        (-30, "active", True),
        (-1, "completed", False),
        (-1, "archived", False),
        (0, "active", False),
        (1, "draft", False),
    ],
)
def test_created_project_reports_overdue(service, owner, days_from_today, status, overdue):
    today = timezone.now().date()
    project = service.create_project(
        actor_uuid=owner.uuid,
        name="A",
        status=status,
        due_date=today + dt.timedelta(days=days_from_today),
    )

    assert project.is_overdue is overdue


def test_list_search_folds_case_beyond_ascii(service, owner, make_project):
    make_project("Été à Paris")
    make_project("Winter")
    found = service.list_projects(actor_uuid=owner.uuid, search="ÉTÉ")
    assert [project.name for project in found] == ["Été à Paris"]


def test_renaming_keeps_the_project_searchable(service, owner, project):
    service.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name="Zeppelin")
    assert [p.name for p in service.list_projects(actor_uuid=owner.uuid, search="zepp")] == [
        "Zeppelin"
    ]
