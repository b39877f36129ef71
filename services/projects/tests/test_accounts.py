"""Accounts users deleted: forget_user and the tokens it refuses."""

from services.projects.models import DeletedSubject, OutboxEvent, Project, ProjectMembership
from services.projects.services import accounts
from services.projects.tests.helpers import projects_db, published

pytestmark = projects_db


def test_forget_user_deletes_its_projects_and_memberships_and_refuses_its_tokens(
    make_project, make_user, add_member, owner, member
):
    owned = [make_project("Mine"), make_project("Also mine")]
    others = make_project("Theirs", actor_uuid=member.uuid)
    add_member(others, owner)
    kept = make_project("Untouched", actor_uuid=member.uuid)
    OutboxEvent.objects.using("projects").all().delete()

    accounts.forget_user(user_uuid=owner.uuid)

    assert not Project.objects.using("projects").filter(owner_uuid=owner.uuid).exists()
    assert Project.all_objects.using("projects").filter(owner_uuid=owner.uuid).count() == 2
    assert not ProjectMembership.objects.using("projects").filter(user_uuid=owner.uuid).exists()
    assert Project.objects.using("projects").filter(pk=kept.pk).exists()
    assert accounts.is_deleted_subject(user_uuid=owner.uuid)
    assert not accounts.is_deleted_subject(user_uuid=member.uuid)
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


def test_forget_user_twice_changes_nothing_more(project, owner):
    accounts.forget_user(user_uuid=owner.uuid)
    count = OutboxEvent.objects.using("projects").count()

    accounts.forget_user(user_uuid=owner.uuid)

    assert OutboxEvent.objects.using("projects").count() == count
    assert DeletedSubject.objects.using("projects").count() == 1
