"""The projects endpoints over HTTP: bodies, status codes, the error envelope and authentication."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import uuid
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from projects_contracts.v1 import ProjectCreateRequest, ProjectResponse
from services.projects.models import Project
from services.projects.services.projects import delete_project
from services.projects.tests.helpers import assert_error, projects_db
from shared.core.authentication.keys import generate_rsa_keypair, jwk_thumbprint
from shared.core.testing import mint_token, signing_key

pytestmark = projects_db

LIST_URL = "/api/projects/"
PROJECT_FIELDS = {
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


def detail_url(project) -> str:
    return f"/api/projects/{getattr(project, 'uuid', project)}/"


def stored(project) -> Project:
    return Project.all_objects.using("projects").get(uuid=project.uuid)


# --- list ---------------------------------------------------------------------------------------


def test_list_answers_the_callers_projects_in_a_page(
    as_user, owner, member, make_user, make_project, add_member
):
    other = make_user()
    shared = make_project("Shared")
    add_member(shared, member)
    own = make_project("Own", actor_uuid=member.uuid)
    make_project("Not mine", actor_uuid=other.uuid)

    response = as_user(member).get(LIST_URL, {"ordering": "name"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert (body["next"], body["previous"]) == (None, None)
    assert [item["uuid"] for item in body["results"]] == [str(own.uuid), str(shared.uuid)]
    assert all(set(item) == PROJECT_FIELDS for item in body["results"])
    assert "X-Degraded" not in response


def test_list_items_have_the_same_shape_as_the_detail(as_user, owner, project):
    api = as_user(owner)

    item = api.get(LIST_URL).json()["results"][0]

    assert item == api.get(detail_url(project)).json()


def test_list_is_empty_for_a_user_without_projects(as_user, stranger, project):
    response = as_user(stranger).get(LIST_URL)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_list_hides_deleted_projects(as_user, owner, make_project):
    kept = make_project("Kept")
    gone = make_project("Gone")
    delete_project(actor_uuid=owner.uuid, project_uuid=gone.uuid)

    body = as_user(owner).get(LIST_URL).json()

    assert [item["uuid"] for item in body["results"]] == [str(kept.uuid)]


@pytest.fixture
def many_projects(make_project):
    """25 projects of ``owner``."""
    return [make_project(f"P{number:03d}") for number in range(25)]


def test_list_pages_hold_20_by_default_with_absolute_links(as_user, owner, many_projects):
    api = as_user(owner)

    first = api.get(LIST_URL, {"ordering": "name"})
    second = api.get(LIST_URL, {"ordering": "name", "page": 2})

    assert first.status_code == second.status_code == 200
    first_body, second_body = first.json(), second.json()
    assert first_body["count"] == second_body["count"] == 25
    assert [item["name"] for item in first_body["results"]] == [f"P{n:03d}" for n in range(20)]
    assert [item["name"] for item in second_body["results"]] == [f"P{n:03d}" for n in range(20, 25)]
    assert first_body["previous"] is None
    assert first_body["next"] == "http://testserver/api/projects/?ordering=name&page=2"
    assert second_body["previous"] == "http://testserver/api/projects/?ordering=name"
    assert second_body["next"] is None


def test_list_links_use_the_host_and_scheme_the_client_used(
    as_user, owner, many_projects, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # behind the gateway
    response = as_user(owner).get(
        LIST_URL,
        {"page_size": 10, "page": 2},
        HTTP_HOST="localhost:8443",
        HTTP_X_FORWARDED_PROTO="https",
    )

    body = response.json()
    assert body["next"] == "https://localhost:8443/api/projects/?page=3&page_size=10"
    assert body["previous"] == "https://localhost:8443/api/projects/?page_size=10"


def test_list_page_size_is_honoured(as_user, owner, many_projects):
    body = as_user(owner).get(LIST_URL, {"page_size": 7}).json()

    assert len(body["results"]) == 7
    assert body["count"] == 25


def test_list_page_size_is_clamped_to_100(as_user, owner, make_project):
    for number in range(101):
        make_project(f"P{number}")

    body = as_user(owner).get(LIST_URL, {"page_size": 1000}).json()

    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert body["next"] == "http://testserver/api/projects/?page=2&page_size=1000"


@pytest.mark.parametrize("page", ["abc", "2.5", "0", "-1", "3", "99"])
def test_list_page_not_a_number_or_past_the_end_is_not_found(as_user, owner, many_projects, page):
    response = as_user(owner).get(LIST_URL, {"page": page})

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "paused"}, "status"),
        ({"status": "ACTIVE"}, "status"),
        ({"priority": "0"}, "priority"),
        ({"priority": "5"}, "priority"),
        ({"priority": "high"}, "priority"),
    ],
)
def test_list_with_an_invalid_filter_is_a_validation_error(as_user, owner, project, params, field):
    response = as_user(owner).get(LIST_URL, params)

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == [field]


def test_list_filters_by_status_priority_and_search(as_user, owner, make_project):
    make_project("Moon base", status="active", priority=3)
    make_project("Moon rover", status="active", priority=1)
    make_project("Mars", description="Not the MOON", status="draft", priority=3)
    make_project("Venus", status="active", priority=3)
    api = as_user(owner)

    def listed(**params) -> list[str]:
        response = api.get(LIST_URL, {"ordering": "name", **params})
        assert response.status_code == 200
        return [item["name"] for item in response.json()["results"]]

    assert listed(status="active") == ["Moon base", "Moon rover", "Venus"]
    assert listed(priority="3") == ["Mars", "Moon base", "Venus"]
    assert listed(search="moon") == ["Mars", "Moon base", "Moon rover"]
    assert listed(search="") == ["Mars", "Moon base", "Moon rover", "Venus"]
    assert listed(status="active", priority="3", search="MOON") == ["Moon base"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["B", "a", "é"]),
        ("-name", ["é", "a", "B"]),
        ("priority", ["a", "é", "B"]),
        ("-priority", ["B", "a", "é"]),
        ("due_date", ["é", "B", "a"]),
        ("-due_date", ["B", "é", "a"]),
        ("created_at", ["a", "é", "B"]),
        ("-created_at", ["B", "é", "a"]),
        (None, ["B", "é", "a"]),
        ("owner", ["B", "é", "a"]),
        ("--name", ["B", "é", "a"]),  # unknown: one dash at most
        ("-", ["B", "é", "a"]),
    ],
)
def test_list_orders_by_the_requested_key(as_user, owner, make_project, ordering, expected):
    created = [
        make_project("a", priority=1),
        make_project("é", priority=1, due_date=dt.date(2030, 1, 1)),
        make_project("B", priority=4, due_date=dt.date(2031, 1, 1)),
    ]
    start = timezone.now() - dt.timedelta(hours=1)
    for offset, project in enumerate(created):
        Project.objects.using("projects").filter(pk=project.pk).update(
            created_at=start + dt.timedelta(seconds=offset)
        )
    params = {} if ordering is None else {"ordering": ordering}

    body = as_user(owner).get(LIST_URL, params).json()

    assert [item["name"] for item in body["results"]] == expected


# --- create -------------------------------------------------------------------------------------


def test_create_answers_201_with_every_field(as_user, owner):
    payload = {
        "name": "  Apollo  ",
        "description": "  Land on the moon ",
        "status": "active",
        "priority": 3,
        "start_date": "2030-01-10",
        "due_date": "2030-06-30",
    }

    response = as_user(owner).post(LIST_URL, payload, format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == PROJECT_FIELDS
    project = Project.objects.using("projects").get(uuid=body["uuid"])
    assert body == {
        "uuid": str(project.uuid),
        "name": "Apollo",
        "description": "  Land on the moon ",
        "status": "active",
        "priority": 3,
        "start_date": "2030-01-10",
        "due_date": "2030-06-30",
        "is_overdue": False,
        "owner_uuid": str(owner.uuid),
        "created_at": project.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": project.updated_at.isoformat().replace("+00:00", "Z"),
    }
    assert body["created_at"].endswith("Z")


def test_create_applies_defaults(as_user, owner):
    response = as_user(owner).post(LIST_URL, {"name": "Apollo"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["priority"], body["description"]) == ("draft", 2, "")
    assert (body["start_date"], body["due_date"], body["is_overdue"]) == (None, None, False)


def test_create_reports_a_past_due_open_project_as_overdue(as_user, owner):
    yesterday = (timezone.now() - dt.timedelta(days=1)).date().isoformat()

    body = as_user(owner).post(LIST_URL, {"name": "Late", "due_date": yesterday}).json()

    assert body["is_overdue"] is True


def test_create_ignores_unknown_and_read_only_fields(as_user, owner, stranger):
    chosen_uuid = str(uuid.uuid4())
    payload = {
        "name": "Apollo",
        "uuid": chosen_uuid,
        "owner_uuid": str(stranger.uuid),
        "is_overdue": True,
        "created_at": "2000-01-01T00:00:00Z",
        "deleted_at": "2000-01-01T00:00:00Z",
        "owner": {"uuid": str(stranger.uuid), "display_name": "x"},
        "colour": "red",
    }

    response = as_user(owner).post(LIST_URL, payload, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["uuid"] != chosen_uuid
    assert body["owner_uuid"] == str(owner.uuid)
    assert body["is_overdue"] is False
    assert "owner" not in body
    assert not body["created_at"].startswith("2000")
    project = Project.objects.using("projects").get(uuid=body["uuid"])
    assert (project.owner_uuid, project.deleted_at) == (owner.uuid, None)


def test_create_accepts_a_padded_200_character_name(as_user, owner):
    response = as_user(owner).post(LIST_URL, {"name": "  " + "n" * 200 + "  "}, format="json")

    assert response.status_code == 201
    assert response.json()["name"] == "n" * 200


def test_create_accepts_a_description_of_10000_characters(as_user, owner):
    response = as_user(owner).post(
        LIST_URL, {"name": "A", "description": "d" * 10_000}, format="json"
    )

    assert response.status_code == 201
    assert len(response.json()["description"]) == 10_000


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   \t "}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"name": ["Apollo"]}, "name"),
        ({"name": {"text": "Apollo"}}, "name"),
        ({"name": True}, "name"),
        ({"name": "A", "description": "d" * 10_001}, "description"),
        ({"name": "A", "description": ["d"]}, "description"),
        ({"name": "A", "status": "paused"}, "status"),
        ({"name": "A", "status": None}, "status"),
        ({"name": "A", "priority": 0}, "priority"),
        ({"name": "A", "priority": 5}, "priority"),
        ({"name": "A", "priority": "high"}, "priority"),
        ({"name": "A", "priority": 2.5}, "priority"),
        ({"name": "A", "start_date": "tomorrow"}, "start_date"),
        ({"name": "A", "due_date": "2030-13-01"}, "due_date"),
        ({"name": "A", "due_date": 20300101}, "due_date"),
        ({"name": "A", "start_date": "2030-02-02", "due_date": "2030-02-01"}, "due_date"),
    ],
)
def test_create_with_bad_input_reports_the_field(as_user, owner, payload, field):
    response = as_user(owner).post(LIST_URL, payload, format="json")

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == [field]
    assert isinstance(error["details"][field], list)
    assert all(isinstance(message, str) and message for message in error["details"][field])
    assert not Project.all_objects.using("projects").exists()


def test_create_with_a_body_that_is_not_an_object_is_a_validation_error(as_user, owner):
    response = as_user(owner).post(LIST_URL, ["Apollo"], format="json")

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["non_field_errors"]


def test_create_with_malformed_json_is_a_parse_error(as_user, owner):
    response = as_user(owner).post(LIST_URL, '{"name": "Apollo",', content_type="application/json")

    assert_error(response, 400, "parse_error")
    assert not Project.all_objects.using("projects").exists()


def test_create_with_a_non_json_body_is_unsupported(as_user, owner):
    response = as_user(owner).post(LIST_URL, "name=Apollo", content_type="text/plain")

    assert_error(response, 415, "unsupported_media_type")


def test_create_with_a_body_over_1_mib_is_too_large(as_user, owner):
    body = json.dumps({"name": "A", "description": "d" * (2 * 1024 * 1024)})

    response = as_user(owner).post(LIST_URL, body, content_type="application/json")

    assert_error(response, 413, "payload_too_large")
    assert not Project.all_objects.using("projects").exists()


def test_update_with_a_body_over_1_mib_is_too_large(as_user, owner, project):
    body = json.dumps({"description": "d" * (2 * 1024 * 1024)})

    response = as_user(owner).patch(detail_url(project), body, content_type="application/json")

    assert_error(response, 413, "payload_too_large")
    assert stored(project).description == "Land on the moon"


def test_create_accepts_the_contract_request_and_answers_the_contract_response(as_user, owner):
    request = ProjectCreateRequest(name="Apollo", priority=4, due_date=dt.date(2030, 1, 1))

    response = as_user(owner).post(LIST_URL, request.model_dump(mode="json"), format="json")

    assert response.status_code == 201
    created = ProjectResponse.model_validate(response.json())
    assert (created.name, created.priority, created.due_date) == ("Apollo", 4, dt.date(2030, 1, 1))
    assert created.owner_uuid == owner.uuid


def test_list_and_detail_answer_the_contract_response(as_user, owner, project):
    api = as_user(owner)

    item = api.get(LIST_URL, {"expand": "owner"}).json()["results"][0]
    detail = api.get(detail_url(project), {"expand": "owner"}).json()

    for body in (item, detail):
        parsed = ProjectResponse.model_validate(body)
        assert parsed.uuid == project.uuid
        assert parsed.owner is not None
        assert parsed.owner.display_name == "Olivia Owner"


# --- detail -------------------------------------------------------------------------------------


def test_owner_gets_the_project(as_user, owner, project):
    response = as_user(owner).get(detail_url(project))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PROJECT_FIELDS
    assert body["uuid"] == str(project.uuid)
    assert body["name"] == "Apollo"
    assert body["description"] == "Land on the moon"
    assert (body["start_date"], body["due_date"]) == ("2030-01-10", "2030-06-30")
    assert body["owner_uuid"] == str(owner.uuid)


def test_member_gets_the_project(as_user, member, shared_project):
    response = as_user(member).get(detail_url(shared_project))

    assert response.status_code == 200
    assert response.json()["uuid"] == str(shared_project.uuid)


def test_owner_puts_the_project_and_omitted_fields_keep_their_values(as_user, owner, project):
    response = as_user(owner).put(
        detail_url(project), {"name": " Artemis ", "priority": 4}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["priority"]) == ("Artemis", 4)
    assert body["description"] == "Land on the moon"
    assert (body["start_date"], body["due_date"]) == ("2030-01-10", "2030-06-30")
    row = stored(project)
    assert (row.name, row.priority, row.description) == ("Artemis", 4, "Land on the moon")


def test_put_with_every_field_replaces_them(as_user, owner, project):
    payload = {
        "name": "Artemis",
        "description": "",
        "status": "completed",
        "priority": 1,
        "start_date": None,
        "due_date": "2000-01-01",
    }

    response = as_user(owner).put(detail_url(project), payload, format="json")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in payload} == payload
    assert body["is_overdue"] is False  # completed


def test_put_without_name_is_a_validation_error(as_user, owner, project):
    response = as_user(owner).put(detail_url(project), {"priority": 4}, format="json")

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["name"]
    assert stored(project).priority == 2


def test_owner_patches_one_field(as_user, owner, project):
    response = as_user(owner).patch(detail_url(project), {"status": "active"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert body["name"] == "Apollo"
    assert body["due_date"] == "2030-06-30"
    assert stored(project).status == "active"


def test_patch_ignores_read_only_fields(as_user, owner, stranger, project):
    response = as_user(owner).patch(
        detail_url(project),
        {"owner_uuid": str(stranger.uuid), "uuid": str(uuid.uuid4()), "is_overdue": True},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["uuid"] == str(project.uuid)
    assert stored(project).owner_uuid == owner.uuid


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"due_date": "2030-01-09"}, "due_date"),  # before the stored start date
        ({"start_date": "2030-07-01"}, "due_date"),  # after the stored due date
        ({"name": "  "}, "name"),
        ({"priority": 5}, "priority"),
        ({"status": "paused"}, "status"),
    ],
)
def test_patch_validates_the_merged_result(as_user, owner, project, payload, field):
    response = as_user(owner).patch(detail_url(project), payload, format="json")

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == [field]
    row = stored(project)
    assert (row.name, row.start_date, row.due_date) == (
        "Apollo",
        dt.date(2030, 1, 10),
        dt.date(2030, 6, 30),
    )


def test_put_validates_dates_on_the_merged_result(as_user, owner, project):
    response = as_user(owner).put(
        detail_url(project), {"name": "Apollo", "due_date": "2030-01-01"}, format="json"
    )

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["due_date"]


def test_patch_moving_both_dates_together_is_allowed(as_user, owner, project):
    response = as_user(owner).patch(
        detail_url(project),
        {"start_date": "2031-01-01", "due_date": "2031-02-01"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["start_date"], response.json()["due_date"]) == (
        "2031-01-01",
        "2031-02-01",
    )


def test_patch_with_malformed_json_is_a_parse_error(as_user, owner, project):
    response = as_user(owner).patch(detail_url(project), "{", content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_owner_deletes_the_project_softly(as_user, owner, project):
    api = as_user(owner)

    response = api.delete(detail_url(project))

    assert response.status_code == 204
    assert response.content == b""
    assert stored(project).deleted_at is not None
    assert_error(api.get(detail_url(project)), 404, "not_found")
    assert_error(api.delete(detail_url(project)), 404, "not_found")
    assert api.get(LIST_URL).json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "payload"),
    [("put", {"name": "B"}), ("patch", {"name": "B"}), ("delete", None)],
)
def test_member_cannot_write_the_project(as_user, member, shared_project, method, payload):
    response = getattr(as_user(member), method)(detail_url(shared_project), payload, format="json")

    assert_error(response, 403, "permission_denied")
    row = stored(shared_project)
    assert (row.name, row.deleted_at) == ("Apollo", None)


@pytest.mark.parametrize(
    ("method", "payload"),
    [("get", None), ("put", {"name": "B"}), ("patch", {"name": "B"}), ("delete", None)],
)
def test_stranger_gets_not_found_for_every_verb(as_user, stranger, project, method, payload):
    response = getattr(as_user(stranger), method)(detail_url(project), payload, format="json")

    assert_error(response, 404, "not_found")
    row = stored(project)
    assert (row.name, row.deleted_at) == ("Apollo", None)


@pytest.mark.parametrize(
    ("method", "payload"),
    [("get", None), ("put", {"name": "B"}), ("patch", {"name": "B"}), ("delete", None)],
)
def test_deleted_project_is_not_found_for_every_verb(as_user, owner, project, method, payload):
    delete_project(actor_uuid=owner.uuid, project_uuid=project.uuid)

    response = getattr(as_user(owner), method)(detail_url(project), payload, format="json")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("project_id", ["not-a-uuid", "12345", str(uuid.uuid4())])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_malformed_or_unknown_project_uuid_is_not_found(as_user, owner, project_id, method):
    response = getattr(as_user(owner), method)(detail_url(project_id), {}, format="json")

    assert_error(response, 404, "not_found")


def test_unsupported_method_is_method_not_allowed(as_user, owner, project):
    api = as_user(owner)

    on_detail = api.post(detail_url(project), {"name": "B"}, format="json")
    on_list = api.delete(LIST_URL)

    assert_error(on_detail, 405, "method_not_allowed")
    assert_error(on_list, 405, "method_not_allowed")
    assert "POST" not in on_detail["Allow"]


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/projects", "/api/projects/{uuid}"])
def test_path_without_trailing_slash_is_a_json_not_found(as_user, owner, project, method, path):
    url = path.format(uuid=project.uuid)

    response = getattr(as_user(owner), method)(url, {"name": "B"}, format="json")

    assert_error(response, 404, "not_found")
    assert stored(project).name == "Apollo"


def test_request_id_is_echoed_in_header_and_envelope(as_user, owner):
    response = as_user(owner).get(detail_url(uuid.uuid4()), HTTP_X_REQUEST_ID="trace-42.a_b")

    assert response["X-Request-ID"] == "trace-42.a_b"
    assert assert_error(response, 404, "not_found")["request_id"] == "trace-42.a_b"


def test_success_responses_carry_a_request_id(as_user, owner):
    response = as_user(owner).get(LIST_URL, HTTP_X_REQUEST_ID="bad id with spaces")

    assert response.status_code == 200
    assert response["X-Request-ID"]
    assert response["X-Request-ID"] != "bad id with spaces"


# --- expand=owner -------------------------------------------------------------------------------


def test_list_expand_owner_adds_the_owner_summary(
    as_user, users_fake, owner, member, make_project, add_member
):
    shared = make_project("Shared")
    add_member(shared, member)
    make_project("Own", actor_uuid=member.uuid)
    users_fake.calls.clear()

    response = as_user(member).get(LIST_URL, {"expand": "owner", "ordering": "name"})

    assert response.status_code == 200
    assert "X-Degraded" not in response
    owners = [(item["name"], item["owner"]) for item in response.json()["results"]]
    assert owners == [
        ("Own", {"uuid": str(member.uuid), "display_name": "Max Member"}),
        ("Shared", {"uuid": str(owner.uuid), "display_name": "Olivia Owner"}),
    ]
    assert users_fake.calls == ["get_users"]


def test_detail_expand_owner_adds_the_owner_summary(as_user, member, owner, shared_project):
    response = as_user(member).get(detail_url(shared_project), {"expand": "owner"})

    assert response.status_code == 200
    assert set(response.json()) == PROJECT_FIELDS | {"owner"}
    assert response.json()["owner"] == {"uuid": str(owner.uuid), "display_name": "Olivia Owner"}
    assert "X-Degraded" not in response


def test_expand_owner_of_a_deleted_account_is_null(as_user, users_fake, owner, project):
    users_fake.remove_user(owner.uuid)
    api = as_user(owner)

    detail = api.get(detail_url(project), {"expand": "owner"})
    listed = api.get(LIST_URL, {"expand": "owner"})

    assert detail.status_code == listed.status_code == 200
    assert detail.json()["owner"] is None
    assert listed.json()["results"][0]["owner"] is None
    assert "X-Degraded" not in detail
    assert "X-Degraded" not in listed


@pytest.mark.parametrize(
    "query", ["expand=members,owner", "expand=%20owner%20", "expand=members&expand=owner"]
)
def test_expand_owner_among_other_values(as_user, owner, project, query):
    response = as_user(owner).get(f"{detail_url(project)}?{query}")

    assert response.json()["owner"] == {"uuid": str(owner.uuid), "display_name": "Olivia Owner"}


@pytest.mark.parametrize("query", ["expand=members", "expand=", "expand=owners", "expand=OWNER"])
def test_unknown_expand_values_are_ignored(as_user, users_fake, owner, project, query):
    api = as_user(owner)
    users_fake.calls.clear()

    detail = api.get(f"{detail_url(project)}?{query}")
    listed = api.get(f"{LIST_URL}?{query}")

    assert detail.status_code == listed.status_code == 200
    assert "owner" not in detail.json()
    assert "owner" not in listed.json()["results"][0]
    assert users_fake.calls == []


def test_expand_owner_on_an_empty_list_makes_no_users_call(as_user, users_fake, stranger):
    response = as_user(stranger).get(LIST_URL, {"expand": "owner"})

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert users_fake.calls == []


def test_expand_owner_when_users_is_unavailable_degrades(as_user, users_fake, owner, project):
    users_fake.unavailable = True
    api = as_user(owner)

    listed = api.get(LIST_URL, {"expand": "owner"})
    detail = api.get(detail_url(project), {"expand": "owner"})

    assert listed.status_code == detail.status_code == 200
    assert listed["X-Degraded"] == detail["X-Degraded"] == "users"
    assert listed.json()["results"][0]["owner"] is None
    assert listed.json()["results"][0]["uuid"] == str(project.uuid)
    assert detail.json()["owner"] is None
    assert detail.json()["name"] == "Apollo"


def test_without_expand_users_is_never_called(as_user, users_fake, owner, project):
    users_fake.unavailable = True
    users_fake.calls.clear()
    api = as_user(owner)

    listed = api.get(LIST_URL)
    detail = api.get(detail_url(project))

    assert listed.status_code == detail.status_code == 200
    assert "X-Degraded" not in listed
    assert "X-Degraded" not in detail
    assert users_fake.calls == []


# --- authentication -----------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _segment(data: dict) -> str:
    return _b64(json.dumps(data, separators=(",", ":")).encode())


def _claims(sub) -> dict:
    now = int(time.time())
    return {
        "token_type": "access",
        "sub": str(sub),
        "iss": settings.SIMPLE_JWT["ISSUER"],
        "aud": settings.SIMPLE_JWT["AUDIENCE"],
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }


def _kid() -> str:
    return jwk_thumbprint(settings.SIMPLE_JWT["VERIFYING_KEY"])


def unsigned_token(sub) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": _kid()}
    return f"{_segment(header)}.{_segment(_claims(sub))}."


def hs256_with_public_key_token(sub) -> str:
    header = {"alg": "HS256", "typ": "JWT", "kid": _kid()}
    signing_input = f"{_segment(header)}.{_segment(_claims(sub))}"
    secret = settings.SIMPLE_JWT["VERIFYING_KEY"].encode()
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def test_hand_built_claims_are_accepted_when_properly_signed(api, owner, project):
    # The control for the forged tokens below: only their signature makes them fail.
    token = jwt.encode(
        _claims(owner.uuid), signing_key(), algorithm="RS256", headers={"kid": _kid()}
    )

    response = api.get(detail_url(project), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200


def _other_key_token(sub) -> str:
    return mint_token(sub, key=generate_rsa_keypair()[0])


BAD_TOKENS = {
    "expired": lambda sub: mint_token(sub, lifetime=timedelta(seconds=-10)),
    "wrong audience": lambda sub: mint_token(sub, aud="another-api"),
    "wrong issuer": lambda sub: mint_token(sub, iss="somebody-else"),
    "refresh token": lambda sub: mint_token(sub, token_type="refresh"),
    "no token type": lambda sub: mint_token(sub, token_type=None),
    "no expiry": lambda sub: mint_token(sub, exp=None),
    "subject not a uuid": lambda sub: mint_token("not-a-uuid"),
    "signed by another key": _other_key_token,
    "alg none": unsigned_token,
    "hs256 with the public key": hs256_with_public_key_token,
    "tampered payload": lambda sub: _tampered(mint_token(sub)),
    "garbage": lambda sub: "not.a.jwt",
}


def _tampered(token: str) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{_segment(_claims(uuid.uuid4()))}.{signature}"


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_invalid_tokens_are_refused(api, owner, project, kind):
    token = BAD_TOKENS[kind](owner.uuid)

    response = api.get(detail_url(project), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("kind", ["expired", "alg none", "hs256 with the public key"])
def test_invalid_tokens_cannot_write(api, owner, project, kind):
    token = BAD_TOKENS[kind](owner.uuid)

    response = api.post(
        LIST_URL, {"name": "Forged"}, format="json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert_error(response, 401, "authentication_failed")
    assert Project.all_objects.using("projects").count() == 1


@pytest.mark.parametrize("authorization", [None, "", "Basic dXNlcjpwYXNz", "Token abc"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", LIST_URL),
        ("post", LIST_URL),
        ("get", "/api/projects/{uuid}/"),
        ("put", "/api/projects/{uuid}/"),
        ("patch", "/api/projects/{uuid}/"),
        ("delete", "/api/projects/{uuid}/"),
    ],
)
def test_requests_without_a_bearer_token_are_not_authenticated(
    api, project, method, path, authorization
):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}

    response = getattr(api, method)(
        path.format(uuid=project.uuid), {"name": "B"}, format="json", **headers
    )

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    row = stored(project)
    assert (row.name, row.deleted_at) == ("Apollo", None)


def test_a_token_for_an_unknown_user_sees_nothing(as_user, project):
    # Stateless: the token alone authenticates, no account lookup; it just owns nothing.
    response = as_user(uuid.uuid4()).get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 0
