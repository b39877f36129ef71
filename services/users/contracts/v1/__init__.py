"""Version 1 of the users contract."""

from services.users.contracts.v1.client import UsersClient
from services.users.contracts.v1.schemas import UserSummary

__all__ = ["UserSummary", "UsersClient"]
