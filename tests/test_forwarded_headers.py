"""Forwarded headers are believed only when settings say a proxy is in front."""

import pytest

pytestmark = pytest.mark.django_db(databases=["users", "projects"])


def next_link(client, headers: dict[str, str]) -> str:
    response = client.get("/api/projects/?page_size=1", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["next"]


@pytest.fixture
def two_projects(client, register_and_login) -> dict[str, str]:
    _, owner = register_and_login("ada@example.com")
    for name in ("One", "Two"):
        assert client.post("/api/projects/", {"name": name}, headers=owner).status_code == 201
    return owner


def test_a_bare_monolith_ignores_a_client_claiming_https(client, two_projects):
    link = next_link(client, {**two_projects, "X-Forwarded-Proto": "https"})
    assert link.startswith("http://")


def test_behind_a_declared_proxy_links_follow_its_scheme(client, two_projects, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    link = next_link(client, {**two_projects, "X-Forwarded-Proto": "https"})
    assert link.startswith("https://")
