"""BaseService: the model a service manages and lookups that raise domain errors."""

from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from shared.kit.errors import NotFoundError

ModelT = TypeVar("ModelT", bound=models.Model)


class BaseService(Generic[ModelT]):
    """Subclasses name their ``model`` and the database ``alias`` of their service."""

    model: ClassVar[type[models.Model]]
    not_found_message: ClassVar[str] = "Not found."

    def get_queryset(self) -> models.QuerySet[Any]:
        return self.model._default_manager.all()

    def get_by_uuid(self, uuid: UUID | str, queryset: models.QuerySet[Any] | None = None) -> ModelT:
        """The object with this public uuid; a malformed or unknown uuid is a NotFoundError."""
        queryset = self.get_queryset() if queryset is None else queryset
        try:
            return queryset.get(uuid=uuid)  # type: ignore[no-any-return]
        except (self.model.DoesNotExist, DjangoValidationError, ValueError):
            raise NotFoundError(self.not_found_message) from None
