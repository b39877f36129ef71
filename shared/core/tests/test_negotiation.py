"""LenientContentNegotiation: clients that ask for HTML still get JSON, never a 406."""

import pytest

from shared.core.tests.assertions import assert_error


@pytest.mark.parametrize(
    "accept", ["text/html", "text/html,application/xhtml+xml", "application/xml", "image/png"]
)
def test_unsupported_accept_still_gets_json(client, accept):
    response = client.get("/echo", headers={"Accept": accept})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"echo": None}


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/*"])
def test_json_accept_gets_json(client, accept):
    response = client.get("/echo", headers={"Accept": accept})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_errors_asked_for_as_html_are_json_envelopes(client):
    response = client.get("/errors/domain-not-found", headers={"Accept": "text/html"})

    assert_error(response, 404, "not_found")
