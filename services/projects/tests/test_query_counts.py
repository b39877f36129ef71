"""Every endpoint costs a fixed number of queries and users calls, whatever the rows in play.

The first tests vary the page size of the list (1, 20 and 100 of over 100 projects). The rest
run each endpoint in two worlds, one with 1 row in play and one with 50 (projects the caller
owns or is a member of, members of the project it addresses), and assert that both cost the
same number of queries on the projects database (docs/ARCHITECTURE.md section 8). The
``projects_db`` marker already fails a test that touches users' database.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.response import Response

from services.projects.models import Project, ProjectMembership
from services.projects.models.project import searchable
from services.projects.tests.helpers import projects_db
from shared.core.testing import mint_token, signing_key
from users_contracts.v1.schemas import UserSummary

pytestmark = projects_db


@pytest.fixture(scope="module")
def private_key():
    """The signing key, parsed once: minting with its PEM parses it again (tens of ms) each time."""
    return serialization.load_pem_private_key(signing_key().encode(), password=None)


@pytest.fixture
def as_user(api, private_key):
    """conftest's ``as_user`` with the key parsed once: these tests mint two tokens each."""

    def authenticate(user: UserSummary):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {mint_token(user.uuid, key=private_key)}")
        return api

    return authenticate


PAGE_SIZES = (1, 20, 100)


@pytest.fixture
def full_pages(make_user, make_project, add_member, owner, member):
    """Over 100 projects visible to ``member``: its own, and others' with several members."""
    others = [make_user(display_name=f"Owner {number}") for number in range(5)]
    extra_members = [make_user() for _ in range(2)]
    for number in range(110):
        if number % 3 == 0:
            make_project(f"Own {number}", actor_uuid=member.uuid)
            continue
        creator = others[number % len(others)] if number % 3 == 1 else owner
        project = make_project(f"Shared {number}", actor_uuid=creator.uuid)
        add_member(project, member)
        for extra in extra_members:
            add_member(project, extra)


def _list(api, page_size: int, **params):
    with CaptureQueriesContext(connections["projects"]) as queries:
        response = api.get("/api/projects/", {"page_size": page_size, **params})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(queries)


def test_list_runs_the_same_queries_for_every_page_size(as_user, member, full_pages):
    api = as_user(member)

    counts = {size: _list(api, size) for size in PAGE_SIZES}

    assert len(set(counts.values())) == 1, counts
    # One to authenticate (is the token's subject a deleted account?), two for the page.
    assert counts[1] <= 3, counts


def test_list_with_filters_and_ordering_runs_the_same_queries_for_every_page_size(
    as_user, member, full_pages
):
    api = as_user(member)
    params = {"search": "", "ordering": "-due_date", "status": "draft"}

    counts = {size: _list(api, size, **params) for size in PAGE_SIZES}

    assert len(set(counts.values())) == 1, counts


def test_list_expand_owner_makes_one_users_call_for_every_page_size(
    as_user, users_fake, member, full_pages
):
    api = as_user(member)

    for size in PAGE_SIZES:
        users_fake.calls.clear()
        with CaptureQueriesContext(connections["projects"]) as queries:
            response = api.get("/api/projects/", {"page_size": size, "expand": "owner"})
        assert response.status_code == 200
        results = response.json()["results"]
        assert len(results) == size
        assert all(item["owner"] is not None for item in results)
        assert users_fake.calls == ["get_users"], size
        assert len(queries) == _list(api, size), size


# --- 1 row in play against 50 -------------------------------------------------------------------

DB = "projects"
ONE, MANY = 1, 50
# How the caller sees the projects in play: it owns them, or it is a member of others' projects.
RELATIONS = ("owner", "member")


@dataclass(frozen=True)
class World:
    """``actor`` sees ``rows`` projects; the first, ``target``, has ``rows`` members."""

    actor: UserSummary
    projects: list[Project]
    members: list[UserSummary]  # the target's members, the actor among them if it is one
    outsider: UserSummary  # a known user who is not a member of the target

    @property
    def target(self) -> Project:
        return self.projects[0]


@pytest.fixture
def world(make_user) -> Callable[[int, str], World]:
    """Builds a world in bulk (two INSERTs): ``rows`` projects visible, ``rows`` members."""

    def build(rows: int, relation: str = "owner") -> World:
        actor = make_user(display_name=f"Actor of {rows}")
        others = [make_user(display_name=f"Other {number}") for number in range(rows)]
        owners = [actor] * rows if relation == "owner" else others
        projects = Project.objects.using(DB).bulk_create(
            [
                Project(
                    owner_uuid=owner.uuid,
                    name=f"Project {number}",
                    description=f"Number {number}",
                    search_text=searchable(f"Project {number}", f"Number {number}"),
                    status="active",
                    priority=3,
                    start_date=dt.date(2030, 1, 1),
                    due_date=dt.date(2030, 1, 1) + dt.timedelta(days=number)
                    if number % 4
                    else None,
                )
                for number, owner in enumerate(owners)
            ]
        )
        if relation == "owner":
            memberships = [(projects[0], other) for other in others]
        else:  # a member of every project; the target has rows - 1 other members
            memberships = [(project, actor) for project in projects]
            memberships += [(projects[0], other) for other in others[1:]]
        ProjectMembership.objects.using(DB).bulk_create(
            [
                ProjectMembership(project=project, user_uuid=user.uuid)
                for project, user in memberships
            ]
        )
        members = [user for project, user in memberships if project == projects[0]]
        assert len(projects) == len(members) == rows
        return World(actor=actor, projects=projects, members=members, outsider=make_user())

    return build


@pytest.fixture
def constant_queries(django_assert_num_queries, users_fake):
    """Runs the call of the 1-row world, then asserts the 50-row one runs as many queries.

    Both worlds are built before anything is measured. Returns both responses; each call must
    make the same users calls too.
    """

    def measure(calls: dict[int, Callable[[], Response]]) -> tuple[Response, Response]:
        users_fake.calls.clear()
        with CaptureQueriesContext(connections[DB]) as queries:
            one = calls[ONE]()
        users_calls = list(users_fake.calls)
        users_fake.calls.clear()
        with django_assert_num_queries(len(queries), connection=connections[DB]):
            many = calls[MANY]()
        assert users_fake.calls == users_calls
        return one, many

    return measure


def _worlds(world, relation: str = "owner") -> dict[int, World]:
    return {rows: world(rows, relation) for rows in (ONE, MANY)}


def _url(project: Project, *parts: str) -> str:
    return "/".join(["/api/projects", str(project.uuid), *parts, ""])


LIST_PARAMS = [
    pytest.param({}, id="plain"),
    pytest.param({"status": "active"}, id="status"),
    pytest.param({"priority": 3}, id="priority"),
    pytest.param({"search": "PROJECT"}, id="search"),
    *(
        pytest.param({"ordering": ordering}, id=f"ordering={ordering}")
        for key in ("created_at", "due_date", "priority", "name")
        for ordering in (key, f"-{key}")
    ),
    pytest.param(
        {"status": "active", "priority": 3, "search": "project", "ordering": "-due_date"},
        id="filters+ordering",
    ),
    pytest.param({"expand": "owner"}, id="expand=owner"),
    pytest.param(
        {"expand": "owner", "status": "active", "search": "project", "ordering": "name"},
        id="expand=owner+filters+ordering",
    ),
]


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("params", LIST_PARAMS)
def test_list_runs_the_same_queries_for_1_and_50_projects(
    as_user, world, constant_queries, users_fake, relation, params
):
    worlds = _worlds(world, relation)

    one, many = constant_queries(
        {
            rows: lambda w=w: as_user(w.actor).get("/api/projects/", {"page_size": 100, **params})
            for rows, w in worlds.items()
        }
    )

    for rows, response in ((ONE, one), (MANY, many)):
        assert response.status_code == 200
        results = response.json()["results"]
        assert len(results) == response.json()["count"] == rows
        if "expand" in params:
            assert all(item["owner"] is not None for item in results)
    assert users_fake.calls == (["get_users"] if "expand" in params else [])


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("expand", [False, True], ids=["plain", "expand=owner"])
def test_detail_runs_the_same_queries_for_1_and_50_projects_and_members(
    as_user, world, constant_queries, relation, expand
):
    worlds = _worlds(world, relation)
    params = {"expand": "owner"} if expand else {}

    one, many = constant_queries(
        {
            rows: lambda w=w: as_user(w.actor).get(_url(w.target), params)
            for rows, w in worlds.items()
        }
    )

    for response, w in ((one, worlds[ONE]), (many, worlds[MANY])):
        assert response.status_code == 200
        assert response.json()["uuid"] == str(w.target.uuid)
        assert ("owner" in response.json()) is expand


@pytest.mark.parametrize("relation", RELATIONS)
def test_create_runs_the_same_queries_for_1_and_50_projects(
    as_user, world, constant_queries, relation
):
    worlds = _worlds(world, relation)
    body = {
        "name": "New",
        "description": "Fresh",
        "status": "active",
        "priority": 4,
        "start_date": "2030-01-01",
        "due_date": "2030-02-01",
    }

    one, many = constant_queries(
        {
            rows: lambda w=w: as_user(w.actor).post("/api/projects/", body, format="json")
            for rows, w in worlds.items()
        }
    )

    assert one.status_code == many.status_code == 201


@pytest.mark.parametrize(
    ("method", "body"),
    [
        pytest.param("put", {"name": "Renamed", "priority": 1}, id="PUT"),
        pytest.param("patch", {"status": "completed"}, id="PATCH"),
    ],
)
def test_update_runs_the_same_queries_for_1_and_50_projects_and_members(
    as_user, world, constant_queries, method, body
):
    worlds = _worlds(world)

    one, many = constant_queries(
        {
            rows: lambda w=w: getattr(as_user(w.actor), method)(_url(w.target), body, format="json")
            for rows, w in worlds.items()
        }
    )

    for response in (one, many):
        assert response.status_code == 200
        assert body.items() <= response.json().items()


def test_delete_runs_the_same_queries_for_1_and_50_projects_and_members(
    as_user, world, constant_queries
):
    worlds = _worlds(world)

    one, many = constant_queries(
        {rows: lambda w=w: as_user(w.actor).delete(_url(w.target)) for rows, w in worlds.items()}
    )

    assert one.status_code == many.status_code == 204
    targets = [w.target.pk for w in worlds.values()]
    assert not Project.objects.using(DB).filter(pk__in=targets).exists()


@pytest.mark.parametrize("relation", RELATIONS)
def test_members_list_runs_the_same_queries_for_1_and_50_members(
    as_user, world, constant_queries, users_fake, relation
):
    worlds = _worlds(world, relation)

    one, many = constant_queries(
        {
            rows: lambda w=w: as_user(w.actor).get(_url(w.target, "members"))
            for rows, w in worlds.items()
        }
    )

    for rows, response in ((ONE, one), (MANY, many)):
        assert response.status_code == 200
        assert len(response.json()) == rows + 1  # the owner, then the members
        assert all(item["display_name"] for item in response.json())
    assert users_fake.calls == ["get_users"]


def test_members_add_runs_the_same_queries_for_1_and_50_members(
    as_user, world, constant_queries, user_emails, users_fake
):
    worlds = _worlds(world)

    one, many = constant_queries(
        {
            rows: lambda w=w: as_user(w.actor).post(
                _url(w.target, "members"), {"email": user_emails[w.outsider.uuid]}, format="json"
            )
            for rows, w in worlds.items()
        }
    )

    assert one.status_code == many.status_code == 201
    assert users_fake.calls == ["find_by_email"]


@pytest.mark.parametrize(
    "relation",
    [
        pytest.param("owner", id="owner-removes-a-member"),
        pytest.param("member", id="member-leaves"),
    ],
)
def test_members_remove_runs_the_same_queries_for_1_and_50_members(
    as_user, world, constant_queries, relation
):
    worlds = _worlds(world, relation)
    # The owner removes the last member added; a member removes itself (always the first).
    leaving = {
        rows: w.members[-1] if relation == "owner" else w.actor for rows, w in worlds.items()
    }

    one, many = constant_queries(
        {
            rows: lambda w=w, rows=rows: as_user(w.actor).delete(
                _url(w.target, "members", str(leaving[rows].uuid))
            )
            for rows, w in worlds.items()
        }
    )

    assert one.status_code == many.status_code == 204
    for rows, w in worlds.items():
        remaining = ProjectMembership.objects.using(DB).filter(project=w.target)
        assert remaining.count() == rows - 1
        assert not remaining.filter(user_uuid=leaving[rows].uuid).exists()
