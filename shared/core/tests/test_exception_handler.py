"""The DRF exception handler: every exception a view raises becomes the one error envelope."""

import logging

import pytest
from rest_framework.exceptions import NotAuthenticated

from shared.core.exceptions.handler import exception_handler
from shared.core.tests.assertions import assert_error


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("domain-validation", 400, "validation_error"),
        ("domain-authentication-failed", 401, "authentication_failed"),
        ("domain-permission-denied", 403, "permission_denied"),
        ("domain-not-found", 404, "not_found"),
        ("domain-conflict", 409, "conflict"),
        ("domain-service-unavailable", 503, "service_unavailable"),
        ("domain-upstream", 502, "bad_gateway"),
        ("parse", 400, "parse_error"),
        ("not-authenticated", 401, "not_authenticated"),
        ("authentication-failed", 401, "authentication_failed"),
        ("permission-denied", 403, "permission_denied"),
        ("not-found", 404, "not_found"),
        ("not-acceptable", 406, "not_acceptable"),
        ("unsupported-media-type", 415, "unsupported_media_type"),
        ("throttled", 429, "throttled"),
        ("gateway-timeout", 504, "gateway_timeout"),
        ("api-exception", 500, "internal_error"),
        ("django-404", 404, "not_found"),
        ("django-permission-denied", 403, "permission_denied"),
        ("field-errors", 400, "validation_error"),
        ("unhandled", 500, "internal_error"),
    ],
)
def test_exception_becomes_envelope_with_its_code_and_status(client, name, status, code):
    assert_error(client.get(f"/errors/{name}"), status, code)


def test_method_not_allowed_keeps_the_allow_header(client):
    response = client.post("/errors/not-found")

    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_domain_error_keeps_its_message_and_details(client):
    error = assert_error(client.get("/errors/domain-validation"), 400, "validation_error")

    assert error["message"] == "Name is taken."
    assert error["details"] == {"name": ["Name is taken."]}


def test_domain_error_without_message_gets_the_default_message(client):
    error = assert_error(client.get("/errors/domain-not-found"), 404, "not_found")

    assert error["message"] == "Not found."
    assert error["details"] == {}


def test_field_errors_go_under_details_as_lists_of_messages(client):
    error = assert_error(client.get("/errors/field-errors"), 400, "validation_error")

    assert error["details"] == {
        "name": ["This field is required."],
        "priority": ["Must be 1..4."],
    }


def test_errors_of_no_single_field_go_under_non_field_errors(client):
    error = assert_error(client.get("/errors/non-field-errors"), 400, "validation_error")

    assert error["details"] == {"non_field_errors": ["Start date must not follow due date."]}


def test_nested_serializer_errors_keep_their_shape(client):
    error = assert_error(client.get("/errors/nested-errors"), 400, "validation_error")

    assert error["details"] == {
        "owner": {"email": ["Enter a valid email."]},
        "tags": [{}, {"name": ["Too long."]}],
    }


def test_invalid_token_dict_detail_is_flattened_into_a_string_message(client):
    error = assert_error(client.get("/errors/invalid-token"), 401, "authentication_failed")

    assert error["message"] == "Given token not valid for any token type"
    assert error["details"] == {}


def test_invalid_token_with_a_sentence_keeps_the_sentence(client):
    error = assert_error(client.get("/errors/invalid-token-sentence"), 401, "authentication_failed")

    assert error["message"] == "Token has no usable subject."


def test_list_detail_is_joined_into_one_message(client):
    error = assert_error(client.get("/errors/list-detail"), 403, "permission_denied")

    assert error["message"] == "Not yours. Ask the owner."


def test_empty_detail_still_gets_a_non_empty_message(client):
    error = assert_error(client.get("/errors/empty-detail"), 403, "permission_denied")

    assert error["message"] == "You do not have permission to perform this action."


@pytest.mark.parametrize("name", ["not-authenticated", "authentication-failed"])
def test_401_stays_401_with_a_challenge_when_the_view_has_no_authenticator(client, name):
    # DRF would turn these into 403 because the view offers no WWW-Authenticate challenge.
    response = client.get(f"/errors/{name}")

    assert_error(response, 401, name.replace("-", "_"))
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_401_from_an_authenticated_view_carries_its_authenticators_challenge(client):
    response = client.get("/me")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_non_auth_errors_carry_no_challenge(client):
    response = client.get("/errors/permission-denied")

    assert "WWW-Authenticate" not in response


def test_throttled_tells_when_to_retry(client):
    response = client.get("/errors/throttled")

    assert_error(response, 429, "throttled")
    assert response["Retry-After"] == "30"


def test_throttled_without_wait_sends_no_retry_after(client):
    response = client.get("/errors/throttled-no-wait")

    assert_error(response, 429, "throttled")
    assert "Retry-After" not in response


def test_unhandled_exception_is_a_500_and_its_traceback_is_logged(client, caplog):
    with caplog.at_level(logging.ERROR, logger="shared.core.errors"):
        response = client.get("/errors/unhandled")

    error = assert_error(response, 500, "internal_error")
    assert error["message"] == "An internal error occurred."
    assert "boom" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "shared.core.errors"]
    assert record.levelno == logging.ERROR
    assert "ErrorView" in record.getMessage()
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "Traceback" in caplog.text


def test_handled_errors_are_not_logged_as_errors(client, caplog):
    with caplog.at_level(logging.ERROR, logger="shared.core.errors"):
        client.get("/errors/domain-conflict")

    assert not [r for r in caplog.records if r.name == "shared.core.errors"]


def test_handler_called_outside_a_view_still_answers_and_logs(caplog):
    with caplog.at_level(logging.ERROR, logger="shared.core.errors"):
        response = exception_handler(KeyError("x"), {})

    assert response.status_code == 500
    assert response.data["error"]["code"] == "internal_error"
    assert "unknown view" in caplog.text


def test_handler_without_request_still_challenges_a_401():
    response = exception_handler(NotAuthenticated(), {})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_unreachable_database_is_a_logged_503(client, caplog):
    with caplog.at_level(logging.ERROR, logger="shared.core.errors"):
        response = client.get("/errors/database-down")

    error = assert_error(response, 503, "service_unavailable")
    assert "connection refused" not in error["message"]
    assert "Database unavailable" in caplog.text


def test_a_json_body_nested_too_deeply_is_a_parse_error(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/echo", data=body, content_type="application/json")

    assert_error(response, 400, "parse_error")
