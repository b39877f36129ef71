"""Accounts users deleted (``user.deleted``): forget them in projects and refuse their tokens."""

from uuid import UUID

from django.db import transaction

from services.projects.models import DeletedSubject, Project, ProjectMembership
from services.projects.services import DB
from services.projects.services.memberships import publish_member_removed
from services.projects.services.projects import soft_delete
from shared.core.db.prepared import PreparedQuery


def forget_user(*, user_uuid: UUID) -> None:
    """``user.deleted``: refuse its tokens, delete its projects, remove its memberships.

    One transaction, with a ``project.deleted`` or ``project.member_removed`` event for each
    change. Running it again changes nothing more (the consumer's inbox makes sure it does
    not run twice for one event anyway).
    """
    with transaction.atomic(using=DB):
        # One INSERT that tolerates a repeat (no read first, no savepoint): this is the hot
        # path of the consumer when many accounts are deleted at once.
        DeletedSubject.objects.using(DB).bulk_create(
            [DeletedSubject(user_uuid=user_uuid)], ignore_conflicts=True
        )
        owned = Project.objects.using(DB).filter(owner_uuid=user_uuid).order_by("id")
        for project in owned.select_for_update():
            soft_delete(project)
        memberships = (
            ProjectMembership.objects.using(DB)
            .filter(user_uuid=user_uuid)
            .select_related("project")
            .order_by("id")
        )
        for membership in memberships.select_for_update(of=("self",)):
            membership.delete(using=DB)
            publish_member_removed(project_uuid=membership.project.uuid, user_uuid=user_uuid)


def is_deleted_subject(*, user_uuid: UUID) -> bool:
    """Whether users said this account is deleted (its unexpired tokens are refused).

    Asked on every authenticated request: a prepared query (compiled once).
    """
    return bool(_DELETED_SUBJECT.rows(using=DB, user_uuid=user_uuid))


_DELETED_SUBJECT = PreparedQuery(
    lambda shape, *, user_uuid: DeletedSubject.objects.filter(user_uuid=user_uuid).values("id")[:1],
    bind={"user_uuid": DeletedSubject._meta.get_field("user_uuid")},
)
