"""Project and ProjectMembership models: the overdue rule and the database's own invariants."""

import datetime as dt
from uuid import uuid4

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from services.projects.models import Project, ProjectMembership
from services.projects.tests.helpers import projects_db

TODAY = dt.date(2030, 3, 1)


@pytest.fixture
def frozen_now(monkeypatch):
    """``timezone.now()`` is 2030-03-01 23:30 UTC (already 2030-03-02 east of UTC+1)."""
    now = dt.datetime(2030, 3, 1, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def unsaved(**fields) -> Project:
    return Project(owner_uuid=uuid4(), name="A", **fields)


@pytest.mark.parametrize(
    ("due_date", "status", "overdue"),
    [
        (TODAY - dt.timedelta(days=1), "draft", True),
        (TODAY - dt.timedelta(days=1), "active", True),
        (TODAY - dt.timedelta(days=365), "active", True),
        (TODAY - dt.timedelta(days=1), "completed", False),
        (TODAY - dt.timedelta(days=1), "archived", False),
        (TODAY, "active", False),
        (TODAY + dt.timedelta(days=1), "draft", False),
        (None, "active", False),
    ],
)
def test_is_overdue_when_due_before_today_and_still_open(frozen_now, due_date, status, overdue):
    assert unsaved(due_date=due_date, status=status).is_overdue is overdue


def test_is_overdue_uses_today_in_utc_whatever_the_time_zone(frozen_now, settings):
    # In Kiritimati (UTC+14) it is already 2030-03-02; in UTC it is still 2030-03-01.
    settings.TIME_ZONE = "Pacific/Kiritimati"

    assert unsaved(due_date=TODAY, status="active").is_overdue is False
    assert unsaved(due_date=TODAY - dt.timedelta(days=1), status="active").is_overdue is True


def test_project_is_shown_by_its_name():
    assert str(unsaved()) == "A"


@projects_db
def test_database_rejects_start_after_due():
    with pytest.raises(IntegrityError), transaction.atomic(using="projects"):
        Project.objects.using("projects").create(
            owner_uuid=uuid4(),
            name="A",
            start_date=dt.date(2030, 1, 2),
            due_date=dt.date(2030, 1, 1),
        )

    assert not Project.all_objects.using("projects").exists()


@projects_db
def test_database_accepts_start_equal_to_due_and_open_ended_dates():
    Project.objects.using("projects").create(
        owner_uuid=uuid4(), name="A", start_date=dt.date(2030, 1, 1), due_date=dt.date(2030, 1, 1)
    )
    Project.objects.using("projects").create(
        owner_uuid=uuid4(), name="B", start_date=dt.date(2030, 1, 2)
    )
    Project.objects.using("projects").create(
        owner_uuid=uuid4(), name="C", due_date=dt.date(2030, 1, 1)
    )

    assert Project.objects.using("projects").count() == 3


@projects_db
@pytest.mark.parametrize("priority", [0, 5])
def test_database_rejects_priority_out_of_range(priority):
    with pytest.raises(IntegrityError), transaction.atomic(using="projects"):
        Project.objects.using("projects").create(owner_uuid=uuid4(), name="A", priority=priority)


@projects_db
def test_database_rejects_a_member_twice_in_one_project():
    project = Project.objects.using("projects").create(owner_uuid=uuid4(), name="A")
    user_uuid = uuid4()
    ProjectMembership.objects.using("projects").create(project=project, user_uuid=user_uuid)

    with pytest.raises(IntegrityError), transaction.atomic(using="projects"):
        ProjectMembership.objects.using("projects").create(project=project, user_uuid=user_uuid)


@projects_db
def test_membership_is_shown_by_user_and_project():
    project = Project.objects.using("projects").create(owner_uuid=uuid4(), name="A")
    user_uuid = uuid4()
    membership = ProjectMembership.objects.using("projects").create(
        project=project, user_uuid=user_uuid
    )

    assert membership.role == "member"
    assert str(membership) == f"{user_uuid} in {project.pk}"
