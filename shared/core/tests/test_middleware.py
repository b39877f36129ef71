"""Request ids, the access log, the body size limit and the envelope for Django's own errors."""

import json
import logging

import pytest

from shared.core.tests.assertions import assert_error
from shared.kit.context import current_request_id

ONE_MIB = 1024 * 1024


# --- Request id --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inbound", ["abc", "req-42_x.y", "A" * 64, "0123456789abcdef0123456789abcdef"]
)
def test_well_formed_inbound_request_id_is_kept(client, inbound):
    response = client.get("/healthz", headers={"X-Request-ID": inbound})

    assert response["X-Request-ID"] == inbound


@pytest.mark.parametrize(
    "inbound", ["", "has space", "semi;colon", "new\\nline", "ünïcode", "A" * 65, "a/b"]
)
def test_malformed_or_too_long_request_id_is_replaced(client, inbound):
    response = client.get("/healthz", headers={"X-Request-ID": inbound})

    assert response["X-Request-ID"]
    assert response["X-Request-ID"] != inbound


def test_request_without_id_gets_a_fresh_one_each_time(client):
    first, second = client.get("/healthz"), client.get("/healthz")

    assert first["X-Request-ID"]
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_error_envelope_carries_the_inbound_request_id(client):
    response = client.get("/errors/domain-conflict", headers={"X-Request-ID": "trace-me"})

    error = assert_error(response, 409, "conflict")
    assert error["request_id"] == "trace-me"


def test_request_id_does_not_outlive_the_request(client):
    client.get("/healthz", headers={"X-Request-ID": "short-lived"})

    assert current_request_id() is None


def test_one_access_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="shared.core.access"):
        response = client.get("/healthz", headers={"X-Request-ID": "logged"})

    [record] = [r for r in caplog.records if r.name == "shared.core.access"]
    assert record.getMessage() == "GET /healthz 200"
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)
    assert record.duration_ms >= 0
    assert response.status_code == 200


def test_access_log_records_error_statuses_too(client, caplog):
    with caplog.at_level(logging.INFO, logger="shared.core.access"):
        client.get("/nowhere")

    [record] = [r for r in caplog.records if r.name == "shared.core.access"]
    assert record.status == 404


# --- Django's own errors -----------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_url_is_a_json_404_envelope(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/nowhere", headers={"Accept": "text/html"})

    assert_error(response, 404, "not_found")


def test_path_without_its_trailing_slash_is_a_404_not_a_redirect(client):
    assert_error(client.get("/widgets"), 404, "not_found")


def test_django_405_becomes_an_envelope_and_keeps_allow(client):
    response = client.post("/plain/get-only")

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("debug", [False, True])
def test_crash_in_a_plain_view_is_a_500_envelope_never_a_debug_page(
    lenient_client, settings, debug
):
    settings.DEBUG = debug

    response = lenient_client.get("/plain/crash")

    assert_error(response, 500, "internal_error")
    assert b"Traceback" not in response.content
    assert b"plain view crashed" not in response.content


def test_plain_401_keeps_its_challenge(client):
    response = client.get("/plain/unauthorized")

    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == 'Basic realm="x"'


def test_plain_503_keeps_retry_after(client):
    response = client.get("/plain/maintenance")

    assert_error(response, 503, "service_unavailable")
    assert response["Retry-After"] == "120"


def test_json_error_responses_pass_through_untouched(client):
    response = client.get("/plain/json-conflict")

    assert response.status_code == 409
    assert response.json() == {"already": "json"}


def test_successful_responses_pass_through_untouched(client):
    response = client.get("/plain/get-only")

    assert response.status_code == 200
    assert response.content == b"plain"
    assert response["X-Request-ID"]


# --- Body size ---------------------------------------------------------------------------------


def test_body_over_one_mib_is_a_413(client):
    body = json.dumps("x" * ONE_MIB)

    error = assert_error(
        client.post("/echo", body, content_type="application/json"), 413, "payload_too_large"
    )
    assert error["details"] == {"max_bytes": ONE_MIB}


def test_body_of_exactly_one_mib_is_accepted(client):
    body = json.dumps("x" * (ONE_MIB - 2))
    assert len(body) == ONE_MIB

    response = client.post("/echo", body, content_type="application/json")

    assert response.status_code == 200
    assert len(response.json()["echo"]) == ONE_MIB - 2


def test_invalid_content_length_is_a_400(client):
    response = client.generic(
        "POST", "/echo", b"{}", content_type="application/json", CONTENT_LENGTH="lots"
    )

    error = assert_error(response, 400, "validation_error")
    assert "Content-Length" in error["message"]


def test_no_limit_configured_lets_large_bodies_through(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    body = json.dumps("x" * ONE_MIB)

    response = client.post("/echo", body, content_type="application/json")

    assert response.status_code == 200
