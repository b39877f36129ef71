"""A project: owned by a user (by uuid), soft-deleted, with a status, a priority and dates."""

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from shared.core.models import OwnedMixin, SoftDeleteMixin, TimestampedModel, UUIDModel

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000


class ProjectStatus(models.TextChoices):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class ProjectPriority(models.IntegerChoices):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


CLOSED_STATUSES = frozenset({ProjectStatus.COMPLETED, ProjectStatus.ARCHIVED})


class Project(UUIDModel, TimestampedModel, SoftDeleteMixin, OwnedMixin):
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    priority = models.PositiveSmallIntegerField(
        choices=ProjectPriority.choices, default=ProjectPriority.MEDIUM
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    # name + description, case-folded in Python: search ignores case the same way on every
    # backend (SQLite's LIKE folds ASCII only).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(due_date__isnull=True)
                | models.Q(start_date__lte=models.F("due_date")),
                name="project_start_not_after_due",
            ),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=4), name="project_priority_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = searchable(self.name, self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "description"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        """Due before today (UTC) and still open."""
        return project_is_overdue(self.due_date, self.status)


def searchable(*texts: str) -> str:
    return "\n".join(text.casefold() for text in texts)


def project_is_overdue(due_date: dt.date | None, status: str) -> bool:
    today = timezone.now().date()  # USE_TZ with UTC: today in UTC
    return due_date is not None and due_date < today and status not in CLOSED_STATUSES
