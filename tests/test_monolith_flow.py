"""The whole API in one process: projects reach users through the in-process client."""

import pytest

pytestmark = pytest.mark.django_db(databases=["users", "projects"])


def test_owner_adds_member_by_email_and_both_see_real_names(client, register_and_login):
    alice_uuid, alice = register_and_login("alice@example.com", "Alice")
    bob_uuid, bob = register_and_login("bob@example.com", "Bob")

    project = client.post("/api/projects/", {"name": "Apollo"}, format="json", headers=alice)
    assert project.status_code == 201
    project_uuid = project.json()["uuid"]

    added = client.post(
        f"/api/projects/{project_uuid}/members/",
        {"email": "BOB@example.com"},
        format="json",
        headers=alice,
    )
    assert added.status_code == 201
    assert added.json()["user_uuid"] == bob_uuid
    assert added.json()["display_name"] == "Bob"

    members = client.get(f"/api/projects/{project_uuid}/members/", headers=bob).json()
    assert [(m["display_name"], m["role"]) for m in members] == [
        ("Alice", "owner"),
        ("Bob", "member"),
    ]

    listing = client.get("/api/projects/?expand=owner", headers=bob)
    assert listing.status_code == 200
    assert "X-Degraded" not in listing
    [entry] = listing.json()["results"]
    assert entry["owner"] == {"uuid": alice_uuid, "display_name": "Alice"}


def test_an_owner_deleted_before_projects_heard_of_it_is_expanded_as_null(
    client, register_and_login
):
    # Inside this test's transaction nothing commits, so user.deleted is never delivered: the
    # window split mode has until the event arrives (the whole flow: test_account_deletion_events).
    _, alice = register_and_login("alice@example.com")
    client.post("/api/projects/", {"name": "Orphan"}, format="json", headers=alice)
    _, bob = register_and_login("bob@example.com")
    project_uuid = client.get("/api/projects/", headers=alice).json()["results"][0]["uuid"]
    client.post(
        f"/api/projects/{project_uuid}/members/",
        {"email": "bob@example.com"},
        format="json",
        headers=alice,
    )

    assert client.delete("/api/users/me/", headers=alice).status_code == 204

    detail = client.get(f"/api/projects/{project_uuid}/?expand=owner", headers=bob)
    assert detail.status_code == 200
    assert detail.json()["owner"] is None


def test_adding_an_unknown_or_deleted_email_is_a_field_error(client, register_and_login):
    _, alice = register_and_login("alice@example.com")
    _, carol = register_and_login("carol@example.com")
    client.delete("/api/users/me/", headers=carol)
    project_uuid = client.post(
        "/api/projects/", {"name": "P"}, format="json", headers=alice
    ).json()["uuid"]

    for email in ("nobody@example.com", "carol@example.com"):
        response = client.post(
            f"/api/projects/{project_uuid}/members/", {"email": email}, format="json", headers=alice
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"
        assert "email" in response.json()["error"]["details"]


def test_readiness_reports_both_databases_and_the_keys(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database:users": "ok",
        "database:projects": "ok",
        "keys": "ok",
    }


def test_the_users_client_follows_the_configured_transport(settings):
    from services.users.client.local import LocalUsersClient
    from shared.core.clients import clients
    from users_contracts.v1 import UsersClient
    from users_contracts.v1.http import HttpUsersClient

    expected = {"local": LocalUsersClient, "wsgi": HttpUsersClient, "http": HttpUsersClient}
    transport = settings.SERVICE_CLIENTS["users"]["transport"]
    assert isinstance(clients.get("users", UsersClient), expected[transport])
