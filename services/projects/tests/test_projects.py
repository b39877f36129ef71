"""Creating, updating and deleting projects, and the event each write publishes."""

import datetime as dt

import pytest
from django.utils import timezone

from services.projects.models import OutboxEvent, Project
from services.projects.services import memberships, projects, reads
from services.projects.tests.helpers import projects_db, published
from shared.kit.errors import NotFoundError, PermissionDeniedError, ValidationError

pytestmark = projects_db


# --- creating -----------------------------------------------------------------------------------


def test_create_project_assigns_the_actor_as_owner(owner):
    project = projects.create_project(actor_uuid=owner.uuid, name="Apollo")

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert stored.owner_uuid == owner.uuid


def test_create_project_applies_defaults(owner):
    project = projects.create_project(actor_uuid=owner.uuid, name="Apollo")

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert stored.status == "draft"
    assert stored.priority == 2
    assert stored.description == ""
    assert stored.start_date is None
    assert stored.due_date is None
    assert stored.deleted_at is None


def test_create_project_keeps_every_given_field(owner):
    project = projects.create_project(
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


def test_create_project_strips_the_name(owner):
    project = projects.create_project(actor_uuid=owner.uuid, name="  Apollo \n")

    assert Project.objects.using("projects").get(uuid=project.uuid).name == "Apollo"


@pytest.mark.parametrize("name", ["", "   ", "\t\n", None])
def test_create_project_rejects_a_blank_name(owner, name):
    with pytest.raises(ValidationError) as caught:
        projects.create_project(actor_uuid=owner.uuid, name=name)

    assert "name" in caught.value.details
    assert not Project.all_objects.using("projects").exists()


def test_create_project_accepts_names_of_1_and_200_characters(owner):
    short = projects.create_project(actor_uuid=owner.uuid, name="A")
    long = projects.create_project(actor_uuid=owner.uuid, name=" " + "x" * 200 + " ")

    assert short.name == "A"
    assert long.name == "x" * 200


def test_create_project_rejects_a_name_over_200_characters(owner):
    with pytest.raises(ValidationError) as caught:
        projects.create_project(actor_uuid=owner.uuid, name="x" * 201)

    assert list(caught.value.details) == ["name"]


def test_create_project_rejects_start_after_due_under_due_date(owner):
    with pytest.raises(ValidationError) as caught:
        projects.create_project(
            actor_uuid=owner.uuid,
            name="Apollo",
            start_date=dt.date(2030, 2, 2),
            due_date=dt.date(2030, 2, 1),
        )

    assert list(caught.value.details) == ["due_date"]
    assert not Project.all_objects.using("projects").exists()


def test_create_project_allows_only_one_of_the_dates(owner):
    started = projects.create_project(
        actor_uuid=owner.uuid, name="A", start_date=dt.date(2030, 2, 2)
    )
    due = projects.create_project(actor_uuid=owner.uuid, name="B", due_date=dt.date(2000, 1, 1))

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
def test_create_project_rejects_invalid_values(owner, field, value):
    with pytest.raises(ValidationError) as caught:
        projects.create_project(actor_uuid=owner.uuid, name="Apollo", **{field: value})

    assert list(caught.value.details) == [field]


def test_create_project_accepts_a_description_of_10000_characters(owner):
    project = projects.create_project(actor_uuid=owner.uuid, name="A", description="d" * 10_000)

    assert len(project.description) == 10_000


# --- updating and deleting ----------------------------------------------------------------------


def test_owner_updates_a_project(owner, project):
    updated = projects.update_project(
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


def test_update_keeps_the_values_of_omitted_fields(owner, project):
    projects.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, priority=4)

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert stored.priority == 4
    assert stored.name == "Apollo"
    assert stored.description == "Land on the moon"
    assert stored.start_date == dt.date(2030, 1, 10)
    assert stored.due_date == dt.date(2030, 6, 30)


def test_update_accepts_a_project_uuid_as_string(owner, project):
    projects.update_project(actor_uuid=owner.uuid, project_uuid=str(project.uuid), name="B")

    assert Project.objects.using("projects").get(uuid=project.uuid).name == "B"


def test_update_checks_dates_on_the_merged_result(owner, project):
    # The project starts on 2030-01-10: a new due date before it breaks the rule.
    with pytest.raises(ValidationError) as caught:
        projects.update_project(
            actor_uuid=owner.uuid, project_uuid=project.uuid, due_date=dt.date(2030, 1, 9)
        )

    assert list(caught.value.details) == ["due_date"]
    assert Project.objects.using("projects").get(uuid=project.uuid).due_date == dt.date(2030, 6, 30)


def test_update_checks_a_new_start_against_the_existing_due_date(owner, project):
    with pytest.raises(ValidationError) as caught:
        projects.update_project(
            actor_uuid=owner.uuid, project_uuid=project.uuid, start_date=dt.date(2030, 7, 1)
        )

    assert list(caught.value.details) == ["due_date"]


def test_update_may_clear_a_date_to_lift_the_rule(owner, project):
    projects.update_project(
        actor_uuid=owner.uuid,
        project_uuid=project.uuid,
        due_date=None,
        start_date=dt.date(2031, 1, 1),
    )

    stored = Project.objects.using("projects").get(uuid=project.uuid)
    assert (stored.start_date, stored.due_date) == (dt.date(2031, 1, 1), None)


def test_update_rejects_invalid_values_and_keeps_the_row(owner, project):
    with pytest.raises(ValidationError) as caught:
        projects.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name=" ")

    assert list(caught.value.details) == ["name"]
    assert Project.objects.using("projects").get(uuid=project.uuid).name == "Apollo"


def test_member_cannot_update_project(member, shared_project):
    with pytest.raises(PermissionDeniedError):
        projects.update_project(actor_uuid=member.uuid, project_uuid=shared_project.uuid, name="B")

    assert Project.objects.using("projects").get(uuid=shared_project.uuid).name == "Apollo"


def test_stranger_cannot_see_a_project_to_update(stranger, project):
    with pytest.raises(NotFoundError):
        projects.update_project(actor_uuid=stranger.uuid, project_uuid=project.uuid, name="B")


def test_member_cannot_delete_project(member, shared_project):
    with pytest.raises(PermissionDeniedError):
        projects.delete_project(actor_uuid=member.uuid, project_uuid=shared_project.uuid)

    assert Project.objects.using("projects").filter(uuid=shared_project.uuid).exists()


def test_stranger_cannot_see_a_project_to_delete(stranger, project):
    with pytest.raises(NotFoundError):
        projects.delete_project(actor_uuid=stranger.uuid, project_uuid=project.uuid)

    assert Project.objects.using("projects").filter(uuid=project.uuid).exists()


def test_delete_is_soft(owner, project):
    projects.delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)

    row = Project.all_objects.using("projects").get(uuid=project.uuid)
    assert row.deleted_at is not None
    assert list(reads.list_projects(actor_uuid=owner.uuid)) == []
    with pytest.raises(NotFoundError):
        reads.get_project(actor_uuid=owner.uuid, project_uuid=project.uuid)


def test_deleted_project_can_be_neither_updated_nor_deleted_again(owner, project):
    projects.delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)

    with pytest.raises(NotFoundError):
        projects.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name="B")
    with pytest.raises(NotFoundError):
        projects.delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)


def test_deleted_project_disappears_for_its_members_too(owner, member, shared_project):
    projects.delete_project(actor_uuid=owner.uuid, project_uuid=shared_project.uuid)

    assert list(reads.list_projects(actor_uuid=member.uuid)) == []
    with pytest.raises(NotFoundError):
        memberships.list_members(actor_uuid=member.uuid, project_uuid=shared_project.uuid)


# --- overdue, searchable ------------------------------------------------------------------------


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
def test_created_project_reports_overdue(owner, days_from_today, status, overdue):
    today = timezone.now().date()
    project = projects.create_project(
        actor_uuid=owner.uuid,
        name="A",
        status=status,
        due_date=today + dt.timedelta(days=days_from_today),
    )

    assert project.is_overdue is overdue


def test_renaming_keeps_the_project_searchable(owner, project):
    projects.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name="Zeppelin")
    assert [p.name for p in reads.list_projects(actor_uuid=owner.uuid, search="zepp")] == [
        "Zeppelin"
    ]


# --- events -------------------------------------------------------------------------------------


def test_create_publishes_project_created(owner):
    project = projects.create_project(actor_uuid=owner.uuid, name="Apollo")

    assert published() == [
        (
            "project.created",
            {
                "project_uuid": str(project.uuid),
                "owner_uuid": str(owner.uuid),
                "name": "Apollo",
                "status": "draft",
            },
        )
    ]
    assert OutboxEvent.objects.using("projects").get().aggregate_id == str(project.uuid)


def test_update_publishes_project_updated_with_the_new_state(project, owner):
    projects.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name="Artemis")

    assert published()[-1][0] == "project.updated"
    assert published()[-1][1]["name"] == "Artemis"


def test_a_refused_update_publishes_nothing(project, owner):
    before = published()

    with pytest.raises(ValidationError):
        projects.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name="")

    assert published() == before


def test_delete_publishes_project_deleted(project, owner):
    projects.delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)

    assert published()[-1] == (
        "project.deleted",
        {"project_uuid": str(project.uuid), "owner_uuid": str(owner.uuid)},
    )
