"""The projects API end to end, the same in every topology.

Create, read, update, soft-delete; who may do what (owner, member, stranger, anonymous); the list:
pagination, filters, search, ordering (NULLs last, names by code point, ties by creation order)
and ``expand=owner``.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests_e2e.api import (
    Account,
    add_member,
    api_client,
    assert_envelope,
    assert_field_errors,
    assert_request_id,
    create_project,
    shared_account,
    shared_dataset,
)

PROJECT_KEYS = {
    "uuid",
    "name",
    "description",
    "status",
    "priority",
    "start_date",
    "due_date",
    "is_overdue",
    "owner_uuid",
    "created_at",
    "updated_at",
}


@pytest.fixture
def api(base_url):
    with api_client(base_url) as client:
        yield client


@pytest.fixture
def owner(api) -> Account:
    return shared_account(api, "Owner")


@pytest.fixture
def member(api) -> Account:
    return shared_account(api, "Member")


@pytest.fixture
def stranger(api) -> Account:
    return shared_account(api, "Stranger")


@pytest.fixture
def shared_project(api, owner, member) -> dict[str, Any]:
    """A project of the owner's with one member; a new one per test."""
    project = create_project(api, owner, name=f"Shared {uuid.uuid4().hex[:8]}")
    add_member(api, owner, project["uuid"], member)
    return project


# --- create ------------------------------------------------------------------------------------


def test_create_with_defaults(api, owner):
    response = api.post("/api/projects/", json={"name": "  Apollo  "}, headers=owner.auth)
    assert response.status_code == 201, response.text
    assert_request_id(response)
    project = response.json()
    assert set(project) == PROJECT_KEYS
    assert uuid.UUID(project["uuid"])
    assert project["name"] == "Apollo"
    assert project["description"] == ""
    assert project["status"] == "draft"
    assert project["priority"] == 2
    assert project["start_date"] is None
    assert project["due_date"] is None
    assert project["is_overdue"] is False
    assert project["owner_uuid"] == owner.uuid
    assert project["created_at"]
    assert project["updated_at"]
    assert api.get(f"/api/projects/{project['uuid']}/", headers=owner.auth).json() == project


def test_create_with_every_field(api, owner):
    body = {
        "name": "N" * 200,
        "description": "  kept as sent  ",
        "status": "active",
        "priority": 4,
        "start_date": "2020-01-01",
        "due_date": "2020-01-01",
    }
    response = api.post("/api/projects/", json=body, headers=owner.auth)
    assert response.status_code == 201, response.text
    project = response.json()
    assert {name: project[name] for name in body} == body
    assert project["is_overdue"] is True  # due in the past and still open


def test_create_ignores_unknown_and_read_only_fields(api, owner):
    forged = {
        "uuid": str(uuid.uuid4()),
        "owner_uuid": str(uuid.uuid4()),
        "created_at": "2000-01-01T00:00:00Z",
        "updated_at": "2000-01-01T00:00:00Z",
        "is_overdue": True,
        "owner": {"uuid": str(uuid.uuid4()), "display_name": "Mallory"},
        "color": "red",
    }
    response = api.post("/api/projects/", json={"name": "Honest", **forged}, headers=owner.auth)
    assert response.status_code == 201, response.text
    project = response.json()
    assert set(project) == PROJECT_KEYS
    assert project["uuid"] != forged["uuid"]
    assert project["owner_uuid"] == owner.uuid
    assert not project["created_at"].startswith("2000")
    assert project["is_overdue"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "N" * 201}, "name"),
        ({"name": None}, "name"),
        ({"name": "x", "status": "done"}, "status"),
        ({"name": "x", "priority": 0}, "priority"),
        ({"name": "x", "priority": 5}, "priority"),
        ({"name": "x", "priority": "high"}, "priority"),
        ({"name": "x", "due_date": "2024-02-30"}, "due_date"),
        ({"name": "x", "start_date": "yesterday"}, "start_date"),
        ({"name": "x", "start_date": "2024-03-02", "due_date": "2024-03-01"}, "due_date"),
        ({"name": "x", "description": "d" * 10_001}, "description"),
    ],
    ids=[
        "no-name",
        "empty-name",
        "blank-name",
        "long-name",
        "null-name",
        "bad-status",
        "priority-0",
        "priority-5",
        "priority-text",
        "bad-date",
        "not-a-date",
        "start-after-due",
        "long-description",
    ],
)
def test_create_refuses_invalid_fields(api, owner, body, field):
    assert_field_errors(api.post("/api/projects/", json=body, headers=owner.auth), field)


def test_create_refuses_a_body_that_is_not_an_object(api, owner):
    response = api.post("/api/projects/", json=["name"], headers=owner.auth)
    assert_envelope(response, 400, "validation_error")


def test_completed_and_archived_projects_are_never_overdue(api, owner):
    for status in ("completed", "archived"):
        project = create_project(api, owner, status=status, due_date="2020-01-01")
        assert project["is_overdue"] is False
    assert create_project(api, owner, due_date="2999-01-01")["is_overdue"] is False


# --- read, update, delete ----------------------------------------------------------------------


def test_put_replaces_and_needs_a_name(api, owner):
    project = create_project(api, owner, name="Before", description="old")
    path = f"/api/projects/{project['uuid']}/"
    assert_field_errors(api.put(path, json={"description": "no name"}, headers=owner.auth), "name")
    body = {
        "name": "After",
        "description": "new",
        "status": "completed",
        "priority": 1,
        "start_date": "2024-01-01",
        "due_date": "2024-12-31",
    }
    response = api.put(path, json=body, headers=owner.auth)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert {name: updated[name] for name in body} == body
    assert updated["uuid"] == project["uuid"]
    assert updated["created_at"] == project["created_at"]
    assert updated["updated_at"] >= project["updated_at"]
    assert api.get(path, headers=owner.auth).json() == updated


def test_patch_changes_only_what_is_sent_and_checks_the_merged_dates(api, owner):
    project = create_project(api, owner, name="Patchy", start_date="2024-01-10")
    path = f"/api/projects/{project['uuid']}/"
    response = api.patch(path, json={"status": "active", "owner_uuid": "x"}, headers=owner.auth)
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["status"] == "active"
    assert (patched["name"], patched["start_date"], patched["owner_uuid"]) == (
        "Patchy",
        "2024-01-10",
        owner.uuid,
    )
    # The due date is checked against the stored start date.
    assert_field_errors(
        api.patch(path, json={"due_date": "2024-01-09"}, headers=owner.auth), "due_date"
    )
    assert_field_errors(api.patch(path, json={"name": "  "}, headers=owner.auth), "name")
    cleared = api.patch(path, json={"start_date": None}, headers=owner.auth)
    assert cleared.json()["start_date"] is None
    assert api.patch(path, json={"due_date": "2024-01-09"}, headers=owner.auth).status_code == 200


def test_delete_is_soft_and_final_for_everyone(api, owner, member, shared_project):
    path = f"/api/projects/{shared_project['uuid']}/"
    deleted = api.delete(path, headers=owner.auth)
    assert deleted.status_code == 204, deleted.text
    assert deleted.content == b""
    assert_request_id(deleted)
    for account in (owner, member):
        assert_envelope(api.get(path, headers=account.auth), 404, "not_found")
        assert_envelope(api.get(f"{path}members/", headers=account.auth), 404, "not_found")
        listing = api.get(f"/api/projects/?search={shared_project['name']}", headers=account.auth)
        assert listing.json()["count"] == 0
    for method in ("PUT", "PATCH", "DELETE"):
        response = api.request(method, path, json={"name": "again"}, headers=owner.auth)
        assert_envelope(response, 404, "not_found")


@pytest.mark.parametrize("project", ["unknown", "malformed", "nil"])
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_no_such_project_is_404(api, owner, project, method):
    key = {"unknown": str(uuid.uuid4()), "malformed": "not-a-uuid", "nil": "0"}[project]
    response = api.request(method, f"/api/projects/{key}/", json={"name": "x"}, headers=owner.auth)
    assert_envelope(response, 404, "not_found")


# --- who may do what ---------------------------------------------------------------------------

# (operation, expected status for owner, member, stranger, anonymous)
MATRIX = {
    "list": (200, 200, 200, 401),
    "create": (201, 201, 201, 401),
    "retrieve": (200, 200, 404, 401),
    "retrieve-expand": (200, 200, 404, 401),
    "put": (200, 403, 404, 401),
    "patch": (200, 403, 404, 401),
    "delete": (204, 403, 404, 401),
}
ROLES = ("owner", "member", "stranger", "anonymous")
CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}


def call(api: httpx.Client, operation: str, project: str, headers: dict[str, str]):
    path = f"/api/projects/{project}/"
    return {
        "list": lambda: api.get("/api/projects/?page_size=100", headers=headers),
        "create": lambda: api.post("/api/projects/", json={"name": "Mine"}, headers=headers),
        "retrieve": lambda: api.get(path, headers=headers),
        "retrieve-expand": lambda: api.get(f"{path}?expand=owner", headers=headers),
        "put": lambda: api.put(path, json={"name": "Renamed"}, headers=headers),
        "patch": lambda: api.patch(path, json={"priority": 3}, headers=headers),
        "delete": lambda: api.delete(path, headers=headers),
    }[operation]()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX))
def test_permission_matrix(api, owner, member, stranger, shared_project, operation, role):
    accounts = {"owner": owner, "member": member, "stranger": stranger}
    headers = accounts[role].auth if role in accounts else {}
    expected = MATRIX[operation][ROLES.index(role)]
    response = call(api, operation, shared_project["uuid"], headers)
    if expected >= 400:
        assert_envelope(response, expected, CODES[expected])
        if expected == 401:
            assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
        # Nothing changed.
        unchanged = api.get(f"/api/projects/{shared_project['uuid']}/", headers=owner.auth)
        assert unchanged.json() == shared_project
        return
    assert response.status_code == expected, response.text
    assert_request_id(response)
    if operation == "list":
        listed = {p["uuid"] for p in response.json()["results"]}
        assert (shared_project["uuid"] in listed) == (role != "stranger")
    elif operation.startswith("retrieve"):
        assert response.json()["uuid"] == shared_project["uuid"]
        if operation == "retrieve-expand":
            assert response.json()["owner"] == {
                "uuid": owner.uuid,
                "display_name": owner.display_name,
            }


def test_a_member_or_stranger_is_refused_whatever_the_body(api, member, stranger, shared_project):
    path = f"/api/projects/{shared_project['uuid']}/"
    for method, body in (("PUT", {}), ("PATCH", {"priority": 99}), ("PUT", {"name": ""})):
        assert_envelope(
            api.request(method, path, json=body, headers=member.auth), 403, "permission_denied"
        )
        assert_envelope(
            api.request(method, path, json=body, headers=stranger.auth), 404, "not_found"
        )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/projects/"),
        ("PATCH", "/api/projects/"),
        ("DELETE", "/api/projects/"),
        ("POST", "/api/projects/{uuid}/"),
    ],
)
def test_wrong_methods_are_405(api, owner, shared_project, method, path):
    response = api.request(method, path.format(uuid=shared_project["uuid"]), headers=owner.auth)
    assert_envelope(response, 405, "method_not_allowed")


@pytest.mark.parametrize("path", ["/api/projects", "/api/projects/{uuid}"])
def test_paths_without_their_trailing_slash_are_404(api, owner, shared_project, path):
    for method in ("GET", "POST"):
        response = api.request(
            method, path.format(uuid=shared_project["uuid"]), json={}, headers=owner.auth
        )
        assert_envelope(response, 404, "not_found")
        assert "Location" not in response.headers


# --- the list: a catalog of projects, made once per topology ------------------------------------

# Created in this order (creation order breaks ties). "*" marks the one the cataloger is only a
# member of. Names by code point: "Alpha" < "Mañana" < "Zeta" < "_under" < "alpha" < "beta" <
# "Éclair" < "émile".
CATALOG = [
    {"name": "beta", "description": "first of all", "priority": 2, "due_date": "2030-05-01"},
    {
        "name": "Alpha",
        "description": "Searchable NEEDLE here",
        "status": "active",
        "priority": 4,
        "start_date": "2020-01-01",
        "due_date": "2020-02-01",
    },
    {"name": "émile", "status": "completed", "priority": 1},
    {
        "name": "Zeta",
        "description": "needle in lower",
        "status": "archived",
        "priority": 3,
        "due_date": "2031-01-01",
    },
    {"name": "alpha", "status": "active", "priority": 2},
    {"name": "Éclair", "description": "Ünïcode ÄÖ", "priority": 2, "due_date": "2029-12-31"},
    {"name": "*shared", "description": "owned by someone else", "status": "active", "priority": 4},
    {"name": "_under", "priority": 4, "due_date": "2030-05-01"},
    {"name": "Mañana needle", "status": "active", "priority": 1, "due_date": "2030-05-01"},
]


def build_catalog(api: httpx.Client) -> dict[str, Any]:
    cataloger = shared_account(api, "Cataloger")
    other = shared_account(api, "Owner")
    projects = []
    for fields in CATALOG:
        if fields["name"].startswith("*"):
            project = create_project(api, other, **{**fields, "name": "shared"})
            add_member(api, other, project["uuid"], cataloger)
        else:
            project = create_project(api, cataloger, **fields)
        projects.append(project)
    return {"cataloger": cataloger, "other": other, "projects": projects}


@pytest.fixture
def catalog(api) -> dict[str, Any]:
    data = shared_dataset(api, "catalog", build_catalog)
    # The shared accounts' tokens are renewed when old; re-read them.
    return {**data, "cataloger": shared_account(api, "Cataloger")}


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [project["name"] for project in response.json()["results"]]


def catalog_names(catalog: dict[str, Any], keep=lambda p: True) -> list[str]:
    return [p["name"] for p in catalog["projects"] if keep(p)]


def test_the_list_shows_owned_and_member_projects_newest_first(api, catalog):
    response = api.get("/api/projects/", headers=catalog["cataloger"].auth)
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(CATALOG)
    assert (body["next"], body["previous"]) == (None, None)
    assert names(response) == catalog_names(catalog)[::-1]
    assert body["results"] == catalog["projects"][::-1]  # the same JSON as on creation


def sort_key_expected(catalog: dict[str, Any], key: str, descending: bool) -> list[str]:
    """NULLs last in both directions, text by code point, ties in creation order."""
    indexed = list(enumerate(catalog["projects"]))
    present = [(i, p) for i, p in indexed if p[key] is not None]
    missing = [p["name"] for i, p in indexed if p[key] is None]
    # A stable sort: creation order first, then the key (reversed for descending, ties kept).
    ordered = sorted(present, key=lambda item: item[0])
    if descending:
        values = sorted({p[key] for _, p in present}, reverse=True)
        ordered = [item for value in values for item in ordered if item[1][key] == value]
    else:
        ordered = sorted(ordered, key=lambda item: item[1][key])
    return [p["name"] for _, p in ordered] + missing


@pytest.mark.parametrize("key", ["created_at", "due_date", "priority", "name"])
@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_ordering(api, catalog, key, descending):
    ordering = f"-{key}" if descending else key
    response = api.get(f"/api/projects/?ordering={ordering}", headers=catalog["cataloger"].auth)
    expected = sort_key_expected(catalog, key, descending)
    assert names(response) == expected


def test_names_are_ordered_by_code_point(api, catalog):
    response = api.get("/api/projects/?ordering=name", headers=catalog["cataloger"].auth)
    assert names(response) == [
        "Alpha",
        "Mañana needle",
        "Zeta",
        "_under",
        "alpha",
        "beta",
        "shared",
        "Éclair",
        "émile",
    ]


def test_due_dates_put_nulls_last_both_ways(api, catalog):
    for ordering in ("due_date", "-due_date"):
        response = api.get(f"/api/projects/?ordering={ordering}", headers=catalog["cataloger"].auth)
        dues = [p["due_date"] for p in response.json()["results"]]
        first_null = dues.index(None)
        assert all(due is None for due in dues[first_null:]), dues
        assert all(due is not None for due in dues[:first_null]), dues


@pytest.mark.parametrize("ordering", ["color", "-owner_uuid", "", "created_at,name", "--name"])
def test_an_unknown_ordering_is_ignored(api, catalog, ordering):
    response = api.get(f"/api/projects/?ordering={ordering}", headers=catalog["cataloger"].auth)
    assert names(response) == catalog_names(catalog)[::-1]


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("status=active", lambda p: p["status"] == "active"),
        ("status=draft", lambda p: p["status"] == "draft"),
        ("priority=4", lambda p: p["priority"] == 4),
        ("status=active&priority=4", lambda p: p["status"] == "active" and p["priority"] == 4),
        ("status=completed&priority=4", lambda p: False),
    ],
)
def test_filters(api, catalog, query, keep):
    response = api.get(f"/api/projects/?{query}", headers=catalog["cataloger"].auth)
    assert names(response) == catalog_names(catalog, keep)[::-1]
    assert response.json()["count"] == len(catalog_names(catalog, keep))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=done", "status"),
        ("priority=0", "priority"),
        ("priority=5", "priority"),
        ("priority=high", "priority"),
    ],
)
def test_invalid_filters_are_400(api, catalog, query, field):
    response = api.get(f"/api/projects/?{query}", headers=catalog["cataloger"].auth)
    assert_field_errors(response, field)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("needle", ["Mañana needle", "Zeta", "Alpha"]),
        ("NEEDLE", ["Mañana needle", "Zeta", "Alpha"]),
        ("alpha", ["alpha", "Alpha"]),
        ("ünï", ["Éclair"]),
        ("ÜNÏCODE", ["Éclair"]),
        ("ÉMILE", ["émile"]),
        ("of all", ["beta"]),
        ("someone else", ["shared"]),
        ("no such thing", []),
    ],
)
def test_search_is_a_case_insensitive_substring_of_name_or_description(
    api, catalog, search, expected
):
    response = api.get(
        "/api/projects/", params={"search": search}, headers=catalog["cataloger"].auth
    )
    assert names(response) == expected


def test_search_combines_with_filters_and_ordering(api, catalog):
    response = api.get(
        "/api/projects/",
        params={"search": "needle", "status": "active", "ordering": "name"},
        headers=catalog["cataloger"].auth,
    )
    assert names(response) == ["Alpha", "Mañana needle"]


def test_expand_owner_on_the_list_and_the_detail(api, catalog):
    cataloger, other = catalog["cataloger"], catalog["other"]
    response = api.get("/api/projects/?expand=owner", headers=cataloger.auth)
    assert response.status_code == 200, response.text
    assert "X-Degraded" not in response.headers
    for project in response.json()["results"]:
        assert set(project) == PROJECT_KEYS | {"owner"}
        owner = other if project["name"] == "shared" else cataloger
        assert project["owner"] == {"uuid": owner.uuid, "display_name": owner.display_name}
        assert project["owner_uuid"] == owner.uuid
    shared = next(p for p in catalog["projects"] if p["name"] == "shared")
    detail = api.get(f"/api/projects/{shared['uuid']}/?expand=owner", headers=cataloger.auth)
    assert detail.json() == {
        **shared,
        "owner": {"uuid": other.uuid, "display_name": other.display_name},
    }
    # Without expand (or expanding something else) there is no owner key.
    plain = api.get(f"/api/projects/{shared['uuid']}/?expand=members", headers=cataloger.auth)
    assert plain.json() == shared


def test_is_overdue_is_due_in_the_past_and_still_open(api, catalog):
    today = date.today().isoformat()
    for project in catalog["projects"]:
        due = project["due_date"]
        open_ = project["status"] not in {"completed", "archived"}
        assert project["is_overdue"] == (due is not None and due < today and open_), project


# --- pagination: a hundred and one projects, made once per topology ------------------------------

PAGER_PROJECTS = 101


def build_pager(api: httpx.Client) -> Account:
    pager = shared_account(api, "Pager")

    def make(n: int) -> None:
        with httpx.Client(base_url=api.base_url, timeout=30) as client:
            create_project(client, pager, name=f"Page item {n:03d}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(make, range(PAGER_PROJECTS)))
    return pager


@pytest.fixture
def pager(api) -> Account:
    shared_dataset(api, "pager", build_pager)
    return shared_account(api, "Pager")


def page(api: httpx.Client, account: Account, query: str, **headers: str) -> dict[str, Any]:
    response = api.get(f"/api/projects/?{query}", headers={**account.auth, **headers})
    assert response.status_code == 200, response.text
    return response.json()


def query_of(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


def test_the_default_page_has_twenty_and_absolute_links(api, base_url, pager):
    first = page(api, pager, "")
    assert first["count"] == PAGER_PROJECTS
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"].startswith(f"{base_url}/api/projects/?")
    assert query_of(first["next"])["page"] == ["2"]
    created = [p["created_at"] for p in first["results"]]
    assert created == sorted(created, reverse=True)
    last = page(api, pager, "page=6")
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert last["previous"].startswith(f"{base_url}/api/projects/?")
    assert query_of(last["previous"]).get("page", ["1"]) == ["5"]


def test_page_size_is_clamped_to_a_hundred(api, pager):
    for size in ("100", "101", "1000"):
        body = page(api, pager, f"page_size={size}")
        assert len(body["results"]) == 100
        assert query_of(body["next"])["page"] == ["2"]
    rest = page(api, pager, "page_size=1000&page=2")
    assert len(rest["results"]) == 1
    assert rest["next"] is None


def test_following_next_links_visits_every_project_once_in_order(api, pager):
    everything = page(api, pager, "page_size=100")["results"]
    everything += page(api, pager, "page_size=100&page=2")["results"]
    seen, link = [], "/api/projects/?page_size=30&ordering=name&status=draft"
    pages = 0
    while link:
        response = api.get(link, headers=pager.auth)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [p["name"] for p in body["results"]]
        link, pages = body["next"], pages + 1
        if link:
            assert query_of(link)["page_size"] == ["30"]
            assert query_of(link)["ordering"] == ["name"]
            assert query_of(link)["status"] == ["draft"]
    assert pages == 4
    assert seen == sorted(p["name"] for p in everything)
    assert len(set(seen)) == PAGER_PROJECTS


def test_links_use_the_host_the_client_used(api, base_url, pager):
    port = urlsplit(base_url).port
    body = page(api, pager, "page=2", Host=f"localhost:{port}")
    assert body["next"].startswith(f"http://localhost:{port}/api/projects/?")
    assert body["previous"].startswith(f"http://localhost:{port}/api/projects/")


@pytest.mark.parametrize("number", ["7", "0", "-1", "abc", "last", "1.5", ""])
def test_a_page_that_is_not_a_number_or_past_the_end_is_404(api, pager, number):
    response = api.get(f"/api/projects/?page={number}", headers=pager.auth)
    if number == "":  # an empty page parameter is no page parameter
        assert response.status_code == 200, response.text
        return
    assert_envelope(response, 404, "not_found")


def test_an_empty_list_has_one_empty_page(api, owner):
    query = {"search": f"nothing-{uuid.uuid4().hex}"}
    response = api.get("/api/projects/", params=query, headers=owner.auth)
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    response = api.get("/api/projects/", params={**query, "page": "1"}, headers=owner.auth)
    assert response.status_code == 200, response.text
    response = api.get("/api/projects/", params={**query, "page": "2"}, headers=owner.auth)
    assert_envelope(response, 404, "not_found")
