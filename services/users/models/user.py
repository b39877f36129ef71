"""The account: logs in by email, known to other services only by its uuid."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from shared.core.models import UUIDModel
from shared.core.utils.validators import normalize_email
from users_contracts.v1.schemas import (  # the limits are the contract's (re-exported)
    DISPLAY_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        # The same canonical form as registration, so no path stores a second spelling.
        email = normalize_email(email)
        fields.setdefault("display_name", email.split("@", 1)[0][:DISPLAY_NAME_MAX_LENGTH])
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(UUIDModel, AbstractBaseUser, PermissionsMixin):
    # Stored normalised (shared.core.utils.validators.normalize_email): lower-cased, domain in
    # its ASCII (punycode) form, so the unique constraint holds for every spelling of a mailbox.
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH, unique=True)
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX_LENGTH)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="user_email_lower_case",
            )
        ]

    def __str__(self) -> str:
        return self.email
