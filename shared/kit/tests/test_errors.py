"""ErrorCode: the public API's error codes, their statuses and the code for a bare status."""

import pytest

from shared.kit.errors import ErrorCode

# DESIGN section 5, as the public API promises it.
PUBLIC_CODES = {
    "validation_error": 400,
    "parse_error": 400,
    "not_authenticated": 401,
    "authentication_failed": 401,
    "permission_denied": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "idempotency_key_reused": 422,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "throttled": 429,
    "internal_error": 500,
    "bad_gateway": 502,
    "service_unavailable": 503,
    "gateway_timeout": 504,
}


@pytest.mark.parametrize(("code", "status"), PUBLIC_CODES.items())
def test_public_code_answers_with_its_status(code, status):
    assert ErrorCode(code).status == status


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_has_a_default_message(code):
    assert isinstance(code.default_message, str)
    assert code.default_message


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, ErrorCode.VALIDATION_ERROR),
        (401, ErrorCode.AUTHENTICATION_FAILED),
        (403, ErrorCode.PERMISSION_DENIED),
        (404, ErrorCode.NOT_FOUND),
        (405, ErrorCode.METHOD_NOT_ALLOWED),
        (409, ErrorCode.CONFLICT),
        (413, ErrorCode.PAYLOAD_TOO_LARGE),
        (415, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
        (429, ErrorCode.THROTTLED),
        (500, ErrorCode.INTERNAL_ERROR),
        (502, ErrorCode.BAD_GATEWAY),
        (503, ErrorCode.SERVICE_UNAVAILABLE),
        (504, ErrorCode.GATEWAY_TIMEOUT),
    ],
)
def test_for_status_picks_the_general_code_of_a_status(status, code):
    assert ErrorCode.for_status(status) is code


@pytest.mark.parametrize("status", [402, 410, 418, 422])
def test_for_status_falls_back_to_validation_error_for_other_client_errors(status):
    assert ErrorCode.for_status(status) is ErrorCode.VALIDATION_ERROR


@pytest.mark.parametrize("status", [501, 505, 599])
def test_for_status_falls_back_to_internal_error_for_other_server_errors(status):
    assert ErrorCode.for_status(status) is ErrorCode.INTERNAL_ERROR


def test_codes_are_their_strings():
    assert ErrorCode.NOT_FOUND == "not_found"
    assert f"{ErrorCode.CONFLICT}" == "conflict"
