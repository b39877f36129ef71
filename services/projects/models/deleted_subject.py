"""Users whose accounts were deleted (learnt from ``user.deleted``): their tokens are refused."""

from django.db import models
from django.utils import timezone


class DeletedSubject(models.Model):
    """A token's ``sub`` that projects no longer accepts, though the token has not expired."""

    user_uuid = models.UUIDField(unique=True)  # unique: indexed, the one query per request
    deleted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.user_uuid)
