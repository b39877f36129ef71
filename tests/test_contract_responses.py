"""The contract models validate the API's real responses, field for field."""

import pytest

from projects_contracts.v1 import MemberResponse, ProjectResponse
from users_contracts.v1 import UserSummary

pytestmark = pytest.mark.django_db(databases=["users", "projects"])


def _assert_matches(model, payload: dict) -> None:
    parsed = model.model_validate(payload)
    assert set(payload) <= set(type(parsed).model_fields)


def test_project_responses_match_the_contract(client, register_and_login):
    _, alice = register_and_login("alice@example.com", "Alice")
    register_and_login("bob@example.com", "Bob")
    created = client.post(
        "/api/projects/",
        {"name": "Apollo", "start_date": "2030-01-01", "due_date": "2030-02-01"},
        format="json",
        headers=alice,
    ).json()
    _assert_matches(ProjectResponse, created)
    for url in (f"/api/projects/{created['uuid']}/?expand=owner", "/api/projects/?expand=owner"):
        body = client.get(url, headers=alice).json()
        for project in body.get("results", [body]):
            _assert_matches(ProjectResponse, project)
            assert ProjectResponse.model_validate(project).owner.display_name == "Alice"

    client.post(
        f"/api/projects/{created['uuid']}/members/",
        {"email": "bob@example.com"},
        format="json",
        headers=alice,
    )
    for member in client.get(f"/api/projects/{created['uuid']}/members/", headers=alice).json():
        _assert_matches(MemberResponse, member)


def test_public_profile_matches_user_summary(client, register_and_login):
    alice_uuid, alice = register_and_login("alice@example.com", "Alice")
    profile = client.get(f"/api/users/{alice_uuid}/", headers=alice).json()
    _assert_matches(UserSummary, profile)
    assert set(profile) == {"uuid", "display_name"}
