"""Abstract base models and mixins for every service's models."""

from shared.core.models.base import TimestampedModel, UUIDModel
from shared.core.models.mixins import (
    OwnedMixin,
    SoftDeleteManager,
    SoftDeleteMixin,
    SoftDeleteQuerySet,
)

__all__ = [
    "OwnedMixin",
    "SoftDeleteManager",
    "SoftDeleteMixin",
    "SoftDeleteQuerySet",
    "TimestampedModel",
    "UUIDModel",
]
