"""Project members end to end, the same in every topology: list, add, remove, and who may."""

import uuid
from typing import Any

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
    unique_email,
)

MEMBER_KEYS = {"user_uuid", "display_name", "role", "added_at"}


@pytest.fixture
def api(base_url):
    with api_client(base_url) as client:
        yield client


@pytest.fixture
def people(api) -> dict[str, Account]:
    """owner, member (of every project made here), candidate (added by some tests), stranger."""
    return {name: shared_account(api, name.title()) for name in PEOPLE}


PEOPLE = ("owner", "member", "candidate", "stranger")


@pytest.fixture
def project(api, people) -> dict[str, Any]:
    """A new project of the owner's with the member in it."""
    created = create_project(api, people["owner"], name=f"Team {uuid.uuid4().hex[:8]}")
    add_member(api, people["owner"], created["uuid"], people["member"])
    return created


def members(api: httpx.Client, project: dict[str, Any], account: Account) -> list[dict[str, Any]]:
    response = api.get(f"/api/projects/{project['uuid']}/members/", headers=account.auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_owner_comes_first_then_members_in_the_order_added(api, people, project):
    owner, member, candidate = people["owner"], people["member"], people["candidate"]
    path = f"/api/projects/{project['uuid']}/members/"
    added = api.post(path, json={"email": candidate.email.upper()}, headers=owner.auth)
    assert added.status_code == 201, added.text
    assert_request_id(added)
    entry = added.json()
    assert set(entry) == MEMBER_KEYS
    assert (entry["user_uuid"], entry["display_name"], entry["role"]) == (
        candidate.uuid,
        candidate.display_name,
        "member",
    )
    listed = members(api, project, member)
    assert [set(item) for item in listed] == [MEMBER_KEYS] * 3
    assert [(m["user_uuid"], m["display_name"], m["role"]) for m in listed] == [
        (owner.uuid, owner.display_name, "owner"),
        (member.uuid, member.display_name, "member"),
        (candidate.uuid, candidate.display_name, "member"),
    ]
    assert listed[0]["added_at"] == project["created_at"]
    assert listed[1]["added_at"] <= listed[2]["added_at"]
    assert listed[2] == entry
    assert members(api, project, owner) == listed
    # The new member sees the project now.
    seen = api.get(f"/api/projects/{project['uuid']}/", headers=candidate.auth)
    assert seen.status_code == 200, seen.text


@pytest.mark.parametrize("case", ["unknown", "invalid", "missing", "owner-itself"])
def test_adding_someone_who_cannot_be_a_member_is_400(api, people, project, case):
    email = {
        "unknown": unique_email("nobody"),
        "invalid": "not-an-email",
        "missing": None,
        "owner-itself": people["owner"].email.upper(),
    }[case]
    body = {} if email is None else {"email": email}
    path = f"/api/projects/{project['uuid']}/members/"
    assert_field_errors(api.post(path, json=body, headers=people["owner"].auth), "email")
    assert len(members(api, project, people["owner"])) == 2


def test_adding_a_member_twice_is_a_conflict(api, people, project):
    path = f"/api/projects/{project['uuid']}/members/"
    again = api.post(
        path, json={"email": people["member"].email.upper()}, headers=people["owner"].auth
    )
    assert_envelope(again, 409, "conflict")
    assert len(members(api, project, people["owner"])) == 2


def test_the_owner_removes_a_member_who_then_loses_access(api, people, project):
    owner, member = people["owner"], people["member"]
    path = f"/api/projects/{project['uuid']}/members/{member.uuid}/"
    removed = api.delete(path, headers=owner.auth)
    assert removed.status_code == 204, removed.text
    assert removed.content == b""
    assert [m["user_uuid"] for m in members(api, project, owner)] == [owner.uuid]
    assert_envelope(
        api.get(f"/api/projects/{project['uuid']}/", headers=member.auth), 404, "not_found"
    )
    assert_envelope(api.delete(path, headers=owner.auth), 404, "not_found")
    # ... and can be added again.
    add_member(api, owner, project["uuid"], member)


def test_a_member_leaves_by_removing_itself(api, people, project):
    owner, member = people["owner"], people["member"]
    path = f"/api/projects/{project['uuid']}/members/{member.uuid}/"
    assert api.delete(path, headers=member.auth).status_code == 204
    assert [m["user_uuid"] for m in members(api, project, owner)] == [owner.uuid]
    assert_envelope(api.delete(path, headers=member.auth), 404, "not_found")


@pytest.mark.parametrize("user", ["stranger", "random", "malformed"])
def test_removing_someone_who_is_not_a_member_is_404(api, people, project, user):
    key = {
        "stranger": people["stranger"].uuid,
        "random": str(uuid.uuid4()),
        "malformed": "not-a-uuid",
    }[user]
    path = f"/api/projects/{project['uuid']}/members/{key}/"
    assert_envelope(api.delete(path, headers=people["owner"].auth), 404, "not_found")


def test_the_owner_cannot_be_removed(api, people, project):
    owner = people["owner"]
    path = f"/api/projects/{project['uuid']}/members/{owner.uuid}/"
    error = assert_envelope(api.delete(path, headers=owner.auth), 400, "validation_error")
    assert error["details"], error
    assert_envelope(api.delete(path, headers=people["member"].auth), 403, "permission_denied")
    assert members(api, project, owner)[0]["user_uuid"] == owner.uuid


# --- who may do what ---------------------------------------------------------------------------

# (operation, expected status for owner, member, stranger, anonymous)
MATRIX = {
    "list": (200, 200, 404, 401),
    "add": (201, 403, 404, 401),
    "add-invalid-body": (400, 403, 404, 401),
    "remove-other": (204, 403, 404, 401),
    "remove-self": (400, 204, 404, 401),
    "remove-owner": (400, 403, 404, 401),
}
ROLES = ("owner", "member", "stranger", "anonymous")
CODES = {400: "validation_error", 401: "not_authenticated", 403: "permission_denied"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX))
def test_permission_matrix(api, people, project, operation, role):
    owner, candidate = people["owner"], people["candidate"]
    actor = people.get(role)
    headers = actor.auth if actor else {}
    base = f"/api/projects/{project['uuid']}/members/"
    if operation == "remove-other":
        add_member(api, owner, project["uuid"], candidate)
    before = members(api, project, owner)
    self_uuid = actor.uuid if actor else people["member"].uuid
    response = {
        "list": lambda: api.get(base, headers=headers),
        "add": lambda: api.post(base, json={"email": candidate.email}, headers=headers),
        "add-invalid-body": lambda: api.post(base, json={"email": 42}, headers=headers),
        "remove-other": lambda: api.delete(f"{base}{candidate.uuid}/", headers=headers),
        "remove-self": lambda: api.delete(f"{base}{self_uuid}/", headers=headers),
        "remove-owner": lambda: api.delete(f"{base}{owner.uuid}/", headers=headers),
    }[operation]()
    expected = MATRIX[operation][ROLES.index(role)]
    after = members(api, project, owner)
    if expected >= 400:
        assert_envelope(response, expected, CODES.get(expected, "not_found"))
        assert after == before
        return
    assert response.status_code == expected, response.text
    assert_request_id(response)
    if operation == "list":
        assert response.json() == before
    elif operation == "add":
        assert [m["user_uuid"] for m in after] == [m["user_uuid"] for m in before] + [
            candidate.uuid
        ]
    else:
        gone = candidate.uuid if operation == "remove-other" else self_uuid
        assert [m["user_uuid"] for m in after] == [
            m["user_uuid"] for m in before if m["user_uuid"] != gone
        ]


def test_members_of_a_missing_or_deleted_project_are_404(api, people, project):
    owner = people["owner"]
    for key in (str(uuid.uuid4()), "not-a-uuid"):
        response = api.get(f"/api/projects/{key}/members/", headers=owner.auth)
        assert_envelope(response, 404, "not_found")
        response = api.post(
            f"/api/projects/{key}/members/",
            json={"email": people["candidate"].email},
            headers=owner.auth,
        )
        assert_envelope(response, 404, "not_found")
    assert api.delete(f"/api/projects/{project['uuid']}/", headers=owner.auth).status_code == 204
    base = f"/api/projects/{project['uuid']}/members/"
    assert_envelope(api.get(base, headers=owner.auth), 404, "not_found")
    assert_envelope(
        api.post(base, json={"email": people["candidate"].email}, headers=owner.auth),
        404,
        "not_found",
    )
    for account in (owner, people["member"]):
        response = api.delete(f"{base}{people['member'].uuid}/", headers=account.auth)
        assert_envelope(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "members/"),
        ("PATCH", "members/"),
        ("DELETE", "members/"),
        ("GET", "members/{member}/"),
        ("PUT", "members/{member}/"),
        ("POST", "members/{member}/"),
    ],
)
def test_wrong_methods_are_405(api, people, project, method, path):
    url = f"/api/projects/{project['uuid']}/" + path.format(member=people["member"].uuid)
    response = api.request(method, url, json={}, headers=people["owner"].auth)
    assert_envelope(response, 405, "method_not_allowed")


@pytest.mark.parametrize("path", ["members", "members/{member}"])
def test_paths_without_their_trailing_slash_are_404(api, people, project, path):
    url = f"/api/projects/{project['uuid']}/" + path.format(member=people["member"].uuid)
    for method in ("GET", "POST", "DELETE"):
        response = api.request(method, url, headers=people["owner"].auth)
        assert_envelope(response, 404, "not_found")
        assert "Location" not in response.headers
