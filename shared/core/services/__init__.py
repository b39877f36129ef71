"""The base class of every service (business logic layer)."""

from shared.core.services.base import BaseService

__all__ = ["BaseService"]
