"""A user's membership of a project; the user is known by uuid only (it lives in users)."""

from django.db import models

from services.projects.models.project import Project


class MemberRole(models.TextChoices):
    MEMBER = "member"


class ProjectMembership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user_uuid = models.UUIDField(db_index=True)
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user_uuid"], name="unique_project_member")
        ]

    def __str__(self) -> str:
        return f"{self.user_uuid} in {self.project_id}"
