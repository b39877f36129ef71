"""Accounts: registration, profile changes, deactivation and lookups for other services."""

from collections.abc import Iterable
from typing import NamedTuple
from uuid import UUID

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from services.users.models import OutboxEvent, User
from services.users.models.user import DISPLAY_NAME_MAX_LENGTH
from services.users.services.passwords import password_validators
from services.users.services.token_service import TokenService
from shared.core.db.prepared import PreparedQuery
from shared.core.events.publisher import Publisher
from shared.core.services import BaseService
from shared.core.utils.validators import clean_text, normalize_email
from shared.kit.errors import NotFoundError, ValidationError
from users_contracts.v1.events import UserDeleted, UserDeletedData

DB = "users"
publisher = Publisher(outbox=OutboxEvent, using=DB)


class UserRecord(NamedTuple):
    uuid: UUID
    display_name: str
    is_active: bool


EMAIL_TAKEN = "A user with this email already exists."


class UserService(BaseService[User]):
    model = User
    not_found_message = "User not found."

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return User.objects.using(DB).filter(is_active=True)

    def register(self, *, email: str, password: str, display_name: str | None = None) -> User:
        """Create an account; the email is unique in any case, even among deleted accounts."""
        email = normalize_email(email)
        name = clean_text(
            display_name if display_name is not None else email.split("@", 1)[0],
            field="display_name",
            min_length=1,
            max_length=DISPLAY_NAME_MAX_LENGTH,
        )
        user = User(email=email, display_name=name)
        try:
            validate_password(password, user=user, password_validators=password_validators())
        except DjangoValidationError as error:
            raise ValidationError(details={"password": list(error.messages)}) from None
        user.set_password(password)
        if User.objects.using(DB).filter(email=email).exists():
            raise ValidationError.for_field("email", EMAIL_TAKEN)
        try:
            with transaction.atomic(using=DB):
                user.save(using=DB)
        except IntegrityError:  # a concurrent registration won the race
            raise ValidationError.for_field("email", EMAIL_TAKEN) from None
        return user

    def get_active(self, *, uuid: UUID | str) -> User:
        """An active account by uuid; unknown, malformed or deleted is NotFoundError."""
        return self.get_by_uuid(uuid)

    def is_active(self, *, uuid: UUID | str) -> bool:
        return self.get_queryset().filter(uuid=uuid).exists()

    def update_profile(self, *, actor_uuid: UUID, display_name: str | None = None) -> User:
        """Change what a user may change about itself: its display name."""
        user = self.get_active(uuid=actor_uuid)
        if display_name is not None:
            user.display_name = clean_text(
                display_name, field="display_name", min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH
            )
            user.save(using=DB, update_fields=["display_name"])
        return user

    def deactivate(self, *, actor_uuid: UUID) -> None:
        """Delete an account: deactivate it (never a hard delete), revoke its refresh tokens.

        ``user.deleted`` is published in the same transaction: other services learn it once it
        has committed, and never when it has not.
        """
        with transaction.atomic(using=DB):
            user = self.get_active(uuid=actor_uuid)
            user.is_active = False
            user.deactivated_at = timezone.now()
            user.save(using=DB, update_fields=["is_active", "deactivated_at"])
            TokenService().revoke_all(user=user)
            publisher.publish(
                UserDeleted(aggregate_id=str(user.uuid), data=UserDeletedData(user_uuid=user.uuid))
            )

    def find_active_by_email(self, *, email: str) -> User:
        """An active account by any spelling of its email; anything else is NotFoundError."""
        try:
            email = normalize_email(email)
        except ValidationError:
            raise NotFoundError(self.not_found_message) from None
        user = self.get_queryset().filter(email=email).first()
        if user is None:
            raise NotFoundError(self.not_found_message)
        return user

    def summaries(
        self, *, uuids: Iterable[UUID], include_inactive: bool = False
    ) -> list[UserRecord]:
        """Light records of the accounts among ``uuids`` (active ones, unless asked otherwise).

        Batch lookups serve other services on hot paths: only three columns, no model instances,
        in no particular order (callers key them by uuid; sorting cost a sixth of the query).
        """
        rows = _SUMMARIES.rows(using=DB, shape=include_inactive, uuids=list(uuids))
        return [UserRecord(**row) for row in rows]


# Compiled once per number of uuids (shared.core.db.prepared): compiling cost more than the query.
_SUMMARIES = PreparedQuery(
    lambda include_inactive, *, uuids: (
        (User.objects.all() if include_inactive else User.objects.filter(is_active=True))
        .filter(uuid__in=uuids)
        .order_by()
        .values(*UserRecord._fields)
    ),
    bind={"uuids": User._meta.get_field("uuid")},
)
