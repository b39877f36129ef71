"""Models of the users service."""

from services.users.models.idempotency import IdempotentRequest
from services.users.models.outbox import OutboxEvent
from services.users.models.user import User

__all__ = ["IdempotentRequest", "OutboxEvent", "User"]
