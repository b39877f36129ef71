"""HTTP shapes of the projects API: input validation and lean output rendering.

Output is built by plain functions rather than serializer instances: a list page renders up to
100 projects per request, and this is the hot path.
"""

from typing import Any
from uuid import UUID

from rest_framework import serializers

from services.projects.models import Project, ProjectStatus
from services.projects.models.project import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from services.projects.services.memberships import MemberEntry
from users_contracts.v1 import UserSummary


class ProjectWriteSerializer(serializers.Serializer):
    """Fields a client may set; unknown and read-only fields are ignored."""

    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, trim_whitespace=False, required=False
    )
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)
    priority = serializers.IntegerField(min_value=1, max_value=4, required=False)
    start_date = serializers.DateField(allow_null=True, required=False)
    due_date = serializers.DateField(allow_null=True, required=False)


class ProjectListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)
    priority = serializers.IntegerField(min_value=1, max_value=4, required=False)
    search = serializers.CharField(required=False, allow_blank=True)
    ordering = serializers.CharField(required=False, allow_blank=True)


class AddMemberSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class OwnerSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    display_name = serializers.CharField()


class ProjectSerializer(serializers.Serializer):
    """Documents the output shape (for OpenAPI); rendering uses :func:`project_data`."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    priority = serializers.IntegerField(min_value=1, max_value=4)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()
    owner_uuid = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    owner = OwnerSerializer(allow_null=True, required=False, help_text="Only with ?expand=owner")


class MemberSerializer(serializers.Serializer):
    user_uuid = serializers.UUIDField()
    display_name = serializers.CharField(allow_null=True)
    role = serializers.ChoiceField(choices=[("owner", "owner"), ("member", "member")])
    added_at = serializers.DateTimeField()


def _datetime(value: Any) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def project_data(
    project: Project, *, owners: dict[UUID, UserSummary] | None = None
) -> dict[str, Any]:
    """The JSON of a project; with ``owners`` (expand=owner) it gains ``owner``."""
    data: dict[str, Any] = {
        "uuid": str(project.uuid),
        "name": project.name,
        "description": project.description,
        "status": project.status,
        "priority": project.priority,
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "due_date": project.due_date.isoformat() if project.due_date else None,
        "is_overdue": project.is_overdue,
        "owner_uuid": str(project.owner_uuid),
        "created_at": _datetime(project.created_at),
        "updated_at": _datetime(project.updated_at),
    }
    if owners is not None:
        owner = owners.get(project.owner_uuid)
        data["owner"] = (
            {"uuid": str(owner.uuid), "display_name": owner.display_name} if owner else None
        )
    return data


def member_data(member: MemberEntry) -> dict[str, Any]:
    return {
        "user_uuid": str(member.user_uuid),
        "display_name": member.display_name,
        "role": member.role,
        "added_at": _datetime(member.added_at),
    }
