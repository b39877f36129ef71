"""Who sees which project, the filtered and ordered list, one project, owners' names."""

import datetime as dt
from uuid import uuid4

import pytest
from django.utils import timezone

from services.projects.models import Project
from services.projects.services import reads
from services.projects.tests.helpers import names, projects_db
from shared.kit.errors import NotFoundError

pytestmark = projects_db


def set_created_at(project: Project, when: dt.datetime) -> None:
    Project.all_objects.using("projects").filter(pk=project.pk).update(created_at=when)


# --- reading ------------------------------------------------------------------------------------


def test_get_project_for_owner_and_member(owner, member, shared_project):
    assert reads.get_project(actor_uuid=owner.uuid, project_uuid=shared_project.uuid) == (
        shared_project
    )
    assert reads.get_project(actor_uuid=member.uuid, project_uuid=str(shared_project.uuid)) == (
        shared_project
    )


# The model (writes' checks) and the row (the API's reads) follow the same visibility rules.
READ_ONE = pytest.mark.parametrize("read", [reads.get_project, reads.project_row])


@READ_ONE
@pytest.mark.parametrize("project_uuid", ["not-a-uuid", "", "123", str(uuid4())])
def test_get_project_with_malformed_or_unknown_uuid_is_not_found(owner, project_uuid, read):
    with pytest.raises(NotFoundError):
        read(actor_uuid=owner.uuid, project_uuid=project_uuid)


@READ_ONE
def test_stranger_cannot_get_a_project(stranger, project, read):
    with pytest.raises(NotFoundError):
        read(actor_uuid=stranger.uuid, project_uuid=project.uuid)


def test_list_shows_owned_and_member_projects_only(
    make_user, make_project, add_member, owner, member
):
    other = make_user()
    mine = make_project("Mine", actor_uuid=member.uuid)
    shared = make_project("Shared")
    add_member(shared, member)
    make_project("Owner only")
    make_project("Other's", actor_uuid=other.uuid)
    elsewhere = make_project("Shared with someone else", actor_uuid=other.uuid)
    add_member(elsewhere, owner)

    visible = reads.list_projects(actor_uuid=member.uuid, ordering="name")

    assert names(visible) == [mine.name, shared.name]


def test_list_shows_a_project_once_whatever_its_member_count(
    make_user, make_project, add_member, owner
):
    project = make_project("Crowded")
    for _ in range(3):
        add_member(project, make_user())

    assert names(reads.list_projects(actor_uuid=owner.uuid)) == ["Crowded"]


def test_list_filters_by_status_and_priority(owner, make_project):
    make_project("Draft low", status="draft", priority=1)
    make_project("Active low", status="active", priority=1)
    make_project("Active high", status="active", priority=3)

    assert names(reads.list_projects(actor_uuid=owner.uuid, status="active", ordering="name")) == [
        "Active high",
        "Active low",
    ]
    assert names(reads.list_projects(actor_uuid=owner.uuid, priority=1, ordering="name")) == [
        "Active low",
        "Draft low",
    ]
    assert names(reads.list_projects(actor_uuid=owner.uuid, status="active", priority=1)) == [
        "Active low"
    ]


def test_list_search_is_case_insensitive_on_name_or_description(owner, make_project):
    make_project("Moon landing")
    make_project("Rover", description="Drive on the MOON surface")
    make_project("Mars", description="Red planet")

    found = reads.list_projects(actor_uuid=owner.uuid, search="mOoN", ordering="name")

    assert names(found) == ["Moon landing", "Rover"]


def test_list_with_empty_search_returns_everything(owner, make_project):
    make_project("A")
    make_project("B")

    assert len(reads.list_projects(actor_uuid=owner.uuid, search="")) == 2


def test_list_search_folds_case_beyond_ascii(owner, make_project):
    make_project("Été à Paris")
    make_project("Winter")
    found = reads.list_projects(actor_uuid=owner.uuid, search="ÉTÉ")
    assert [project.name for project in found] == ["Été à Paris"]


@pytest.fixture
def dated_projects(make_project):
    """Three projects created at known times, in the order old, middle, new."""
    base = timezone.now() - dt.timedelta(days=1)
    projects = [make_project(name) for name in ("old", "middle", "new")]
    for offset, project in enumerate(projects):
        set_created_at(project, base + dt.timedelta(minutes=offset))
    return projects


def test_list_default_order_is_newest_first(owner, dated_projects):
    assert names(reads.list_projects(actor_uuid=owner.uuid)) == ["new", "middle", "old"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("created_at", ["old", "middle", "new"]),
        ("-created_at", ["new", "middle", "old"]),
        ("bogus", ["new", "middle", "old"]),
        ("-bogus", ["new", "middle", "old"]),
        ("", ["new", "middle", "old"]),
        ("owner_uuid", ["new", "middle", "old"]),
    ],
)
def test_list_orders_by_creation_and_ignores_unknown_keys(
    owner, dated_projects, ordering, expected
):
    assert names(reads.list_projects(actor_uuid=owner.uuid, ordering=ordering)) == expected


def test_list_breaks_creation_time_ties_by_creation_order(owner, make_project):
    projects = [make_project(name) for name in ("first", "second", "third")]
    same_time = timezone.now() - dt.timedelta(hours=1)
    for project in projects:
        set_created_at(project, same_time)

    assert names(reads.list_projects(actor_uuid=owner.uuid)) == ["first", "second", "third"]
    assert names(reads.list_projects(actor_uuid=owner.uuid, ordering="created_at")) == [
        "first",
        "second",
        "third",
    ]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("priority", ["low", "mid-1", "mid-2", "critical"]),
        ("-priority", ["critical", "mid-1", "mid-2", "low"]),
    ],
)
def test_list_orders_by_priority_with_ties_by_creation_order(
    owner, make_project, ordering, expected
):
    make_project("mid-1", priority=2)
    make_project("critical", priority=4)
    make_project("mid-2", priority=2)
    make_project("low", priority=1)

    assert names(reads.list_projects(actor_uuid=owner.uuid, ordering=ordering)) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("due_date", ["early", "late", "none-1", "none-2"]),
        ("-due_date", ["late", "early", "none-1", "none-2"]),
    ],
)
def test_list_orders_by_due_date_with_nulls_last(owner, make_project, ordering, expected):
    make_project("none-1")
    make_project("late", due_date=dt.date(2031, 1, 1))
    make_project("none-2")
    make_project("early", due_date=dt.date(2030, 1, 1))

    assert names(reads.list_projects(actor_uuid=owner.uuid, ordering=ordering)) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["B", "Z", "a", "b", "é"]),
        ("-name", ["é", "b", "a", "Z", "B"]),
    ],
)
def test_list_orders_names_by_code_point(owner, make_project, ordering, expected):
    for name in ("é", "a", "Z", "b", "B"):
        make_project(name)

    assert names(reads.list_projects(actor_uuid=owner.uuid, ordering=ordering)) == expected


def test_list_breaks_name_ties_by_creation_order(owner, make_project):
    first = make_project("Same", description="first")
    second = make_project("Same", description="second")

    for ordering in ("name", "-name"):
        listed = list(reads.list_projects(actor_uuid=owner.uuid, ordering=ordering))
        assert listed == [first, second]


# --- owners -------------------------------------------------------------------------------------


def test_owners_of_fetches_all_owners_in_one_call(users_fake, make_user, make_project, owner):
    other = make_user(display_name="Other")
    projects = [make_project("A"), make_project("B"), make_project("C", actor_uuid=other.uuid)]
    users_fake.calls.clear()

    lookup = reads.owners_of(projects=[reads.row_of(project) for project in projects])

    assert users_fake.calls == ["get_users"]
    assert lookup.degraded is False
    assert {uuid: user.display_name for uuid, user in lookup.owners.items()} == {
        owner.uuid: "Olivia Owner",
        other.uuid: "Other",
    }


def test_owners_of_no_projects_makes_no_call(users_fake):
    lookup = reads.owners_of(projects=[])

    assert users_fake.calls == []
    assert (lookup.owners, lookup.degraded) == ({}, False)


def test_owners_of_is_degraded_when_users_is_unavailable(users_fake, project):
    users_fake.unavailable = True

    lookup = reads.owners_of(projects=[reads.row_of(project)])

    assert (lookup.owners, lookup.degraded) == ({}, True)


# --- the API's reads: rows through prepared queries ---------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "active"},
        {"priority": 1},
        {"status": "active", "priority": 1, "ordering": "-name"},
        {"ordering": "priority"},
        {"search": "LOW"},
    ],
)
def test_project_rows_are_the_lists_rows(owner, member, shared_project, make_project, filters):
    make_project("Draft low", status="draft", priority=1)
    make_project("Active low", status="active", priority=1)
    make_project("Active high", status="active", priority=3)
    for actor in (owner, member):
        expected = list(
            reads.list_projects(actor_uuid=actor.uuid, **filters).values(*reads.PROJECT_COLUMNS)
        )
        rows = reads.ProjectRows(actor_uuid=actor.uuid, **filters)

        assert rows.count() == len(expected)
        assert rows[0:2] == expected[0:2]
        assert rows[1:20] == expected[1:20]
        assert rows[0:0] == []


def test_an_unknown_ordering_is_the_default_one_and_no_shape_of_its_own(owner, make_project):
    make_project("A")
    default = reads.ProjectRows(actor_uuid=owner.uuid)[0:20]
    compiled = len(reads._PROJECT_ROWS._compiled)

    for ordering in ("made-up", "--name", "-made-up"):
        assert reads.ProjectRows(actor_uuid=owner.uuid, ordering=ordering)[0:20] == default
    assert len(reads._PROJECT_ROWS._compiled) == compiled


def test_project_row_for_owner_and_member(owner, member, shared_project):
    for actor in (owner, member):
        row = reads.project_row(actor_uuid=actor.uuid, project_uuid=str(shared_project.uuid))
        assert row == reads.row_of(shared_project)
