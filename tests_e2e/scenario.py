"""The smoke scenario, the same for every topology: a user's first minutes with the API."""

import uuid

import httpx

PASSWORD = "correct-horse-battery-9"


def register_and_login(client: httpx.Client, name: str) -> tuple[str, dict[str, str]]:
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com"
    created = client.post(
        "/api/auth/register/", json={"email": email, "password": PASSWORD, "display_name": name}
    )
    assert created.status_code == 201, created.text
    tokens = client.post("/api/auth/token/", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return email, {"Authorization": f"Bearer {tokens.json()['access']}"}


def smoke(base_url: str, *, request_id: str) -> None:
    """register -> token -> create project -> add member -> list with expand=owner."""
    with httpx.Client(base_url=base_url, timeout=15) as client:
        _, alice = register_and_login(client, "Alice")
        bob_email, bob = register_and_login(client, "Bob")

        project = client.post("/api/projects/", json={"name": "Apollo"}, headers=alice)
        assert project.status_code == 201, project.text

        member = client.post(
            f"/api/projects/{project.json()['uuid']}/members/",
            json={"email": bob_email},
            headers={**alice, "X-Request-ID": request_id},
        )
        assert member.status_code == 201, member.text
        assert member.headers["X-Request-ID"] == request_id
        assert member.json()["display_name"] == "Bob"

        listing = client.get("/api/projects/?expand=owner", headers=bob)
        assert listing.status_code == 200, listing.text
        assert "X-Degraded" not in listing.headers
        [entry] = listing.json()["results"]
        assert entry["name"] == "Apollo"
        assert entry["owner"]["display_name"] == "Alice"
