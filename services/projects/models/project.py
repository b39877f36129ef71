"""A project: owned by a user (by uuid), soft-deleted, with a status, a priority and dates."""

import datetime as dt
from typing import Any, get_args

from django.db import models
from django.utils import timezone

from projects_contracts.v1 import schemas as contract
from projects_contracts.v1.schemas import (  # the limits are the contract's (re-exported)
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PRIORITY_MAX,
    PRIORITY_MIN,
)
from shared.core.models import OwnedMixin, SoftDeleteMixin, TimestampedModel, UUIDModel

# The values are the contract's; the names (DRAFT, ..., LOW, ...) are the code's handles on them.
ProjectStatus = models.TextChoices(
    "ProjectStatus", [(status.upper(), status) for status in get_args(contract.ProjectStatus)]
)
ProjectPriority = models.IntegerChoices(
    "ProjectPriority",
    list(
        zip(("LOW", "MEDIUM", "HIGH", "CRITICAL"), get_args(contract.ProjectPriority), strict=True)
    ),
)


CLOSED_STATUSES = frozenset({ProjectStatus.COMPLETED, ProjectStatus.ARCHIVED})


class Project(UUIDModel, TimestampedModel, SoftDeleteMixin, OwnedMixin):
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=ProjectStatus.choices, default=contract.DEFAULT_STATUS
    )
    priority = models.PositiveSmallIntegerField(
        choices=ProjectPriority.choices, default=contract.DEFAULT_PRIORITY
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
                condition=models.Q(priority__gte=PRIORITY_MIN, priority__lte=PRIORITY_MAX),
                name="project_priority_range",
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
