"""ProjectService publishes one event per write, in the write's transaction; forget_user."""

from uuid import uuid4

import pytest

from projects_contracts.v1 import events as contract
from services.projects.models import DeletedSubject, OutboxEvent, Project, ProjectMembership
from services.projects.tests.helpers import projects_db
from shared.kit.errors import PermissionDeniedError, ValidationError

pytestmark = projects_db

MODELS = {
    "project.created": contract.ProjectCreated,
    "project.updated": contract.ProjectUpdated,
    "project.deleted": contract.ProjectDeleted,
    "project.member_added": contract.ProjectMemberAdded,
    "project.member_removed": contract.ProjectMemberRemoved,
}


def published() -> list[tuple[str, dict]]:
    """(type, data) of every event in the outbox, oldest first, each valid against its model."""
    rows = OutboxEvent.objects.using("projects").order_by("id")
    for row in rows:
        event = MODELS[row.type].model_validate(row.payload)
        assert (event.event_id, event.aggregate_id) == (row.event_id, row.aggregate_id)
    return [(row.type, row.payload["data"]) for row in rows]


def test_create_publishes_project_created(service, owner):
    project = service.create_project(actor_uuid=owner.uuid, name="Apollo")

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


def test_update_publishes_project_updated_with_the_new_state(service, project, owner):
    service.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name="Artemis")

    assert published()[-1][0] == "project.updated"
    assert published()[-1][1]["name"] == "Artemis"


def test_a_refused_update_publishes_nothing(service, project, owner):
    before = published()

    with pytest.raises(ValidationError):
        service.update_project(actor_uuid=owner.uuid, project_uuid=project.uuid, name="")

    assert published() == before


def test_delete_publishes_project_deleted(service, project, owner):
    service.delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)

    assert published()[-1] == (
        "project.deleted",
        {"project_uuid": str(project.uuid), "owner_uuid": str(owner.uuid)},
    )


def test_adding_and_removing_a_member_publish_their_events(service, project, owner, member):
    membership = {"project_uuid": str(project.uuid), "user_uuid": str(member.uuid)}

    service.add_member(actor_uuid=owner.uuid, project_uuid=project.uuid, email="member@example.com")
    service.remove_member(actor_uuid=member.uuid, project_uuid=project.uuid, user_uuid=member.uuid)

    assert published()[-2:] == [
        ("project.member_added", membership),
        ("project.member_removed", membership),
    ]


def test_a_refused_removal_publishes_nothing(service, shared_project, member, stranger):
    before = published()

    with pytest.raises(PermissionDeniedError):
        service.remove_member(
            actor_uuid=member.uuid, project_uuid=shared_project.uuid, user_uuid=uuid4()
        )

    assert published() == before


# --- forget_user ------------------------------------------------------------------------------


def test_forget_user_deletes_its_projects_and_memberships_and_refuses_its_tokens(
    service, make_project, make_user, add_member, owner, member
):
    owned = [make_project("Mine"), make_project("Also mine")]
    others = make_project("Theirs", actor_uuid=member.uuid)
    add_member(others, owner)
    kept = make_project("Untouched", actor_uuid=member.uuid)
    OutboxEvent.objects.using("projects").all().delete()

    service.forget_user(user_uuid=owner.uuid)

    assert not Project.objects.using("projects").filter(owner_uuid=owner.uuid).exists()
    assert Project.all_objects.using("projects").filter(owner_uuid=owner.uuid).count() == 2
    assert not ProjectMembership.objects.using("projects").filter(user_uuid=owner.uuid).exists()
    assert Project.objects.using("projects").filter(pk=kept.pk).exists()
    assert service.is_deleted_subject(user_uuid=owner.uuid)
    assert not service.is_deleted_subject(user_uuid=member.uuid)
    assert published() == [
        *[
            (
                "project.deleted",
                {"project_uuid": str(project.uuid), "owner_uuid": str(owner.uuid)},
            )
            for project in owned
        ],
        (
            "project.member_removed",
            {"project_uuid": str(others.uuid), "user_uuid": str(owner.uuid)},
        ),
    ]


def test_forget_user_twice_changes_nothing_more(service, project, owner):
    service.forget_user(user_uuid=owner.uuid)
    count = OutboxEvent.objects.using("projects").count()

    service.forget_user(user_uuid=owner.uuid)

    assert OutboxEvent.objects.using("projects").count() == count
    assert DeletedSubject.objects.using("projects").count() == 1
