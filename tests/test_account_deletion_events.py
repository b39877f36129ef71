"""Deleting an account reaches projects through the outbox, in the same process (local events).

Real commits (``transaction=True``): the outbox is drained when users' transaction commits, as
in ``make run``, so everything below holds as soon as DELETE /api/users/me/ has answered.
"""

import logging

import pytest

from services.projects.models import InboxEvent
from services.projects.models import OutboxEvent as ProjectsOutbox
from services.users.models import OutboxEvent as UsersOutbox

pytestmark = pytest.mark.django_db(transaction=True, databases=["users", "projects"])


def create_project(client, headers, name: str) -> str:
    response = client.post("/api/projects/", {"name": name}, format="json", headers=headers)
    assert response.status_code == 201, response.content
    return response.json()["uuid"]


def add_member(client, headers, project_uuid: str, email: str) -> None:
    response = client.post(
        f"/api/projects/{project_uuid}/members/", {"email": email}, format="json", headers=headers
    )
    assert response.status_code == 201, response.content


def test_deleting_an_account_deletes_its_projects_memberships_and_tokens(
    client, register_and_login, caplog
):
    caplog.set_level(logging.INFO, logger="shared.core.events")
    alice_uuid, alice = register_and_login("alice@example.com", "Alice")
    _, bob = register_and_login("bob@example.com", "Bob")
    alices = create_project(client, alice, "Alice's")
    add_member(client, alice, alices, "bob@example.com")
    bobs = create_project(client, bob, "Bob's")
    add_member(client, bob, bobs, "alice@example.com")

    deleted = client.delete("/api/users/me/", headers={**alice, "X-Request-ID": "bye-alice"})
    assert deleted.status_code == 204

    # Alice's project is gone for Bob, who was its member.
    assert client.get(f"/api/projects/{alices}/", headers=bob).status_code == 404
    assert [p["uuid"] for p in client.get("/api/projects/", headers=bob).json()["results"]] == [
        bobs
    ]
    # Her membership of Bob's project is removed.
    members = client.get(f"/api/projects/{bobs}/members/", headers=bob).json()
    assert [m["role"] for m in members] == ["owner"]
    # Her access token has not expired, yet projects refuses it.
    refused = client.get("/api/projects/", headers=alice)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"

    # Sent, handled once, and traceable by the request id from the request to the consumer.
    user_deleted = UsersOutbox.objects.using("users").get(type="user.deleted")
    assert user_deleted.sent_at is not None
    assert user_deleted.aggregate_id == alice_uuid
    assert InboxEvent.objects.using("projects").get().event_id == user_deleted.event_id
    consequences = ProjectsOutbox.objects.using("projects").filter(request_id="bye-alice")
    assert sorted(consequences.values_list("type", flat=True)) == [
        "project.deleted",
        "project.member_removed",
    ]
    assert all(row.sent_at is not None for row in consequences)
    traced = [
        r.getMessage().split(":")[0]
        for r in caplog.records
        if getattr(r, "request_id", None) == "bye-alice"
    ]
    assert "event published" in traced
    assert "event handled" in traced


def test_a_deleted_members_projects_survive_for_their_owner(client, register_and_login):
    _, alice = register_and_login("alice@example.com")
    _, bob = register_and_login("bob@example.com")
    alices = create_project(client, alice, "Alice's")
    add_member(client, alice, alices, "bob@example.com")

    assert client.delete("/api/users/me/", headers=bob).status_code == 204

    members = client.get(f"/api/projects/{alices}/members/", headers=alice).json()
    assert [m["role"] for m in members] == ["owner"]
