"""The project list costs a fixed number of queries and users calls, whatever the page size."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from services.projects.tests.helpers import projects_db

pytestmark = projects_db

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
