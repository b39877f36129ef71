"""UUIDModel and TimestampedModel: the public identity and the timestamps of a row."""

import uuid

from django.db import models


class UUIDModel(models.Model):
    """An integer primary key for joins, and a public ``uuid`` that the API exposes."""

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True, db_index=True)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
