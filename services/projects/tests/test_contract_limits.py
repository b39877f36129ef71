"""Each limit of the projects API is the contract's: enforced at the API, sized in the model and
documented in the OpenAPI document with the value written in projects_contracts.v1.schemas."""

from typing import get_args

import pytest

from projects_contracts.v1 import schemas as contract
from projects_contracts.v1.schemas import (
    DESCRIPTION_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PRIORITY_MAX,
    PRIORITY_MIN,
)
from services.projects.models import Project, ProjectPriority, ProjectStatus
from services.projects.tests.helpers import assert_error, projects_db

LIST_URL = "/api/projects/"
STATUSES = list(get_args(contract.ProjectStatus))
PRIORITIES = list(get_args(contract.ProjectPriority))


def detail_url(project: Project) -> str:
    return f"{LIST_URL}{project.uuid}/"


# --- the API enforces the contract's values -----------------------------------------------------


def _write(as_user, owner, project, verb: str, payload: dict):
    api = as_user(owner)
    if verb == "post":
        return api.post(LIST_URL, {"name": "A", **payload}, format="json")
    if verb == "put":
        return api.put(detail_url(project), {"name": "A", **payload}, format="json")
    return api.patch(detail_url(project), payload, format="json")


WRITES = ["post", "put", "patch"]


@projects_db
@pytest.mark.parametrize("verb", WRITES)
def test_a_name_of_the_contracts_maximum_is_accepted_and_one_more_refused(
    as_user, owner, project, verb
):
    accepted = _write(as_user, owner, project, verb, {"name": "n" * NAME_MAX_LENGTH})
    refused = _write(as_user, owner, project, verb, {"name": "n" * (NAME_MAX_LENGTH + 1)})

    assert accepted.status_code in (200, 201), accepted.content
    assert accepted.json()["name"] == "n" * NAME_MAX_LENGTH
    error = assert_error(refused, 400, "validation_error")
    assert error["details"] == {
        "name": [f"Ensure this field has no more than {NAME_MAX_LENGTH} characters."]
    }


@projects_db
@pytest.mark.parametrize("verb", WRITES)
def test_the_name_limit_applies_to_the_name_without_surrounding_whitespace(
    as_user, owner, project, verb
):
    response = _write(as_user, owner, project, verb, {"name": f"  {'n' * NAME_MAX_LENGTH}\t"})

    assert response.status_code in (200, 201), response.content
    assert response.json()["name"] == "n" * NAME_MAX_LENGTH


@projects_db
@pytest.mark.parametrize("verb", WRITES)
def test_a_description_of_the_contracts_maximum_is_accepted_and_one_more_refused(
    as_user, owner, project, verb
):
    longest = "d" * DESCRIPTION_MAX_LENGTH
    accepted = _write(as_user, owner, project, verb, {"description": longest})
    refused = _write(as_user, owner, project, verb, {"description": longest + "d"})

    assert accepted.status_code in (200, 201), accepted.content
    assert accepted.json()["description"] == longest
    error = assert_error(refused, 400, "validation_error")
    assert error["details"] == {
        "description": [f"Ensure this field has no more than {DESCRIPTION_MAX_LENGTH} characters."]
    }


@projects_db
@pytest.mark.parametrize("verb", WRITES)
def test_every_priority_of_the_contract_is_accepted_and_its_neighbours_refused(
    as_user, owner, project, verb
):
    for priority in PRIORITIES:
        response = _write(as_user, owner, project, verb, {"priority": priority})
        assert response.status_code in (200, 201), (priority, response.content)
        assert response.json()["priority"] == priority
    for priority in (PRIORITY_MIN - 1, PRIORITY_MAX + 1, True, "2"):
        response = _write(as_user, owner, project, verb, {"priority": priority})
        error = assert_error(response, 400, "validation_error")
        assert list(error["details"]) == ["priority"], priority


@projects_db
@pytest.mark.parametrize("verb", WRITES)
def test_every_status_of_the_contract_is_accepted_and_others_refused(as_user, owner, project, verb):
    for status in STATUSES:
        response = _write(as_user, owner, project, verb, {"status": status})
        assert response.status_code in (200, 201), (status, response.content)
        assert response.json()["status"] == status
    response = _write(as_user, owner, project, verb, {"status": "paused"})
    error = assert_error(response, 400, "validation_error")
    assert error["details"] == {"status": ['"paused" is not a valid choice.']}


@projects_db
@pytest.mark.parametrize("field", ["name", "description", "status", "priority"])
def test_patch_refuses_null_where_the_contract_says_not_null(as_user, owner, project, field):
    response = as_user(owner).patch(detail_url(project), {field: None}, format="json")

    error = assert_error(response, 400, "validation_error")
    assert error["details"] == {field: ["This field may not be null."]}


@projects_db
def test_the_list_filter_takes_the_contracts_priorities_and_statuses(as_user, owner, project):
    api = as_user(owner)

    for priority in PRIORITIES:
        assert api.get(LIST_URL, {"priority": str(priority)}).status_code == 200
    for status in STATUSES:
        assert api.get(LIST_URL, {"status": status}).status_code == 200
    below = api.get(LIST_URL, {"priority": str(PRIORITY_MIN - 1)})
    above = api.get(LIST_URL, {"priority": str(PRIORITY_MAX + 1)})
    assert assert_error(below, 400, "validation_error")["details"] == {
        "priority": [f"Ensure this value is greater than or equal to {PRIORITY_MIN}."]
    }
    assert assert_error(above, 400, "validation_error")["details"] == {
        "priority": [f"Ensure this value is less than or equal to {PRIORITY_MAX}."]
    }


@projects_db
def test_a_member_email_over_the_contracts_maximum_is_refused_before_asking_users(
    as_user, owner, project, users_fake
):
    local = "m" * 64
    too_long = f"{local}@{'d' * (EMAIL_MAX_LENGTH - len(local) - 5)}.test"
    assert len(too_long) == EMAIL_MAX_LENGTH + 1

    response = as_user(owner).post(
        f"{detail_url(project)}members/", {"email": too_long}, format="json"
    )

    error = assert_error(response, 400, "validation_error")
    assert error["details"] == {
        "email": [f"Ensure this field has no more than {EMAIL_MAX_LENGTH} characters."]
    }
    assert users_fake.calls == []


# --- the model stores what the contract allows --------------------------------------------------


def test_the_model_is_sized_and_constrained_by_the_contract():
    assert Project._meta.get_field("name").max_length == NAME_MAX_LENGTH
    assert Project._meta.get_field("description").max_length == DESCRIPTION_MAX_LENGTH
    assert ProjectStatus.values == STATUSES
    assert ProjectPriority.values == PRIORITIES
    assert Project._meta.get_field("status").default == contract.DEFAULT_STATUS
    assert Project._meta.get_field("priority").default == contract.DEFAULT_PRIORITY
    (priority_range,) = [c for c in Project._meta.constraints if c.name == "project_priority_range"]
    assert dict(priority_range.condition.children) == {
        "priority__gte": PRIORITY_MIN,
        "priority__lte": PRIORITY_MAX,
    }


# --- the OpenAPI document says the contract's values --------------------------------------------


@pytest.fixture(scope="module")
def document() -> dict:
    from rest_framework.test import APIClient

    response = APIClient().get("/api/schema/projects/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _component(document: dict, name: str) -> dict:
    schema = document["components"]["schemas"][name]
    while "allOf" in schema:  # a component made of a reference to another
        schema = _resolve(document, schema["allOf"][0])
    return schema


def _resolve(document: dict, schema: dict) -> dict:
    if "$ref" in schema:
        return _component(document, schema["$ref"].rsplit("/", 1)[1])
    if "allOf" in schema:
        return _resolve(document, schema["allOf"][0])
    return schema


@pytest.mark.parametrize(
    "component", ["ProjectCreateRequest", "ProjectReplaceRequest", "PatchedProjectUpdateRequest"]
)
def test_the_document_gives_the_contracts_limits_for_each_write(document, component):
    fields = _component(document, component)["properties"]

    assert fields["name"]["minLength"] == 1
    assert fields["name"]["maxLength"] == NAME_MAX_LENGTH
    assert fields["description"]["maxLength"] == DESCRIPTION_MAX_LENGTH
    assert _resolve(document, fields["priority"])["enum"] == PRIORITIES
    assert _resolve(document, fields["status"])["enum"] == STATUSES
    # null is refused for these (contract.NotNull); only the dates may be cleared.
    for name in ("name", "description", "priority", "status"):
        assert not fields[name].get("nullable"), name
    assert fields["start_date"]["nullable"] is True
    assert fields["due_date"]["nullable"] is True


def test_only_put_and_create_require_a_name(document):
    assert _component(document, "ProjectCreateRequest")["required"] == ["name"]
    assert _component(document, "ProjectReplaceRequest")["required"] == ["name"]
    assert "required" not in _component(document, "PatchedProjectUpdateRequest")


def test_the_document_gives_the_contracts_limits_for_responses_and_filters(document):
    project = _component(document, "Project")["properties"]
    assert (project["priority"]["minimum"], project["priority"]["maximum"]) == (
        PRIORITY_MIN,
        PRIORITY_MAX,
    )
    assert _resolve(document, project["status"])["enum"] == STATUSES

    parameters = {p["name"]: p for p in document["paths"][LIST_URL]["get"]["parameters"]}
    assert parameters["priority"]["schema"] == {
        "type": "integer",
        "minimum": PRIORITY_MIN,
        "maximum": PRIORITY_MAX,
    }
    assert sorted(parameters["status"]["schema"]["enum"]) == sorted(STATUSES)

    email = _component(document, "MemberAddRequest")["properties"]["email"]
    assert (email["minLength"], email["maxLength"]) == (1, EMAIL_MAX_LENGTH)
