"""Request context: request ids and the inbound deadline, as the middleware reads them."""

import pytest
from django.conf import settings

from shared.kit.context import accept_or_create_request_id, deadline_var, parse_deadline


@pytest.mark.parametrize(("header", "deadline"), [("1700000000.5", 1700000000.5), ("12", 12.0)])
def test_well_formed_deadline_is_parsed(header, deadline):
    assert parse_deadline(header) == deadline


@pytest.mark.parametrize("header", [None, "", "soon", "0", "-5", "nan-ish"])
def test_missing_malformed_or_non_positive_deadline_is_none(header):
    assert parse_deadline(header) is None


def test_new_request_ids_are_well_formed_and_distinct():
    first, second = accept_or_create_request_id(None), accept_or_create_request_id("bad id")

    assert first != second
    assert accept_or_create_request_id(first) == first


def test_request_context_holds_the_id_and_deadline_during_the_request(client):
    response = client.get(
        "/context",
        headers={
            "X-Request-ID": "ctx-1",
            "X-Request-Deadline": "1900000000.25",
            "Authorization": f"Service {settings.INTERNAL_API_TOKEN}",
        },
    )

    assert response.json() == {"request_id": "ctx-1", "deadline": 1900000000.25}
    assert deadline_var.get() is None


def test_a_public_client_cannot_set_the_deadline_of_service_calls(client):
    response = client.get(
        "/context",
        headers={"X-Request-Deadline": "1", "Authorization": "Bearer some.user.token"},
    )

    assert response.json()["deadline"] is None


@pytest.mark.parametrize("credential", ["Service some-token", "Service ", "Service"])
def test_only_a_valid_service_credential_sets_the_deadline(client, credential):
    response = client.get(
        "/context", headers={"X-Request-Deadline": "1", "Authorization": credential}
    )

    assert response.json()["deadline"] is None


def test_request_without_deadline_has_none_in_context(client):
    assert client.get("/context").json()["deadline"] is None
