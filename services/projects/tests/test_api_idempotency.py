"""Writes sent again with their Idempotency-Key are applied once, in the projects database."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from services.projects.models import IdempotentRequest, Project, ProjectMembership
from services.projects.tests.helpers import assert_error, projects_db, published

pytestmark = projects_db

KEY = {"HTTP_IDEMPOTENCY_KEY": "3f1c6a4e-key"}


def twice(client, method: str, url: str, body: dict | None = None, **headers):
    send = getattr(client, method)
    args = {"format": "json", **KEY, **headers}
    if body is not None:
        args["data"] = body
    return send(url, **args), send(url, **args)


def test_a_replayed_create_makes_one_project_and_answers_the_same_bytes(as_user, owner):
    first, again = twice(as_user(owner), "post", "/api/projects/", {"name": "Apollo"})
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Project.objects.using("projects").count() == 1
    assert [kind for kind, _ in published()] == ["project.created"]  # one event, not two
    [row] = IdempotentRequest.objects.using("projects").all()
    assert (row.key, row.status_code, bytes(row.body)) == ("3f1c6a4e-key", 201, first.content)


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_replayed_update_is_applied_once(as_user, owner, project, method):
    url = f"/api/projects/{project.uuid}/"
    first, again = twice(as_user(owner), method, url, {"name": "Artemis"})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert [kind for kind, _ in published()] == ["project.created", "project.updated"]


def test_a_replayed_delete_answers_204_again_not_404(as_user, owner, project):
    first, again = twice(as_user(owner), "delete", f"/api/projects/{project.uuid}/")
    assert first.status_code == again.status_code == 204
    assert again.content == b""
    assert again["Idempotent-Replayed"] == "true"
    assert [kind for kind, _ in published()] == ["project.created", "project.deleted"]


def test_a_replayed_member_add_and_remove_are_applied_once(as_user, owner, member, project):
    url = f"/api/projects/{project.uuid}/members/"
    added, again = twice(as_user(owner), "post", url, {"email": "member@example.com"})
    assert added.status_code == again.status_code == 201  # not 409: it is the same request
    assert again.content == added.content
    assert ProjectMembership.objects.using("projects").count() == 1
    removed, again = twice(
        as_user(owner), "delete", f"{url}{member.uuid}/", HTTP_IDEMPOTENCY_KEY="remove-1"
    )
    assert removed.status_code == again.status_code == 204
    assert again["Idempotent-Replayed"] == "true"
    assert [kind for kind, _ in published()] == [
        "project.created",
        "project.member_added",
        "project.member_removed",
    ]


def test_the_same_key_with_another_body_or_caller_is_422(as_user, owner, stranger):
    client = as_user(owner)
    client.post("/api/projects/", {"name": "Apollo"}, format="json", **KEY)
    other_body = client.post("/api/projects/", {"name": "Gemini"}, format="json", **KEY)
    assert_error(other_body, 422, "idempotency_key_reused")
    other_caller = as_user(stranger).post(
        "/api/projects/", {"name": "Apollo"}, format="json", **KEY
    )
    assert_error(other_caller, 422, "idempotency_key_reused")
    assert Project.objects.using("projects").count() == 1


def test_a_malformed_key_is_400(as_user, owner):
    response = as_user(owner).post(
        "/api/projects/", {"name": "Apollo"}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256
    )
    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["Idempotency-Key"]
    assert not Project.objects.using("projects").exists()


def test_a_refused_write_is_kept_and_answered_again(as_user, stranger, project):
    first, again = twice(as_user(stranger), "patch", f"/api/projects/{project.uuid}/", {})
    assert_error(first, 404, "not_found")
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


def test_gets_ignore_the_header_and_cost_no_query(as_user, owner, project):
    client = as_user(owner)
    client.get("/api/projects/")  # warm: prepared shapes, remembered token
    with CaptureQueriesContext(connections["projects"]) as plain:
        client.get("/api/projects/")
    with CaptureQueriesContext(connections["projects"]) as keyed:
        response = client.get("/api/projects/", **KEY)
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert len(keyed) == len(plain)
    assert not IdempotentRequest.objects.using("projects").exists()
