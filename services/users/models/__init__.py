"""Models of the users service."""

from services.users.models.user import User

__all__ = ["User"]
