"""A client cannot make the API believe it came over https: only a declared proxy is trusted."""

import httpx

from tests_e2e.scenario import register_and_login


def test_a_client_claiming_https_gets_links_on_the_scheme_it_used(base_url):
    with httpx.Client(base_url=base_url, timeout=15) as client:
        _, owner = register_and_login(client, "Forwarder")
        for name in ("One", "Two"):
            assert client.post("/api/projects/", json={"name": name}, headers=owner).is_success
        page = client.get(
            "/api/projects/?page_size=1", headers={**owner, "X-Forwarded-Proto": "https"}
        )
    assert page.status_code == 200, page.text
    assert page.json()["next"].startswith(f"{base_url}/api/projects/?")
