"""Version 1 of the users contract."""

from users_contracts.v1.client import UsersClient
from users_contracts.v1.schemas import UserSummary

__all__ = ["UserSummary", "UsersClient"]
