"""user.deleted reaches projects: fed to its consumer as users sends it (users not installed)."""

import json

import pytest

from services.projects.models import InboxEvent, OutboxEvent, Project, ProjectMembership
from services.projects.tests.helpers import projects_db
from shared.core.events import inbox, registry
from shared.kit.context import request_id_var
from users_contracts.v1.events import UserDeleted, UserDeletedData

pytestmark = projects_db


def user_deleted(user_uuid, **fields) -> UserDeleted:
    return UserDeleted(
        aggregate_id=str(user_uuid), data=UserDeletedData(user_uuid=user_uuid), **fields
    )


def deliver(event: UserDeleted) -> bool:
    consumer = registry.consumer("projects")
    return inbox.consume(consumer=consumer, body=event.model_dump_json().encode(), headers={})


def test_projects_declares_it_consumes_user_deleted():
    consumer = registry.consumer("projects")

    assert consumer.event_types == ["user.deleted"]
    assert consumer.queue == "projects.events"


def test_user_deleted_removes_the_users_projects_and_memberships(
    shared_project, make_project, add_member, owner, member
):
    theirs = make_project("Theirs", actor_uuid=member.uuid)
    add_member(theirs, owner)

    assert deliver(user_deleted(member.uuid)) is True

    assert list(Project.objects.using("projects").filter(owner_uuid=member.uuid)) == []
    assert not ProjectMembership.objects.using("projects").filter(user_uuid=member.uuid).exists()
    assert Project.objects.using("projects").filter(pk=shared_project.pk).exists()


def test_the_same_user_deleted_twice_has_one_effect(project, owner):
    event = user_deleted(owner.uuid)

    assert deliver(event) is True
    events_after_first = OutboxEvent.objects.using("projects").count()
    assert deliver(event) is False

    assert OutboxEvent.objects.using("projects").count() == events_after_first
    assert InboxEvent.objects.using("projects").get().event_id == event.event_id


def test_the_events_it_publishes_carry_the_request_id_of_user_deleted(project, owner):
    deliver(user_deleted(owner.uuid, request_id="req-from-users"))

    deleted = OutboxEvent.objects.using("projects").get(type="project.deleted")
    assert deleted.request_id == "req-from-users"
    assert request_id_var.get() is None


def test_a_malformed_user_deleted_changes_nothing(project, owner):
    body = user_deleted(owner.uuid).model_dump(mode="json")
    body["data"] = {}

    with pytest.raises(ValueError, match="validation error"):
        inbox.consume(
            consumer=registry.consumer("projects"),
            body=json.dumps(body).encode(),
            headers={},
        )

    assert Project.objects.using("projects").filter(pk=project.pk).exists()
    assert not InboxEvent.objects.using("projects").exists()
