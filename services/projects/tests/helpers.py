"""Helpers shared by the projects tests: the DB marker, the error envelope assertion, the outbox."""

from collections.abc import Iterable

import pytest

from projects_contracts.v1 import events as contract
from services.projects.models import OutboxEvent, Project
from shared.core.testing import assert_error_envelope as assert_error

# Only the projects database: a query to any other database (users') fails the test.
projects_db = pytest.mark.django_db(databases=["projects"])

EVENT_MODELS = {
    "project.created": contract.ProjectCreated,
    "project.updated": contract.ProjectUpdated,
    "project.deleted": contract.ProjectDeleted,
    "project.member_added": contract.ProjectMemberAdded,
    "project.member_removed": contract.ProjectMemberRemoved,
}


def names(projects: Iterable[Project]) -> list[str]:
    return [project.name for project in projects]


def published() -> list[tuple[str, dict]]:
    """(type, data) of every event in the outbox, oldest first, each valid against its model."""
    rows = OutboxEvent.objects.using("projects").order_by("id")
    for row in rows:
        event = EVENT_MODELS[row.type].model_validate(row.payload)
        assert (event.event_id, event.aggregate_id) == (row.event_id, row.aggregate_id)
    return [(row.type, row.payload["data"]) for row in rows]


__all__ = ["assert_error", "names", "projects_db", "published"]
