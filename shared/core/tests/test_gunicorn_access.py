"""gunicorn's access line: structured fields through the JSON formatter, never a forged line."""

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest

from shared.core.logging.gunicorn_access import JsonAccessLogMixin, access_fields
from shared.core.logging.json import JsonFormatter, RequestContextFilter

HOSTILE_PATH = '/api/x\\y"z\n{"level": "ERROR", "forged": true}\r\nend'


def environ(path: str = "/healthz", **extra: str) -> dict[str, str]:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "REMOTE_ADDR": "10.0.0.7", **extra}


def response(status: object = "200 OK", headers: object = ()) -> SimpleNamespace:
    return SimpleNamespace(status=status, headers=list(headers))


class AccessLogger(JsonAccessLogMixin):
    """Stands in for ``gunicorn.glogging.Logger``: the attributes the mixin relies on."""

    def __init__(self, enabled: bool = True):
        self.access_log = logging.getLogger("core.tests.gunicorn.access")
        self.access_log_enabled = enabled
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(message)


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter(service="users"))
    logger = logging.getLogger("core.tests.gunicorn.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield stream
    logger.removeHandler(handler)


def test_a_hostile_path_is_one_valid_json_line_with_the_path_intact(stream):
    resp = response("404 Not Found", [("Content-Type", "application/json"), ("X-Request-ID", "r1")])

    AccessLogger().access(resp, None, environ(HOSTILE_PATH), timedelta(milliseconds=12.345))

    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["path"] == HOSTILE_PATH
    assert "forged" not in record
    assert record["message"] == f"GET {HOSTILE_PATH} 404"
    assert {key: record[key] for key in ("method", "status", "duration_ms", "request_id")} == {
        "method": "GET",
        "status": 404,
        "duration_ms": 12.35,
        "request_id": "r1",
    }
    assert (record["logger"], record["level"], record["service"]) == (
        "core.tests.gunicorn.access",
        "INFO",
        "users",
    )
    assert record["remote_addr"] == "10.0.0.7"


def test_nothing_is_logged_when_gunicorn_says_access_logging_is_off(stream):
    AccessLogger(enabled=False).access(response(), None, environ(), timedelta())

    assert stream.getvalue() == ""


def test_a_failure_to_log_is_reported_on_the_error_log_not_raised(stream):
    logger = AccessLogger()

    logger.access(response(), None, environ(), "not a timedelta")  # type: ignore[arg-type]

    assert stream.getvalue() == ""
    [message] = logger.errors
    assert "AttributeError" in message


def test_a_response_without_request_id_logs_null():
    """gunicorn's own error responses (400 for a malformed request line) carry no id."""
    fields = access_fields(response("400 Bad Request"), environ(), timedelta())

    assert (fields["status"], fields["request_id"]) == (400, None)


@pytest.mark.parametrize(
    ("status", "expected"), [(201, 201), ("503 Service Unavailable", 503), (None, None), ("", None)]
)
def test_status_as_int_or_status_line(status, expected):
    assert access_fields(response(status), environ(), timedelta())["status"] == expected


def test_headers_may_be_a_mapping_and_are_matched_without_case():
    fields = access_fields(response(), environ(), timedelta())
    fields_from_mapping = access_fields(
        SimpleNamespace(status="200 OK", headers={"x-REQUEST-id": "r2"}), environ(), timedelta()
    )

    assert fields["request_id"] is None
    assert fields_from_mapping["request_id"] == "r2"


def test_the_path_is_the_one_django_sees():
    """WSGI paths are bytes read as latin-1; SCRIPT_NAME is part of Django's request.path."""
    wsgi_path = "/api/caf\u00e9/".encode().decode("latin-1")

    fields = access_fields(response(), environ(wsgi_path, SCRIPT_NAME="/prefix"), timedelta())

    assert fields["path"] == "/prefix/api/caf\u00e9/"
