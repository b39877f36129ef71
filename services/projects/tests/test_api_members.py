"""The members sub-resource over HTTP: listing, adding and removing members of a project."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from projects_contracts.v1 import MemberResponse
from services.projects.models import ProjectMembership
from services.projects.services.projects import delete_project
from services.projects.tests.helpers import assert_error, projects_db

pytestmark = projects_db


def members_url(project) -> str:
    return f"/api/projects/{getattr(project, 'uuid', project)}/members/"


def member_url(project, user_uuid) -> str:
    return f"{members_url(project)}{user_uuid}/"


def member_uuids(project) -> set[uuid.UUID]:
    return set(
        ProjectMembership.objects.using("projects")
        .filter(project=project)
        .values_list("user_uuid", flat=True)
    )


def iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


# --- list ---------------------------------------------------------------------------------------


def test_list_members_answers_the_owner_first_then_members_by_added_at(
    as_user, make_user, add_member, owner, project
):
    early = make_user(display_name="Early")
    late = make_user(display_name="Late")
    add_member(project, late)
    add_member(project, early)
    ProjectMembership.objects.using("projects").filter(user_uuid=early.uuid).update(
        added_at=timezone.now() - dt.timedelta(hours=1)
    )
    added = dict(ProjectMembership.objects.using("projects").values_list("user_uuid", "added_at"))

    response = as_user(owner).get(members_url(project))

    assert response.status_code == 200
    assert "X-Degraded" not in response
    assert response.json() == [
        {
            "user_uuid": str(owner.uuid),
            "display_name": "Olivia Owner",
            "role": "owner",
            "added_at": iso(project.created_at),
        },
        {
            "user_uuid": str(early.uuid),
            "display_name": "Early",
            "role": "member",
            "added_at": iso(added[early.uuid]),
        },
        {
            "user_uuid": str(late.uuid),
            "display_name": "Late",
            "role": "member",
            "added_at": iso(added[late.uuid]),
        },
    ]


def test_members_answer_the_contract_response(as_user, owner, member, project):
    api = as_user(owner)

    added = api.post(members_url(project), {"email": "member@example.com"}, format="json")
    listed = api.get(members_url(project))

    assert MemberResponse.model_validate(added.json()).user_uuid == member.uuid
    assert [MemberResponse.model_validate(m).role for m in listed.json()] == ["owner", "member"]


def test_list_members_of_a_project_without_members_is_the_owner_alone(as_user, owner, project):
    response = as_user(owner).get(members_url(project))

    assert response.status_code == 200
    assert [(m["user_uuid"], m["role"]) for m in response.json()] == [(str(owner.uuid), "owner")]


def test_member_lists_members(as_user, owner, member, shared_project):
    response = as_user(member).get(members_url(shared_project))

    assert response.status_code == 200
    assert [(m["user_uuid"], m["role"]) for m in response.json()] == [
        (str(owner.uuid), "owner"),
        (str(member.uuid), "member"),
    ]


def test_list_members_when_users_is_unavailable_degrades(
    as_user, users_fake, owner, member, shared_project
):
    users_fake.unavailable = True

    response = as_user(member).get(members_url(shared_project))

    assert response.status_code == 200
    assert response["X-Degraded"] == "users"
    assert [(m["user_uuid"], m["display_name"], m["role"]) for m in response.json()] == [
        (str(owner.uuid), None, "owner"),
        (str(member.uuid), None, "member"),
    ]


def test_list_members_shows_null_name_for_a_deleted_account(
    as_user, users_fake, owner, member, shared_project
):
    users_fake.remove_user(member.uuid)

    response = as_user(owner).get(members_url(shared_project))

    assert response.status_code == 200
    assert "X-Degraded" not in response
    assert [m["display_name"] for m in response.json()] == ["Olivia Owner", None]


# --- add ----------------------------------------------------------------------------------------


def test_owner_adds_a_member_by_email(as_user, owner, member, project):
    response = as_user(owner).post(
        members_url(project), {"email": "Member@Example.com"}, format="json"
    )

    assert response.status_code == 201
    membership = ProjectMembership.objects.using("projects").get(project=project)
    assert response.json() == {
        "user_uuid": str(member.uuid),
        "display_name": "Max Member",
        "role": "member",
        "added_at": iso(membership.added_at),
    }
    assert membership.user_uuid == member.uuid


def test_added_member_sees_the_project(as_user, owner, member, project):
    as_user(owner).post(members_url(project), {"email": "member@example.com"}, format="json")

    response = as_user(member).get("/api/projects/")

    assert [item["uuid"] for item in response.json()["results"]] == [str(project.uuid)]


def test_adding_an_unknown_email_is_a_validation_error(as_user, owner, project):
    response = as_user(owner).post(
        members_url(project), {"email": "nobody@example.com"}, format="json"
    )

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["email"]
    assert member_uuids(project) == set()


@pytest.mark.parametrize("payload", [{}, {"email": ""}, {"email": "not-an-email"}, {"email": 5}])
def test_adding_without_a_valid_email_is_a_validation_error(
    as_user, users_fake, owner, project, payload
):
    response = as_user(owner).post(members_url(project), payload, format="json")

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["email"]
    assert users_fake.calls == []


def test_adding_the_owners_own_email_is_a_validation_error(as_user, owner, project):
    response = as_user(owner).post(
        members_url(project), {"email": "owner@example.com"}, format="json"
    )

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["email"]
    assert member_uuids(project) == set()


def test_adding_a_member_twice_is_a_conflict(as_user, owner, member, shared_project):
    response = as_user(owner).post(
        members_url(shared_project), {"email": "member@example.com"}, format="json"
    )

    assert_error(response, 409, "conflict")
    assert member_uuids(shared_project) == {member.uuid}


def test_adding_when_users_is_unavailable_is_service_unavailable(
    as_user, users_fake, owner, member, project
):
    users_fake.unavailable = True

    response = as_user(owner).post(
        members_url(project), {"email": "member@example.com"}, format="json"
    )

    assert_error(response, 503, "service_unavailable")
    assert member_uuids(project) == set()


def test_adding_with_malformed_json_is_a_parse_error(as_user, owner, project):
    response = as_user(owner).post(members_url(project), "{", content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_member_cannot_add_members(as_user, make_user, member, shared_project):
    make_user("newcomer@example.com")

    response = as_user(member).post(
        members_url(shared_project), {"email": "newcomer@example.com"}, format="json"
    )

    assert_error(response, 403, "permission_denied")
    assert member_uuids(shared_project) == {member.uuid}


# --- remove -------------------------------------------------------------------------------------


def test_owner_removes_a_member(as_user, owner, member, shared_project):
    response = as_user(owner).delete(member_url(shared_project, member.uuid))

    assert response.status_code == 204
    assert response.content == b""
    assert member_uuids(shared_project) == set()


def test_member_removes_itself(as_user, member, shared_project):
    api = as_user(member)

    response = api.delete(member_url(shared_project, member.uuid))

    assert response.status_code == 204
    assert member_uuids(shared_project) == set()
    assert_error(api.get(members_url(shared_project)), 404, "not_found")


def test_member_cannot_remove_another_member(
    as_user, make_user, add_member, member, shared_project
):
    other = make_user()
    add_member(shared_project, other)

    response = as_user(member).delete(member_url(shared_project, other.uuid))

    assert_error(response, 403, "permission_denied")
    assert member_uuids(shared_project) == {member.uuid, other.uuid}


def test_removing_the_owner_is_a_validation_error(as_user, owner, member, shared_project):
    response = as_user(owner).delete(member_url(shared_project, owner.uuid))

    assert_error(response, 400, "validation_error")
    assert member_uuids(shared_project) == {member.uuid}


def test_a_member_removing_the_owner_is_denied_like_any_other(
    as_user, owner, member, shared_project
):
    response = as_user(member).delete(member_url(shared_project, owner.uuid))

    assert_error(response, 403, "permission_denied")
    assert member_uuids(shared_project) == {member.uuid}


@pytest.mark.parametrize("user_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_removing_a_non_member_is_not_found(as_user, owner, member, shared_project, user_id):
    response = as_user(owner).delete(member_url(shared_project, user_id))

    assert_error(response, 404, "not_found")
    assert member_uuids(shared_project) == {member.uuid}


def test_removing_a_member_twice_is_not_found(as_user, owner, member, shared_project):
    api = as_user(owner)
    api.delete(member_url(shared_project, member.uuid))

    response = api.delete(member_url(shared_project, member.uuid))

    assert_error(response, 404, "not_found")


# --- strangers, deleted and unknown projects, methods, authentication ----------------------------


@pytest.fixture
def member_requests(owner, member):
    """Every verb of the members sub-resource, as (method, url builder, body)."""
    return [
        ("get", lambda project: members_url(project), None),
        ("post", lambda project: members_url(project), {"email": "member@example.com"}),
        ("delete", lambda project: member_url(project, member.uuid), None),
        ("delete", lambda project: member_url(project, owner.uuid), None),
    ]


def test_stranger_gets_not_found_for_every_verb(
    as_user, stranger, member, shared_project, member_requests
):
    api = as_user(stranger)

    for method, url, body in member_requests:
        response = getattr(api, method)(url(shared_project), body, format="json")
        assert_error(response, 404, "not_found")
    response = api.delete(member_url(shared_project, stranger.uuid))
    assert_error(response, 404, "not_found")

    assert member_uuids(shared_project) == {member.uuid}


def test_deleted_project_is_not_found_for_every_verb(
    as_user, owner, member, shared_project, member_requests
):
    delete_project(actor_uuid=owner.uuid, project_uuid=shared_project.uuid)
    api = as_user(owner)

    for method, url, body in member_requests:
        response = getattr(api, method)(url(shared_project), body, format="json")
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("project_id", ["not-a-uuid", str(uuid.uuid4())])
def test_malformed_or_unknown_project_is_not_found_for_every_verb(
    as_user, owner, member_requests, project_id
):
    api = as_user(owner)

    for method, url, body in member_requests:
        response = getattr(api, method)(url(project_id), body, format="json")
        assert_error(response, 404, "not_found")


def test_unsupported_methods_are_not_allowed(as_user, owner, member, shared_project):
    api = as_user(owner)

    assert_error(api.put(members_url(shared_project), {}, format="json"), 405, "method_not_allowed")
    assert_error(api.get(member_url(shared_project, member.uuid)), 405, "method_not_allowed")


@pytest.mark.parametrize("path", ["members", "members/{member}"])
def test_members_path_without_trailing_slash_is_a_json_not_found(
    as_user, owner, member, shared_project, path
):
    url = f"/api/projects/{shared_project.uuid}/" + path.format(member=member.uuid)

    response = as_user(owner).delete(url)

    assert_error(response, 404, "not_found")
    assert member_uuids(shared_project) == {member.uuid}


def test_members_endpoints_need_a_token(api, member, shared_project, member_requests):
    for method, url, body in member_requests:
        response = getattr(api, method)(url(shared_project), body, format="json")
        assert_error(response, 401, "not_authenticated")

    assert member_uuids(shared_project) == {member.uuid}
